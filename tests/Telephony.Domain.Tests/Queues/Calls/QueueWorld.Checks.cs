using System.Text;
using Telephony.Domain.Queues;
using Telephony.Domain.Queues.Agents;
using Telephony.Domain.Queues.Calls;
using Telephony.Domain.Queues.Strategies;

namespace Telephony.Domain.Tests.Queues.Calls;

public sealed class InvariantBroken(string message) : Exception(message);

/// <summary>The invariants, checked after every step, against a model the world keeps beside the entities: the line
/// each queue should have (priority, then the order of joining, a caller keeping its place while it rings) and
/// every caller's fate.</summary>
public sealed partial class QueueWorld
{
    private long _joinOrder;
    private readonly Dictionary<string, List<CallerKey>> _lineBeforeBatch = new(StringComparer.Ordinal);

    /// <summary>Per queue: the callers not yet connected, as (key, priority, order of joining).</summary>
    public Dictionary<string, List<(CallerKey Key, int Priority, long Order)>> ModelLines { get; } = new(StringComparer.Ordinal);

    /// <summary>Per queue: how many callers met each fate ("joined", "answered", "completed", a leave reason).</summary>
    public Dictionary<string, Dictionary<string, int>> Fates { get; } = new(StringComparer.Ordinal);

    private void Model(string queue, IQueueEvent e)
    {
        var line = ModelLines[queue];
        var fates = Fates[queue];
        void Count(string fate) => fates[fate] = fates.GetValueOrDefault(fate) + 1;
        switch (e)
        {
            case CallerJoined j:
                Require(j.Position == line.Count(c => c.Priority >= j.Priority) + 1, $"{j.Caller} joined {queue} at {j.Position}");
                line.Add((j.Caller, j.Priority, ++_joinOrder));
                Count("joined");
                break;
            case CallerConnected c:
                line.RemoveAll(m => m.Key == c.Caller);
                Count("answered");
                break;
            case CallCompleted:
                Count("completed");
                break;
            case CallerLeft left:
                // several leaving at once (timeouts, empty queue, node restart) are placed in the line as it was before
                Require(left.Position == _lineBeforeBatch[queue].IndexOf(left.Caller) + 1,
                    $"{left} but the caller was at {_lineBeforeBatch[queue].IndexOf(left.Caller) + 1}");
                line.RemoveAll(m => m.Key == left.Caller);
                Count(left.Reason.ToString());
                break;
        }
    }

    private List<CallerKey> Expected(string queue) =>
        ModelLines[queue].OrderByDescending(m => m.Priority).ThenBy(m => m.Order).Select(m => m.Key).ToList();

    /// <summary>Plan matched a prefix of the waiting callers (priority and join order are never passed over) with
    /// agents that were eligible, one each (ring-all: every free agent of the lowest tier).</summary>
    private void CheckPlan(string queue, List<CallerKey> waiting, IReadOnlyList<AgentCandidate> candidates, IReadOnlyList<ReservationAsk> asks)
    {
        var asked = asks.Select(a => a.Caller).Distinct().ToList();
        Require(asked.SequenceEqual(waiting.Take(asked.Count)), $"{queue} planned [{string.Join(", ", asked)}] out of line [{string.Join(", ", waiting)}]");
        Require(asks.Select(a => a.AgentId).Distinct().Count() == asks.Count, $"{queue} asked one agent twice in a round");
        foreach (var ask in asks)
        {
            var agent = Agents[ask.AgentId];
            Require(agent.Status == AgentStatus.Available && agent.Reservation is null && !agent.PhoneInUse
                    && Now >= agent.AvailableFrom && agent.Queues.ContainsKey(queue)
                    && !Pending.Any(p => p.Queue == queue && p.Ask.AgentId == ask.AgentId),
                $"{queue} asked {ask.AgentId}, which is not eligible ({agent.Status}, {agent.ActivityAt(Now)}, available from {agent.AvailableFrom:T})");
        }
        var free = candidates.ToList();
        foreach (var caller in asked)
        {
            var mine = asks.Where(a => a.Caller == caller).Select(a => a.AgentId).ToHashSet();
            if (Queues[queue].Settings.Strategy == QueueStrategy.RingAll)
            {
                var tier = free.Where(c => c.Penalty == free.Min(f => f.Penalty)).Select(c => c.AgentId);
                Require(mine.SetEquals(tier), $"ring-all asked [{string.Join(",", mine)}], not the lowest tier [{string.Join(",", tier)}]");
            }
            else Require(mine.Count == 1, $"{queue} asked {mine.Count} agents for {caller}");
            free.RemoveAll(c => mine.Contains(c.AgentId));
        }
        Require(asked.Count == waiting.Count || free.Count == 0, $"{queue} left {waiting.ElementAtOrDefault(asked.Count)} waiting with {free.Count} agents free");
    }

