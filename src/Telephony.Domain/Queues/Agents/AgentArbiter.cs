namespace Telephony.Domain.Queues.Agents;

/// <summary>
/// An agent shared by queues of different weights: an ask from a queue below the agent's heaviest queue waits a short
/// window in case a heavier queue asks too; then the best ask wins (weight, then the caller's priority, then the
/// longest wait). When every queue weighs the same no ask waits, so the common case costs no latency.
/// </summary>
public static class AgentArbiter
{
    public static bool MustWait(ReservationRequest ask, int heaviestMemberWeight) => ask.Weight < heaviestMemberWeight;

    public static ReservationRequest? Best(IEnumerable<ReservationRequest> asks) =>
        asks.OrderByDescending(a => a.Weight).ThenByDescending(a => a.CallerPriority).ThenBy(a => a.CallerJoinedAt)
            .ThenBy(a => a.ReservationId, StringComparer.Ordinal).FirstOrDefault();
}
