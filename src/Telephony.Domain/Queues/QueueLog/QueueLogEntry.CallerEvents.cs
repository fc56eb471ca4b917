using System.Globalization;

namespace Telephony.Domain.Queues.QueueLog;

/// <summary>The events of one caller's stay in a queue, with the data fields app_queue (Asterisk 20) writes.</summary>
/// <remarks>Durations are written in whole seconds, truncated. Asterisk's own values are differences of whole-second
/// clocks (<c>time(NULL) - qe->start</c>), so for the same call it may write one second more than the truncated
/// duration; pass the difference of whole-second times to reproduce it exactly.</remarks>
public sealed partial record QueueLogEntry
{
    /// <summary>ENTERQUEUE, agent NONE: <c>url|callerid|position</c> — the URL passed to Queue() (usually empty), the
    /// caller ID number (empty when restricted and log-restricted-caller-id=no) and the position the caller joined at
    /// (1 = head). With log-caller-id-name=yes Asterisk adds a 4th field, the caller ID name: pass
    /// <paramref name="callerIdName"/> (empty for none) to write it, null to leave it out as by default.</summary>
    public static QueueLogEntry EnterQueue(DateTimeOffset time, string callId, string queue, string? url,
        string? callerIdNumber, int position, string? callerIdName = null) =>
        new(time, callId, queue, None, QueueLogEvents.EnterQueue, callerIdName is null
            ? [QueueLogText.Clean(url), QueueLogText.Clean(callerIdNumber), Number(position)]
            : [QueueLogText.Clean(url), QueueLogText.Clean(callerIdNumber), Number(position), QueueLogText.Clean(callerIdName)]);

    /// <summary>CONNECT, agent = member name: <c>holdtime|bridged channel uniqueid|ringtime</c> — seconds the caller
    /// waited in the queue before this agent answered, the answering agent channel's uniqueid, seconds this agent's
    /// phone rang.</summary>
    public static QueueLogEntry Connect(DateTimeOffset time, string callId, string queue, string agent,
        TimeSpan holdTime, string agentUniqueId, TimeSpan ringTime) =>
        new(time, callId, queue, agent, QueueLogEvents.Connect, [Seconds(holdTime), agentUniqueId, Seconds(ringTime)]);

    /// <summary>COMPLETECALLER (the caller hung up), agent = member name: <c>holdtime|calltime|origposition</c> —
    /// seconds waited before the answer, seconds talked, the position the caller joined at.</summary>
    public static QueueLogEntry CompleteCaller(DateTimeOffset time, string callId, string queue, string agent,
        TimeSpan holdTime, TimeSpan callTime, int originalPosition) =>
        Complete(QueueLogEvents.CompleteCaller, time, callId, queue, agent, holdTime, callTime, originalPosition);

    /// <summary>COMPLETEAGENT (the agent hung up): the same fields as <see cref="CompleteCaller"/>.</summary>
    public static QueueLogEntry CompleteAgent(DateTimeOffset time, string callId, string queue, string agent,
        TimeSpan holdTime, TimeSpan callTime, int originalPosition) =>
        Complete(QueueLogEvents.CompleteAgent, time, callId, queue, agent, holdTime, callTime, originalPosition);

    /// <summary>ABANDON: <c>position|origposition|waittime</c> — the caller's position when hanging up, the position
    /// joined at, seconds waited. Agent is NONE when the caller hung up while waiting; app_queue writes the member name
    /// when the caller hung up after the agent answered but before being bridged (e.g. during the agent's announcement).</summary>
    public static QueueLogEntry Abandon(DateTimeOffset time, string callId, string queue, int position,
        int originalPosition, TimeSpan waitTime, string agent = None) =>
        new(time, callId, queue, agent, QueueLogEvents.Abandon, PositionsAndWait(position, originalPosition, waitTime));

