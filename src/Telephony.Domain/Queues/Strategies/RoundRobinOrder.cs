namespace Telephony.Domain.Queues.Strategies;

/// <summary>
/// Round robin with memory, as app_queue's <c>rrmemory</c>/<c>rrordered</c>: within each penalty tier, member-list
/// order starting just after the agent last offered to, wrapping round to the top (the last offered agent itself
/// comes last).
/// </summary>
/// <remarks>
/// app_queue remembers a member-list <em>position</em> (<c>rrpos</c>), so it knows where to resume even when the agent
/// at that position is now busy or gone. The contract here remembers an agent id, and the candidates hold only
/// eligible agents. When the last offered agent is not among them (typically: still on the call it was offered), its
/// place is taken to be its id's ordinal place, which is the member order the queue's agent board uses, so the turn
/// still moves on instead of restarting at the top.
/// </remarks>
internal static class RoundRobinOrder
{
    public static AgentCandidate[] Arrange(AgentCandidate[] pool, string? lastOfferedAgentId)
    {
        var last = lastOfferedAgentId is null ? null : Array.Find(pool, c => c.AgentId == lastOfferedAgentId);
        if (last is null)
        {
            if (lastOfferedAgentId is null) return PenaltyTiers.SortEach(pool, CandidateOrder.ByConfigOrder);
            return PenaltyTiers.SortEach(pool, (a, b) =>
            {
                var aWraps = string.CompareOrdinal(a.AgentId, lastOfferedAgentId) <= 0;
                var bWraps = string.CompareOrdinal(b.AgentId, lastOfferedAgentId) <= 0;
                return aWraps != bWraps ? aWraps.CompareTo(bWraps) : CandidateOrder.ByConfigOrder(a, b);
            });
        }

        // The same pivot in every tier: app_queue's rrpos is one position in the whole member list, not per tier.
        return PenaltyTiers.SortEach(pool, (a, b) =>
        {
            var aWraps = CandidateOrder.ByConfigOrder(a, last) <= 0;
            var bWraps = CandidateOrder.ByConfigOrder(b, last) <= 0;
            return aWraps != bWraps ? aWraps.CompareTo(bWraps) : CandidateOrder.ByConfigOrder(a, b);
        });
    }
}