    public void CheckInvariants()
    {
        CheckOneCallPerAgent();
        foreach (var name in _queueNames)
        {
            var q = Queues[name];
            Require(q.Line.Select(c => c.Key).SequenceEqual(Expected(name)),
                $"{name} line [{string.Join(", ", q.Line.Select(c => c.Key))}] is not [{string.Join(", ", Expected(name))}]");
            CheckStatistics(name, q);
            var described = Describe(q);
            var restored = new QueueState(q.Settings);
            restored.Restore(q.Snapshot());
            Require(Describe(restored) == described, $"{name} restored from its snapshot differs:\n{Describe(restored)}\nvs\n{described}");
            var replayed = new QueueState(q.Settings);
            foreach (var e in QueueJournals[name]) replayed.Apply(e);
            Require(Describe(replayed) == described, $"{name} replayed from its journal differs:\n{Describe(replayed)}\nvs\n{described}");
        }
        foreach (var (id, agent) in Agents)
        {
            var replayed = new AgentState(id) { PhoneInUse = agent.PhoneInUse };
            foreach (var e in AgentJournals[id]) replayed.Apply(e);
            Require(Describe(replayed) == Describe(agent), $"{id} replayed from its journal differs:\n{Describe(replayed)}\nvs\n{Describe(agent)}");
            var total = agent.TimeInStates(Now).Values.Aggregate(TimeSpan.Zero, (a, b) => a + b);
            Require(total == Now - Start, $"{id} spent {total} in its states over {Now - Start}");
        }
    }

    /// <summary>Every leg and every connection is the reservation its agent holds, so no agent is in two calls and
    /// no two queues hold one agent unless it is the same reservation.</summary>
    private void CheckOneCallPerAgent()
    {
        var holders = new Dictionary<string, string>(StringComparer.Ordinal); // reservation -> queue
        foreach (var name in _queueNames)
        foreach (var caller in Queues[name].Line.Concat(Queues[name].Connected))
        {
            var held = caller.Offers.Select(o => (o.ReservationId, o.AgentId, Answered: false)).ToList();
            if (caller.Connection is { } c) held.Add((c.ReservationId, c.AgentId, true));
            foreach (var (reservation, agentId, answered) in held)
            {
                var r = Agents[agentId].Reservation;
                Require(r is not null && r.ReservationId == reservation && r.Queue == name && r.Caller == caller.Key
                        && (r.AnsweredAt is not null) == answered,
                    $"{name} has {reservation} with {agentId} for {caller.Key}, the agent holds {r?.ToString() ?? "nothing"}");
                Require(holders.TryAdd(reservation, name), $"{reservation} is held by {holders.GetValueOrDefault(reservation)} and {name}");
            }
        }
    }

    private void CheckStatistics(string name, QueueState q)
    {
        var s = q.Statistics;
        var fates = Fates[name];
        Require(s.Offered == s.Answered + s.Abandoned + s.TimedOut + s.LeftEmpty + s.Dropped + q.Line.Count,
            $"{name}: offered {s.Offered} != fates {s.Left} + {q.Line.Count} in line ({s})");
        Require(s.Answered - s.Completed == q.Connected.Count(), $"{name}: {s.Answered} answered, {s.Completed} completed, {q.Connected.Count()} connected");
        Require(s.Offered == fates.GetValueOrDefault("joined") && s.Answered == fates.GetValueOrDefault("answered")
                && s.Completed == fates.GetValueOrDefault("completed") && s.Abandoned == fates.GetValueOrDefault("Abandoned")
                && s.TimedOut == fates.GetValueOrDefault("TimedOut") && s.LeftEmpty == fates.GetValueOrDefault("LeftEmpty")
                && s.Dropped == fates.GetValueOrDefault("NodeRestarted") + fates.GetValueOrDefault("Removed"),
            $"{name}: statistics {s} do not match the journaled fates");
        Require(s.Overflowed + s.BrokenOut <= s.TimedOut, $"{name}: more exits than timeouts");
        Require(s.ServiceLevel is null or >= 0 and <= 1 && s.ServiceLevelCountingAbandons is null or >= 0 and <= 1, $"{name}: service level out of [0,1]");
        Require(s.AnsweredWait >= TimeSpan.Zero && s.AbandonedWait >= TimeSpan.Zero && s.TalkTime >= TimeSpan.Zero, $"{name}: negative time sums");
        Require(s.AnsweredWithinServiceLevel <= s.Answered && s.AbandonedWithinServiceLevel <= s.Abandoned, $"{name}: more within SL than counted");
    }