    /// <summary>EXITWITHTIMEOUT, agent NONE: <c>position|origposition|waittime</c> — the queue's (or Queue()'s) timeout
    /// ran out.</summary>
    public static QueueLogEntry ExitWithTimeout(DateTimeOffset time, string callId, string queue, int position,
        int originalPosition, TimeSpan waitTime) =>
        new(time, callId, queue, None, QueueLogEvents.ExitWithTimeout, PositionsAndWait(position, originalPosition, waitTime));

    /// <summary>EXITEMPTY, agent NONE: <c>position|origposition|waittime</c> — left because no member could take
    /// calls (leavewhenempty).</summary>
    public static QueueLogEntry ExitEmpty(DateTimeOffset time, string callId, string queue, int position,
        int originalPosition, TimeSpan waitTime) =>
        new(time, callId, queue, None, QueueLogEvents.ExitEmpty, PositionsAndWait(position, originalPosition, waitTime));

    /// <summary>EXITWITHKEY, agent NONE: <c>key|position|origposition|waittime</c> — the caller pressed a digit that
    /// leads out of the queue (the queue's context); the digits come first.</summary>
    public static QueueLogEntry ExitWithKey(DateTimeOffset time, string callId, string queue, string key, int position,
        int originalPosition, TimeSpan waitTime) =>
        new(time, callId, queue, None, QueueLogEvents.ExitWithKey,
            [QueueLogText.Clean(key), .. PositionsAndWait(position, originalPosition, waitTime)]);

    /// <summary>WITHDRAW, agent NONE: <c>position|origposition|waittime|withdrawinfo</c> — the caller was taken out by
    /// the QueueWithdrawCaller AMI action; Asterisk keeps at most 40 characters of the info.</summary>
    public static QueueLogEntry Withdraw(DateTimeOffset time, string callId, string queue, int position,
        int originalPosition, TimeSpan waitTime, string? withdrawInfo)
    {
        var info = QueueLogText.Clean(withdrawInfo);
        return new(time, callId, queue, None, QueueLogEvents.Withdraw,
            [.. PositionsAndWait(position, originalPosition, waitTime), info.Length > 40 ? info[..40] : info]);
    }

    /// <summary>RINGNOANSWER, agent = member name: <c>ringtime</c> in milliseconds. Also written when the member was
    /// busy or unavailable, then with whole seconds × 1000; on a ring timeout it is the configured timeout.</summary>
    public static QueueLogEntry RingNoAnswer(DateTimeOffset time, string callId, string queue, string agent,
        TimeSpan ringTime) =>
        new(time, callId, queue, agent, QueueLogEvents.RingNoAnswer, [Milliseconds(ringTime)]);

    /// <summary>RINGCANCELED, agent = member name: <c>ringtime</c> in milliseconds — the caller left (or another
    /// member answered under ringall) while this member's phone rang.</summary>
    public static QueueLogEntry RingCanceled(DateTimeOffset time, string callId, string queue, string agent,
        TimeSpan ringTime) =>
        new(time, callId, queue, agent, QueueLogEvents.RingCanceled, [Milliseconds(ringTime)]);

    /// <summary>AGENTDUMP, agent = member name, one empty field: the agent hung up on the caller during the agent's
    /// announcement, before being bridged.</summary>
    public static QueueLogEntry AgentDump(DateTimeOffset time, string callId, string queue, string agent) =>
        new(time, callId, queue, agent, QueueLogEvents.AgentDump, [""]);

    private static QueueLogEntry Complete(string @event, DateTimeOffset time, string callId, string queue, string agent,
        TimeSpan holdTime, TimeSpan callTime, int originalPosition) =>
        new(time, callId, queue, agent, @event, [Seconds(holdTime), Seconds(callTime), Number(originalPosition)]);

    private static string[] PositionsAndWait(int position, int originalPosition, TimeSpan waitTime) =>
        [Number(position), Number(originalPosition), Seconds(waitTime)];

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Seconds(TimeSpan duration) => Number((long)Math.Floor(duration.TotalSeconds));

    private static string Milliseconds(TimeSpan duration) => Number((long)Math.Floor(duration.TotalMilliseconds));
}
