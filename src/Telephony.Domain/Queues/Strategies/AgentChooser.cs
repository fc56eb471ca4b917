namespace Telephony.Domain.Queues.Strategies;

// Placeholder contract until the strategies branch lands.
public static class AgentChooser
{
    public static IReadOnlyList<AgentCandidate> Choose(QueueStrategy strategy, IReadOnlyList<AgentCandidate> candidates,
        string? lastOfferedAgentId, Random random)
    {
        var tier = candidates.Count == 0 ? 0 : candidates.Min(c => c.Penalty);
        var ordered = candidates.OrderBy(c => c.Penalty).ThenBy(c => c.LastCallEndedAt ?? DateTimeOffset.MinValue)
            .ThenBy(c => c.ConfigOrder).ToList();
        return strategy == QueueStrategy.RingAll ? ordered.Where(c => c.Penalty == tier).ToList() : ordered;
    }

    public static bool TryParse(string text, out QueueStrategy strategy) =>
        Enum.TryParse(text.Replace("-", ""), ignoreCase: true, out strategy);
}
