using System.Text.Json;
using Telephony.Domain.Queues.Agents;
using Telephony.Domain.Queues.Calls;
using Telephony.Domain.Queues.QueueLog;
using static Telephony.Billing.Rows.ReportTime;

namespace Telephony.Billing.Rows;

/// <summary>
/// Applies a batch's queue events (<c>IQueueEvent</c>, in journal order) to the stored <c>queue_call</c> rows, as a pure
/// function, and gives the queue_log lines each event writes. <paramref name="stored"/> holds, per (queue, node,
/// uniqueid), the caller's latest stay. An event at or below that row's journal offset is already in it (a replay):
/// it changes nothing and writes no line. A CallerJoined starts a new stay; the later events go to the caller's
/// current stay. Lines: ENTERQUEUE, RINGNOANSWER (no answer, busy, rejected, unavailable, expired), RINGCANCELED
/// (caller gone, answered elsewhere), CONNECT, COMPLETEAGENT / COMPLETECALLER, ABANDON, EXITWITHTIMEOUT, EXITEMPTY,
/// WITHDRAW (removed through the API). A withdrawn leg never rang (no line); a node restart and a refused join
/// write none (app_queue writes none either).
/// </summary>
public static class QueueCallFold
{
    private static readonly JsonSerializerOptions LegJson = new();

    public static QueueReportChanges Apply(IReadOnlyDictionary<(string, string, string), QueueCallRow> stored,
        IReadOnlyList<QueueJournalEntry> entries)
    {
        var current = new Dictionary<(string, string, string), QueueCallRow>();
        var changed = new Dictionary<(string, string, string, long), QueueCallRow>();
        var order = new List<(string, string, string, long)>();
        var log = new List<QueueLogRow>();
        var withoutJoin = 0;
        foreach (var entry in entries)
        {
            if (entry.Event is not IQueueEvent e) continue;
            var caller = (entry.Entity, e.Caller.Node, e.Caller.UniqueId);
            var row = current.TryGetValue(caller, out var c) ? c : stored.GetValueOrDefault(caller);
            if (row is not null && row.JournalOffset >= entry.Offset) continue;
            var lines = new List<QueueLogEntry>();
            QueueCallRow? next;
            switch (e)
            {
                case CallerJoined j:
                    next = Joined(entry, j);
                    lines.Add(QueueLogEntry.EnterQueue(j.At, j.Caller.UniqueId, entry.Entity, null, j.CallerIdNum, j.Position));
                    break;
                case JoinRefused r:
                    next = Refused(entry, r);
                    break;
                default:
                    if (row is null || !row.IsOpen)
                    {
                        withoutJoin++;
                        continue;
                    }
                    next = Step(row, e, entry.Offset, lines);
                    break;
            }
            current[caller] = next;
            var key = (next.Queue, next.CallerNode, next.CallerUniqueId, next.JoinedSeq);
            if (!changed.ContainsKey(key)) order.Add(key);
            changed[key] = next;
            for (var i = 0; i < lines.Count; i++) log.Add(QueueLogRow.From(lines[i], entry.Offset, i, e.Caller.Node));
        }
        return new QueueReportChanges(order.Select(k => changed[k]).ToList(), [], [], log, withoutJoin);
    }

    private static QueueCallRow Joined(QueueJournalEntry entry, CallerJoined j) => new()
    {
        Queue = entry.Entity,
        CallerNode = j.Caller.Node,
        CallerUniqueId = j.Caller.UniqueId,
        JoinedSeq = j.Sequence,
        CallerChannel = j.Channel,
        CallerLinkedId = j.LinkedId ?? "",
        CallerIdNum = j.CallerIdNum ?? "",
        CallerIdName = j.CallerIdName ?? "",
        Priority = j.Priority,
        FromQueue = j.From ?? "",
        JoinedAt = Micro(j.At),
        JoinPosition = j.Position,
        JournalOffset = entry.Offset,
    };

    private static QueueCallRow Refused(QueueJournalEntry entry, JoinRefused r) => new()
    {
        Queue = entry.Entity,
        CallerNode = r.Caller.Node,
        CallerUniqueId = r.Caller.UniqueId,
        JoinedSeq = -entry.SequenceNr,
        JoinedAt = Micro(r.At),
        EndedAt = Micro(r.At),
        WaitSeconds = 0,
        Outcome = "refused",
        EndedBy = Snake(r.Reason.ToString()),
        JournalOffset = entry.Offset,
    };

