namespace Telephony.Domain.Queues.Strategies;

/// <summary>
/// The orderings the strategies sort a penalty tier by. Each ends in member-list order and then the agent id, so an
/// ordering is total: the result never depends on the order the candidates were handed in. (app_queue breaks metric
/// ties by its member container's iteration order, which is the member list for a static queue.)
/// </summary>
internal static class CandidateOrder
{
    /// <summary>Member-list order (linear, and the last resort of every other ordering).</summary>
    public static int ByConfigOrder(AgentCandidate a, AgentCandidate b)
    {
        var c = a.ConfigOrder.CompareTo(b.ConfigOrder);
        return c != 0 ? c : string.CompareOrdinal(a.AgentId, b.AgentId);
    }

    /// <summary>Never-called agents first (app_queue gives them metric 0), then the earliest end of last call.</summary>
    public static int ByLongestIdle(AgentCandidate a, AgentCandidate b)
    {
        var c = CompareIdle(a, b);
        return c != 0 ? c : ByConfigOrder(a, b);
    }

    /// <summary>Fewest answered calls; among equals the longest idle, so a fresh shift does not always start at the top.</summary>
    public static int ByFewestCalls(AgentCandidate a, AgentCandidate b)
    {
        var c = a.CallsTaken.CompareTo(b.CallsTaken);
        return c != 0 ? c : ByLongestIdle(a, b);
    }

    /// <summary>Least total talk time; among equals the longest idle.</summary>
    public static int ByLeastTalkTime(AgentCandidate a, AgentCandidate b)
    {
        var c = a.TalkTime.CompareTo(b.TalkTime);
        return c != 0 ? c : ByLongestIdle(a, b);
    }

    /// <summary>The ordering the chooser normalises its input to: penalty tier, then member list. Random draws are
    /// made in this order, so the same candidates and the same <see cref="System.Random"/> give the same result
    /// whatever order the caller listed them in.</summary>
    public static int ByPenaltyThenConfigOrder(AgentCandidate a, AgentCandidate b)
    {
        var c = a.Penalty.CompareTo(b.Penalty);
        return c != 0 ? c : ByConfigOrder(a, b);
    }

    // DateTimeOffset compares instants, so agents whose times were recorded with different offsets still order right.
    private static int CompareIdle(AgentCandidate a, AgentCandidate b) => (a.LastCallEndedAt, b.LastCallEndedAt) switch
    {
        (null, null) => 0,
        (null, _) => -1,
        (_, null) => 1,
        var (x, y) => x.Value.CompareTo(y.Value),
    };
}
