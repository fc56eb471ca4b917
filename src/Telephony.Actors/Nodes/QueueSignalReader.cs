using System.Globalization;
using Telephony.Actors.Queues;
using Telephony.Ami.Protocol;
using Telephony.Domain.Queues;
using Telephony.Domain.Queues.Calls;

namespace Telephony.Actors.Nodes;

/// <summary>
/// Reads what the call queues need from one node's AMI events: a caller joining (<c>UserEvent(TelephonyQueueJoin,
/// Queue: q, Priority: p)</c> — the channel snapshot before it has its own dialplan <c>Priority</c>, so the user's is
/// the last one), the connect dialplan's result, the caller's Dial answered, the caller hanging up, agents' phone
/// commands and Asterisk shutting down. It remembers which queue holds each caller channel of this node (from the
/// join, or told by a queue that took the caller over or recovered) to route that channel's later events.
/// </summary>
public sealed class QueueSignalReader(string node, QueueDirectory directory)
{
    private readonly Dictionary<string, string> _queueOf = new(StringComparer.Ordinal); // caller Uniqueid -> queue
    private readonly List<ExpectAgentLeg> _expected = []; // agent legs arriving over a trunk, by caller number

    public void Expect(ExpectAgentLeg leg)
    {
        _expected.RemoveAll(e => e.Until < DateTimeOffset.UtcNow || e.ReservationId == leg.ReservationId);
        _expected.Add(leg);
    }

    public long BadSignals { get; private set; }

    public string? LastBadSignal { get; private set; }

    public int Watched => _queueOf.Count;

    public void Watch(string uniqueId, string queue) => _queueOf[uniqueId] = queue;

    /// <summary>The message this event means for a queue or an agent, or null.</summary>
    public object? Read(AmiMessage m, DateTimeOffset now)
    {
        switch (m.EventName)
        {
            case "UserEvent":
                return ReadUserEvent(m, now);
            case "Newchannel" when _expected.Count > 0 && m["CallerIDNum"] is { Length: > 0 } number:
                var i = _expected.FindIndex(e => e.CallerIdNum == number && e.Until >= now);
                if (i < 0) return null;
                var leg = _expected[i];
                _expected.RemoveAt(i);
                return new AgentLegSeen(leg.Queue, leg.ReservationId, leg.AgentId, node, m["Uniqueid"] ?? "", m["Linkedid"]);
            case "DeviceStateChange" when m["Device"] is { } device && directory.AgentByDevice(device) is { } agent:
                return new AgentPhoneState(agent.Id, m["State"] is "INUSE" or "BUSY" or "RINGING" or "RINGINUSE" or "ONHOLD");
            case "Hangup" when m["Uniqueid"] is { } id && _queueOf.Remove(id, out var queue):
                return new CallerHungUp(queue, new CallerKey(node, id), now);
            case "DialEnd" when m["Uniqueid"] is { } id && _queueOf.TryGetValue(id, out var queue)
                                && string.Equals(m["DialStatus"], "ANSWER", StringComparison.OrdinalIgnoreCase):
                return new CallerDialAnswered(queue, new CallerKey(node, id), now, m["DestLinkedid"]);
            default:
                return null;
        }
    }

    /// <summary>Asterisk is shutting down: every queue loses this node's callers.</summary>
    public IReadOnlyList<NodeRestarted> Restarted(DateTimeOffset now)
    {
        _queueOf.Clear();
        return directory.Queues.Select(q => new NodeRestarted(q.Name, node, now)).ToList();
    }

    /// <summary>This node went unread from <paramref name="from"/> to <paramref name="to"/>: every queue checks its callers here.</summary>
    public IReadOnlyList<NodeUnobserved> Unobserved(DateTimeOffset from, DateTimeOffset to) =>
        directory.Queues.Select(q => new NodeUnobserved(q.Name, node, from, to)).ToList();

    private object? ReadUserEvent(AmiMessage m, DateTimeOffset now)
    {
        var name = m["UserEvent"];
        switch (name)
        {
            case "TelephonyQueueJoin":
                return ReadJoin(m);
            case "TelephonyConnectResult":
                var id = m["Uniqueid"];
                var queue = id is not null && _queueOf.TryGetValue(id, out var q) ? q : m["Queue"];
                if (id is null || queue is null || m["DialStatus"] is not { } status) return Bad(name, "needs Uniqueid, Queue and DialStatus");
                return new ConnectResultReported(queue, new CallerKey(node, id), m["Agent"], status, now);
            case "TelephonyAgentLogin" or "TelephonyAgentLogout" or "TelephonyAgentPause" or "TelephonyAgentUnpause":
                var agent = m["Agent"];
                if (agent is null || directory.Agent(agent) is null) return Bad(name, $"unknown agent '{agent}'");
                var kind = name switch
                {
                    "TelephonyAgentLogin" => AgentCommandKind.Login,
                    "TelephonyAgentLogout" => AgentCommandKind.Logout,
                    "TelephonyAgentPause" => AgentCommandKind.Pause,
                    _ => AgentCommandKind.Unpause,
                };
                return new AgentCommand(agent, kind, NullIfEmpty(m["Reason"]), "phone");
            default:
                return null;
        }
    }

    private object? ReadJoin(AmiMessage m)
    {
        var queue = m["Queue"];
        var id = m["Uniqueid"];
        var channel = m["Channel"];
        if (queue is null || !QueueNames.IsValid(queue)) return Bad("TelephonyQueueJoin", $"bad Queue '{queue}'");
        if (id is null || channel is null) return Bad("TelephonyQueueJoin", "no Uniqueid/Channel (not sent from a channel)");
        var priorities = m.GetValues("Priority");
        var priority = 0;
        if (priorities.Count > 1 && !int.TryParse(priorities[^1], NumberStyles.Integer, CultureInfo.InvariantCulture, out priority))
            return Bad("TelephonyQueueJoin", $"bad Priority '{priorities[^1]}'");
        _queueOf[id] = queue;
        return new JoinQueue(queue, new JoinRequest(new CallerKey(node, id), channel, NullIfEmpty(m["Linkedid"]),
            NullIfEmpty(m["CallerIDNum"]), NullIfEmpty(m["CallerIDName"]), priority));
    }

    private object? Bad(string? what, string why)
    {
        BadSignals++;
        LastBadSignal = $"{what}: {why}";
        return null;
    }

    private static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) || s == "<unknown>" ? null : s;
}
