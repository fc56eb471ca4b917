using Telephony.Ami.Protocol;
using Telephony.Simulator.Calls;

namespace Telephony.Simulator.Sessions;

/// <summary>
/// A manager event on the wire as <c>__manager_event_sessions_va()</c> (main/manager.c) writes it: <c>Event</c>,
/// <c>Privilege</c>, then, with manager.conf <c>timestampevents = yes</c>, <c>Timestamp: sec.usec</c>, then the
/// event's own headers. Only events raised through the manager get it: FullyBooted (written straight into the session
/// at login), responses and the events of an action's list (CoreShowChannel, QueueMember, ...) do not.
/// </summary>
internal static class ManagerEvent
{
    /// <param name="timestampMicros">When the event is raised (µs since the epoch); null = no Timestamp line.</param>
    public static byte[] Write(IReadOnlyList<KeyValuePair<string, string>> headers, long? timestampMicros)
    {
        var w = new AmiMessageWriter();
        var stampAt = timestampMicros is null ? -1 : StampPosition(headers);
        for (var i = 0; i < headers.Count; i++)
        {
            if (i == stampAt) w.Add("Timestamp", AsteriskTime.Timestamp(timestampMicros!.Value));
            // The Timestamp is the node's to give: a hand-written or extracted script that carries one does not repeat it.
            if (!headers[i].Key.Equals("Timestamp", StringComparison.OrdinalIgnoreCase)) w.Add(headers[i].Key, headers[i].Value);
        }
        if (stampAt == headers.Count) w.Add("Timestamp", AsteriskTime.Timestamp(timestampMicros!.Value));
        return w.ToArray();
    }

    private static int StampPosition(IReadOnlyList<KeyValuePair<string, string>> headers)
    {
        var i = 0;
        if (i < headers.Count && headers[i].Key.Equals("Event", StringComparison.OrdinalIgnoreCase)) i++;
        if (i < headers.Count && headers[i].Key.Equals("Privilege", StringComparison.OrdinalIgnoreCase)) i++;
        return i;
    }
}
