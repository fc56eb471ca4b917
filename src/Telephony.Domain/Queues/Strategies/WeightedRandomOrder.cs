namespace Telephony.Domain.Queues.Strategies;

/// <summary>
/// app_queue's <c>wrandom</c>: every candidate draws a metric uniformly from <c>[0, (penalty + 1) * 1000)</c> and the
/// lowest metric is offered first, across all candidates (no penalty tiers). A penalty-0 agent is therefore always in
/// the running but a penalty-9 agent only goes first when it draws under every lower-penalty agent's draw.
/// </summary>
/// <remarks>Differences from app_queue: a negative penalty weighs as 0 (app_queue would take a modulo by zero or a
/// negative number); the range is computed in 64 bits so a large penalty cannot overflow; equal draws fall back to
/// penalty then member-list order instead of app_queue's container order.</remarks>
internal static class WeightedRandomOrder
{
    private const long Scale = 1000;

    public static AgentCandidate[] Arrange(AgentCandidate[] pool, Random random)
    {
        // Draws are made in the pool's normalised order, so the result is a function of the Random's state alone.
        var draws = new (long Metric, AgentCandidate Candidate)[pool.Length];
        for (var i = 0; i < pool.Length; i++)
            draws[i] = (random.NextInt64((Math.Max(pool[i].Penalty, 0) + 1L) * Scale), pool[i]);

        Array.Sort(draws, (x, y) =>
        {
            var c = x.Metric.CompareTo(y.Metric);
            return c != 0 ? c : CandidateOrder.ByPenaltyThenConfigOrder(x.Candidate, y.Candidate);
        });
        return Array.ConvertAll(draws, d => d.Candidate);
    }
}