    private static QueueCallRow Step(QueueCallRow row, IQueueEvent e, long offset, List<QueueLogEntry> lines)
    {
        var legs = JsonSerializer.Deserialize<List<OpenLeg>>(row.OpenLegs, LegJson) ?? [];
        var at = Micro(e.At);
        var callId = row.CallerUniqueId;
        var wait = Offset(at) - Offset(row.JoinedAt);
        row = row with { JournalOffset = offset };
        switch (e)
        {
            case AgentOffered o:
                legs.Add(new OpenLeg(o.ReservationId, o.AgentId, o.AgentNode, at));
                row = row with { Attempts = row.Attempts + 1 };
                break;
            case OfferEnded oe:
                var ended = legs.Find(l => l.R == oe.ReservationId);
                legs.RemoveAll(l => l.R == oe.ReservationId);
                var ring = ended is null ? TimeSpan.Zero : Offset(at) - Offset(ended.T);
                if (oe.Outcome is OfferOutcome.CallerGone or OfferOutcome.AnsweredElsewhere)
                    lines.Add(QueueLogEntry.RingCanceled(e.At, callId, row.Queue, oe.AgentId, ring));
                else if (oe.Outcome != OfferOutcome.Withdrawn)
                    lines.Add(QueueLogEntry.RingNoAnswer(e.At, callId, row.Queue, oe.AgentId, ring));
                break;
            case CallerConnected cc:
                var leg = legs.Find(l => l.R == cc.ReservationId);
                legs.RemoveAll(l => l.R == cc.ReservationId);
                row = row with
                {
                    ConnectedAt = at,
                    WaitSeconds = Seconds(row.JoinedAt, at),
                    AgentId = cc.AgentId,
                    AgentNode = cc.AgentNode,
                    AgentLinkedId = cc.AgentLinkedId ?? "",
                };
                lines.Add(QueueLogEntry.Connect(e.At, callId, row.Queue, cc.AgentId, wait, cc.AgentLinkedId ?? "",
                    leg is null ? TimeSpan.Zero : Offset(at) - Offset(leg.T)));
                break;
            case CallCompleted done:
                var connected = row.ConnectedAt ?? at;
                row = row with
                {
                    EndedAt = at,
                    TalkSeconds = Seconds(connected, at),
                    Outcome = "answered",
                    EndedBy = done.ByAgent ? "agent" : "caller",
                    AgentId = row.AgentId.Length > 0 ? row.AgentId : done.AgentId,
                };
                var hold = Offset(connected) - Offset(row.JoinedAt);
                var talk = Offset(at) - Offset(connected);
                lines.Add(done.ByAgent
                    ? QueueLogEntry.CompleteAgent(e.At, callId, row.Queue, row.AgentId, hold, talk, row.JoinPosition)
                    : QueueLogEntry.CompleteCaller(e.At, callId, row.Queue, row.AgentId, hold, talk, row.JoinPosition));
                break;
            case CallerLeft left:
                row = row with
                {
                    EndedAt = at,
                    WaitSeconds = Seconds(row.JoinedAt, at),
                    Outcome = OutcomeOf(left),
                    AbandonPosition = left.Position,
                    ExitTo = left.Exit?.ToString() ?? "",
                };
                if (LeftLine(left, callId, row, wait) is { } line) lines.Add(line);
                break;
        }
        return row with { OpenLegs = JsonSerializer.Serialize(legs, LegJson) };
    }

    private static QueueLogEntry? LeftLine(CallerLeft left, string callId, QueueCallRow row, TimeSpan wait) => left.Reason switch
    {
        LeaveReason.Abandoned => QueueLogEntry.Abandon(left.At, callId, row.Queue, left.Position, row.JoinPosition, wait),
        LeaveReason.TimedOut => QueueLogEntry.ExitWithTimeout(left.At, callId, row.Queue, left.Position, row.JoinPosition, wait),
        LeaveReason.LeftEmpty => QueueLogEntry.ExitEmpty(left.At, callId, row.Queue, left.Position, row.JoinPosition, wait),
        LeaveReason.Removed => QueueLogEntry.Withdraw(left.At, callId, row.Queue, left.Position, row.JoinPosition, wait, "api"),
        _ => null,
    };

    public static string OutcomeOf(CallerLeft left) => left.Reason switch
    {
        LeaveReason.Abandoned => "abandoned",
        LeaveReason.TimedOut => left.Exit switch
        {
            { IsOverflow: true } => "overflowed",
            { } => "broken_out",
            null => "timed_out",
        },
        LeaveReason.LeftEmpty => "left_empty",
        _ => "dropped",
    };

    /// <summary><c>QueueFull</c> → <c>queue_full</c>.</summary>
    private static string Snake(string name) =>
        string.Concat(name.Select((ch, i) => char.IsUpper(ch) ? (i > 0 ? "_" : "") + char.ToLowerInvariant(ch) : ch.ToString()));
}