    /// <summary>Nothing happens for a long time but the agents' deadlines: every ask gets its answer, every unanswered
    /// reservation expires, delays and wrap-ups pass; then every available, idle agent is a candidate on each of its
    /// queues' boards and grants a new ask.</summary>
    public void DrainAndCheckNobodyIsStuck()
    {
        while (Pending.Count > 0) Decide(Pending[0].Ask.AgentId);
        CheckInvariants();
        Now += Queues.Values.Max(q => q.Settings.ReservationLifetime) + TimeSpan.FromSeconds(1);
        foreach (var id in _agentIds) Expire(id);
        CheckInvariants();
        Require(Agents.Values.All(a => a.Reservation is null or { AnsweredAt: not null }), "an unanswered reservation outlived its deadline");
        Now += TimeSpan.FromMinutes(10); // past every delay and wrap-up the generators make
        foreach (var (id, agent) in Agents.Where(a => a.Value is { Status: AgentStatus.Available, Reservation: null, PhoneInUse: false }))
        foreach (var queue in agent.Queues.Keys.Where(Queues.ContainsKey))
        {
            Require(Boards[queue].Candidates(Now).Any(c => c.AgentId == id),
                $"{id} is free but {queue}'s board does not offer it: {Boards[queue][id]}");
            var probe = new ReservationRequest("probe", queue, new CallerKey("pbx-x", "probe"), TimeSpan.FromSeconds(30), TimeSpan.Zero);
            Require(agent.Decide(probe, Now).Granted is not null, $"{id} refuses {queue}: {agent.Decide(probe, Now).Refusal}");
        }
    }

    // ---------------------------------------------------------------- comparable pictures

    public static string Describe(QueueState q)
    {
        var sb = new StringBuilder();
        sb.AppendLine($"seq {q.LastSequence} last {q.LastOfferedAgent} count {q.Count} {q.Statistics}");
        foreach (var c in q.Line)
            sb.AppendLine($"  line {c.Key} p{c.Priority} #{c.Sequence} {c.Phase} attempts {c.Attempts} legs "
                          + string.Join(",", c.Offers.OrderBy(o => o.ReservationId, StringComparer.Ordinal)));
        foreach (var c in q.Connected.OrderBy(c => c.Sequence))
            sb.AppendLine($"  call {c.Key} p{c.Priority} #{c.Sequence} attempts {c.Attempts} {c.Connection}");
        return sb.ToString();
    }

    public string Describe(AgentState a) =>
        $"{a.Status} '{a.BreakReason}' {a.Reservation} {a.ActivityAt(Now)} notBefore {a.NotBefore:O} from {a.AvailableFrom:O} "
        + $"last {a.LastCallEndedAt:O} cna {a.ConsecutiveNoAnswers} calls {a.Calls} talk {a.TalkTime} na {a.NoAnswers} "
        + $"queues {string.Join(",", a.Queues.OrderBy(q => q.Key, StringComparer.Ordinal).Select(q => $"{q.Key}={q.Value}:{a.TotalsFor(q.Key)}"))} "
        + $"states {string.Join(",", a.TimeInStates(Now).OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => $"{s.Key}={s.Value}"))}";

    private void Require(bool ok, string message)
    {
        if (!ok) throw new InvariantBroken($"{message}\nafter {Log.Count} steps: {string.Join(" ", Log.TakeLast(25))}");
    }
}
