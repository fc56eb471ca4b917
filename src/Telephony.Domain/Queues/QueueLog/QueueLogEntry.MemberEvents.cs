namespace Telephony.Domain.Queues.QueueLog;

/// <summary>Queue-wide and member events, with the data fields app_queue (Asterisk 20) writes.</summary>
/// <remarks>
/// The agent field is not the same across events: CONNECT, RINGNOANSWER, PAUSE... carry the member name, but
/// ADDMEMBER and REMOVEMEMBER carry the interface (e.g. <c>Local/agent1@agents/n</c>) unless queues.conf has
/// log_membername_as_agent=yes, and PENALTY always carries the interface. These factories write what they are given:
/// pass the name Asterisk would.
/// </remarks>
public sealed partial record QueueLogEntry
{
    /// <summary>QUEUESTART, everything NONE and one empty field: the queue log was opened (Asterisk started).</summary>
    public static QueueLogEntry QueueStart(DateTimeOffset time) =>
        new(time, None, None, None, QueueLogEvents.QueueStart, [""]);

    /// <summary>CONFIGRELOAD, everything NONE and one empty field: Asterisk reloaded its configuration.</summary>
    public static QueueLogEntry ConfigReload(DateTimeOffset time) =>
        new(time, None, None, None, QueueLogEvents.ConfigReload, [""]);

    /// <summary>ADDMEMBER: one field, <c>PAUSED</c> when the member joined paused, else empty. <paramref name="source"/>
    /// is the callid field: <c>MANAGER</c> (AMI QueueAdd), <c>CLI</c>, <c>REALTIME</c>, or the uniqueid of the
    /// channel that ran AddQueueMember().</summary>
    public static QueueLogEntry AddMember(DateTimeOffset time, string source, string queue, string agent, bool paused) =>
        new(time, source, queue, agent, QueueLogEvents.AddMember, [paused ? "PAUSED" : ""]);

    /// <summary>REMOVEMEMBER: one empty field; <paramref name="source"/> as for <see cref="AddMember"/>.</summary>
    public static QueueLogEntry RemoveMember(DateTimeOffset time, string source, string queue, string agent) =>
        new(time, source, queue, agent, QueueLogEvents.RemoveMember, [""]);

    /// <summary>PAUSE, callid NONE, agent = member name: <c>reason</c> (may be empty).</summary>
    public static QueueLogEntry Pause(DateTimeOffset time, string queue, string agent, string? reason) =>
        new(time, None, queue, agent, QueueLogEvents.Pause, [QueueLogText.Clean(reason)]);

    /// <summary>UNPAUSE, callid NONE, agent = member name: <c>reason</c> (may be empty; <c>Auto-Unpause</c> when the
    /// autopause delay let the member back).</summary>
    public static QueueLogEntry Unpause(DateTimeOffset time, string queue, string agent, string? reason) =>
        new(time, None, queue, agent, QueueLogEvents.Unpause, [QueueLogText.Clean(reason)]);

    /// <summary>PAUSEALL, callid and queue NONE: <c>reason</c>. Written once when a member is paused without naming a
    /// queue, before the PAUSE line of every queue the member is in.</summary>
    public static QueueLogEntry PauseAll(DateTimeOffset time, string agent, string? reason) =>
        new(time, None, None, agent, QueueLogEvents.PauseAll, [QueueLogText.Clean(reason)]);

    /// <summary>UNPAUSEALL: as <see cref="PauseAll"/>, for unpausing.</summary>
    public static QueueLogEntry UnpauseAll(DateTimeOffset time, string agent, string? reason) =>
        new(time, None, None, agent, QueueLogEvents.UnpauseAll, [QueueLogText.Clean(reason)]);

    /// <summary>PENALTY, callid NONE, agent = the member's interface: <c>penalty</c>, the new value.</summary>
    public static QueueLogEntry Penalty(DateTimeOffset time, string queue, string memberInterface, int penalty) =>
        new(time, None, queue, memberInterface, QueueLogEvents.Penalty, [Number(penalty)]);
}
