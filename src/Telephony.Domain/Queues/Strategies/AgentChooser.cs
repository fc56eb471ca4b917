namespace Telephony.Domain.Queues.Strategies;

/// <summary>
/// Orders the eligible agents a queue may offer its head caller to, by the queue's strategy. Pure: the only state is
/// what the caller passes in (the last offered agent for round robin, a <see cref="System.Random"/> for the random
/// strategies).
/// </summary>
/// <remarks>
/// app_queue recomputes every member's metric on each attempt (after a ring timeout, before retrying); the order
/// returned here is one such computation. A caller that re-asks after a refusal with fresh candidates gets app_queue's
/// behaviour; one that walks down the returned list gets the same order without the re-draw for the random strategies.
/// </remarks>
public static partial class AgentChooser
{
    /// <summary>
    /// The agents to offer to, in order. RingAll: every candidate of the lowest penalty tier (all rung at once).
    /// Others: every candidate in the order to try (the queue offers to the first; when refused, the next).
    /// Penalty tiers first (lower first) for every strategy except WeightedRandom, which weighs by penalty instead.
    /// Deterministic given the same Random. Never returns an agent that is not among the candidates, never a duplicate.
    /// </summary>
    /// <remarks>Candidates sharing an agent id are a caller's mistake; only the one with the lowest penalty (then
    /// the earliest in the member list) is kept, so the promise of no duplicates holds.</remarks>
    public static IReadOnlyList<AgentCandidate> Choose(QueueStrategy strategy, IReadOnlyList<AgentCandidate> candidates,
        string? lastOfferedAgentId, Random random)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        ArgumentNullException.ThrowIfNull(random);
        var pool = Normalise(candidates);
        if (pool.Length == 0) return [];

        return strategy switch
        {
            QueueStrategy.RingAll => PenaltyTiers.Of(pool).First(),
            QueueStrategy.LongestIdle => PenaltyTiers.SortEach(pool, CandidateOrder.ByLongestIdle),
            QueueStrategy.FewestCalls => PenaltyTiers.SortEach(pool, CandidateOrder.ByFewestCalls),
            QueueStrategy.LeastTalkTime => PenaltyTiers.SortEach(pool, CandidateOrder.ByLeastTalkTime),
            QueueStrategy.Linear => PenaltyTiers.SortEach(pool, CandidateOrder.ByConfigOrder),
            QueueStrategy.RoundRobin => RoundRobinOrder.Arrange(pool, lastOfferedAgentId),
            // A true shuffle rather than app_queue's "random % 1000" metric, whose ties favour the member-list order.
            QueueStrategy.Random => PenaltyTiers.ArrangeEach(pool, tier =>
            {
                random.Shuffle(tier);
                return tier;
            }),
            QueueStrategy.WeightedRandom => WeightedRandomOrder.Arrange(pool, random),
            _ => throw new ArgumentOutOfRangeException(nameof(strategy), strategy, "unknown queue strategy"),
        };
    }

    /// <summary>
    /// The agent <see cref="Choose"/> would put first, for strategies that offer one agent at a time; null when there
    /// is none. The ordering strategies find it in one pass instead of sorting the pool (a queue plans one caller at a
    /// time against a pool of up to thousands of agents); the others (ring-all, round robin, the random ones) take
    /// <see cref="Choose"/>'s first, so the random draws stay the same.
    /// </summary>
    public static AgentCandidate? ChooseFirst(QueueStrategy strategy, IReadOnlyList<AgentCandidate> candidates,
        string? lastOfferedAgentId, Random random)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        Comparison<AgentCandidate>? order = strategy switch
        {
            QueueStrategy.LongestIdle => CandidateOrder.ByLongestIdle,
            QueueStrategy.FewestCalls => CandidateOrder.ByFewestCalls,
            QueueStrategy.LeastTalkTime => CandidateOrder.ByLeastTalkTime,
            QueueStrategy.Linear => CandidateOrder.ByConfigOrder,
            _ => null,
        };
        if (order is null)
        {
            var all = Choose(strategy, candidates, lastOfferedAgentId, random);
            return all.Count == 0 ? null : all[0];
        }
        AgentCandidate? best = null;
        for (var i = 0; i < candidates.Count; i++)
        {
            var c = candidates[i] ?? throw new ArgumentException("a candidate is null", nameof(candidates));
            if (best is null) { best = c; continue; }
            var byPenalty = c.Penalty.CompareTo(best.Penalty);
            if (byPenalty < 0 || (byPenalty == 0 && order(c, best) < 0)) best = c;
        }
        return best;
    }

    /// <summary>A copy sorted by penalty then member list, one entry per agent id.</summary>
    private static AgentCandidate[] Normalise(IReadOnlyList<AgentCandidate> candidates)
    {
        var sorted = new AgentCandidate[candidates.Count];
        for (var i = 0; i < sorted.Length; i++)
            sorted[i] = candidates[i] ?? throw new ArgumentException("a candidate is null", nameof(candidates));
        Array.Sort(sorted, CandidateOrder.ByPenaltyThenConfigOrder);

        var seen = new HashSet<string>(StringComparer.Ordinal);
        var unique = new List<AgentCandidate>(sorted.Length);
        foreach (var c in sorted)
            if (seen.Add(c.AgentId)) unique.Add(c);
        return unique.Count == sorted.Length ? sorted : unique.ToArray();
    }
}
