namespace Telephony.Domain.Queues.Strategies;

/// <summary>
/// Splits candidates into penalty tiers, lowest first, and lets a strategy order each tier. app_queue gets the same
/// effect by adding <c>penalty * 1000000</c> to every strategy's metric (except wrandom); it drops the tiers when the
/// queue has no more members than <c>penaltymemberslimit</c>, which the caller of the chooser can reproduce by passing
/// every penalty as 0.
/// </summary>
internal static class PenaltyTiers
{
    /// <summary>The tiers of <paramref name="pool"/>, which must already be sorted by penalty (the chooser's
    /// normalised order), so each tier is one contiguous run.</summary>
    public static IEnumerable<AgentCandidate[]> Of(AgentCandidate[] pool)
    {
        var start = 0;
        for (var i = 1; i <= pool.Length; i++)
        {
            if (i < pool.Length && pool[i].Penalty == pool[start].Penalty) continue;
            yield return pool[start..i];
            start = i;
        }
    }

    /// <summary>Every tier, lowest penalty first, each sorted by <paramref name="order"/>.</summary>
    public static AgentCandidate[] SortEach(AgentCandidate[] pool, Comparison<AgentCandidate> order) =>
        ArrangeEach(pool, tier =>
        {
            Array.Sort(tier, order);
            return tier;
        });

    /// <summary>Every tier, lowest penalty first, each arranged by <paramref name="arrange"/> (which receives a copy
    /// it may reorder in place).</summary>
    public static AgentCandidate[] ArrangeEach(AgentCandidate[] pool, Func<AgentCandidate[], AgentCandidate[]> arrange)
    {
        var result = new List<AgentCandidate>(pool.Length);
        foreach (var tier in Of(pool)) result.AddRange(arrange(tier));
        return result.ToArray();
    }
}
