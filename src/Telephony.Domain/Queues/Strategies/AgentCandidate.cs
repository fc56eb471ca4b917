namespace Telephony.Domain.Queues.Strategies;

/// <summary>One agent the queue may offer the head caller to: already filtered to eligible ones (logged in, available,
/// idle, not delayed, phone not busy) by the caller of the chooser.</summary>
/// <param name="AgentId">The agent's identity; unique among one call's candidates.</param>
/// <param name="Penalty">This queue's penalty for the agent; lower is tried first.</param>
/// <param name="ConfigOrder">Position in the queue's member list (linear / top-down).</param>
/// <param name="LastCallEndedAt">When the agent's last call ended; null = never had a call (counts as idle the longest).</param>
/// <param name="CallsTaken">Calls answered in this queue (fewest-calls).</param>
/// <param name="TalkTime">Total talk time in this queue (least talk time).</param>
public sealed record AgentCandidate(
    string AgentId,
    int Penalty,
    int ConfigOrder,
    DateTimeOffset? LastCallEndedAt,
    int CallsTaken,
    TimeSpan TalkTime);
