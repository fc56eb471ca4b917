using System.Globalization;
using Telephony.Domain.Queues.Agents;
using Telephony.Domain.Queues.QueueLog;
using static Telephony.Billing.Rows.ReportTime;

namespace Telephony.Billing.Rows;

/// <summary>
/// Applies a batch's agent events (<c>IAgentEvent</c>, in journal order) to the stored <c>queue_agent</c> rows, as a
/// pure function: the changed agents, the <c>agent_session</c> rows of the sessions they touched, and the queue_log
/// member lines. An event at or below the agent row's journal offset is already in it (a replay) and changes nothing.
/// A session runs from AgentLoggedIn to AgentLoggedOut: paused seconds (a pause still running at logout counts up to
/// it), pauses, calls answered and their talk seconds, no-answers. Lines (agent = agent id): ADDMEMBER (PAUSED when
/// the agent is on break; callid MANAGER) when it joins a queue, PENALTY when a member's penalty changes,
/// REMOVEMEMBER when it leaves one, and for a pause or unpause PAUSEALL / UNPAUSEALL then a PAUSE / UNPAUSE per member
/// queue, as app_queue writes a pause that names no queue.
/// </summary>
public static class AgentSessionFold
{
    public static QueueReportChanges Apply(IReadOnlyDictionary<string, QueueAgentRow> stored, IReadOnlyList<QueueJournalEntry> entries)
    {
        var changed = new Dictionary<string, QueueAgentRow>(StringComparer.Ordinal);
        var order = new List<string>();
        var sessions = new Dictionary<(string, int), AgentSessionRow>();
        var sessionOrder = new List<(string, int)>();
        var log = new List<QueueLogRow>();
        foreach (var entry in entries)
        {
            if (entry.Event is not IAgentEvent e) continue;
            var id = entry.Entity;
            var agent = changed.TryGetValue(id, out var c) ? c : stored.GetValueOrDefault(id);
            if (agent is not null && agent.JournalOffset >= entry.Offset) continue;
            agent ??= new QueueAgentRow { AgentId = id, UpdatedAt = Micro(e.At), JournalOffset = 0 };
            var lines = new List<QueueLogEntry>();
            var next = Step(agent, e, lines) with { UpdatedAt = Micro(e.At), JournalOffset = entry.Offset };
            if (!changed.ContainsKey(id)) order.Add(id);
            changed[id] = next;
            if (next.Session > 0 && next.LoggedInAt is not null)
            {
                var key = (id, next.Session);
                if (!sessions.ContainsKey(key)) sessionOrder.Add(key);
                sessions[key] = AgentSessionRow.Of(next);
            }
            for (var i = 0; i < lines.Count; i++) log.Add(QueueLogRow.From(lines[i], entry.Offset, i, ""));
        }
        return new QueueReportChanges([], order.Select(id => changed[id]).ToList(), sessionOrder.Select(k => sessions[k]).ToList(), log, 0);
    }

    private static QueueAgentRow Step(QueueAgentRow a, IAgentEvent e, List<QueueLogEntry> lines)
    {
        var at = Micro(e.At);
        var id = a.AgentId;
        switch (e)
        {
            case AgentLoggedIn:
                // A login seen again while logged in (it cannot be journaled twice) keeps the session.
                if (a.Status != "logged_out" && a.Session > 0) return a with { Status = "available" };
                return a with
                {
                    Status = "available",
                    Session = a.Session + 1,
                    LoggedInAt = at,
                    LoggedOutAt = null,
                    LogoutReason = "",
                    PausedSince = null,
                    PauseReason = "",
                    PausedSeconds = 0,
                    Pauses = 0,
                    Calls = 0,
                    TalkSeconds = 0,
                    NoAnswers = 0,
                };
            case AgentLoggedOut o:
                return EndPause(a, at) with { Status = "logged_out", LoggedOutAt = at, LogoutReason = o.Reason ?? "" };
            case AgentPaused p:
                foreach (var line in PauseLines(a, e.At, p.Reason, pause: true)) lines.Add(line);
                return a with
                {
                    Status = "paused",
                    PausedSince = a.PausedSince ?? at,
                    PauseReason = p.Reason ?? "",
                    Pauses = a.PausedSince is null ? a.Pauses + 1 : a.Pauses,
                };
            case AgentUnpaused:
                foreach (var line in PauseLines(a, e.At, null, pause: false)) lines.Add(line);
                return EndPause(a, at) with { Status = a.Status == "logged_out" ? "logged_out" : "available" };
            case AgentMembershipChanged m:
                var queues = ParseQueues(a.Queues);
                var was = queues.TryGetValue(m.Queue, out var penalty) ? penalty : (int?)null;
                if (m.Penalty is { } p2)
                {
                    if (was is null) lines.Add(QueueLogEntry.AddMember(e.At, "MANAGER", m.Queue, id, a.Status == "paused"));
                    else if (was != p2) lines.Add(QueueLogEntry.Penalty(e.At, m.Queue, id, p2));
                    queues[m.Queue] = p2;
                }
                else if (was is not null)
                {
                    lines.Add(QueueLogEntry.RemoveMember(e.At, "MANAGER", m.Queue, id));
                    queues.Remove(m.Queue);
                }
                return a with { Queues = FormatQueues(queues) };
            case AgentAnswered answered:
                return a with { OnCallReservation = answered.ReservationId, OnCallSince = at };
            case AgentCallEnded ended when ended.ReservationId == a.OnCallReservation && a.OnCallSince is { } since:
                return a with
                {
                    Calls = a.Calls + 1,
                    TalkSeconds = a.TalkSeconds + Seconds(since, at),
                    OnCallReservation = "",
                    OnCallSince = null,
                };
            case ReservationReleased released when released.Outcome is OfferOutcome.NoAnswer:
                return a with { NoAnswers = a.NoAnswers + 1 };
            default:
                // ReservationGranted, AgentRinging, other releases: the queue's rows tell those.
                return a;
        }
    }

    private static QueueAgentRow EndPause(QueueAgentRow a, DateTime at) => a.PausedSince is { } since
        ? a with { PausedSeconds = a.PausedSeconds + Seconds(since, at), PausedSince = null, PauseReason = "" }
        : a;

    private static IEnumerable<QueueLogEntry> PauseLines(QueueAgentRow a, DateTimeOffset at, string? reason, bool pause)
    {
        yield return pause ? QueueLogEntry.PauseAll(at, a.AgentId, reason) : QueueLogEntry.UnpauseAll(at, a.AgentId, reason);
        foreach (var queue in ParseQueues(a.Queues).Keys)
            yield return pause ? QueueLogEntry.Pause(at, queue, a.AgentId, reason) : QueueLogEntry.Unpause(at, queue, a.AgentId, reason);
    }

    /// <summary><c>sales:0,support:5</c> → queue → penalty, by name.</summary>
    public static SortedDictionary<string, int> ParseQueues(string text)
    {
        var queues = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var colon = part.LastIndexOf(':');
            queues[part[..colon]] = int.Parse(part[(colon + 1)..], CultureInfo.InvariantCulture);
        }
        return queues;
    }

    private static string FormatQueues(SortedDictionary<string, int> queues) =>
        string.Join(',', queues.Select(q => string.Create(CultureInfo.InvariantCulture, $"{q.Key}:{q.Value}")));
}
