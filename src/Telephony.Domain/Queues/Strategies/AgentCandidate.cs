namespace Telephony.Domain.Queues.Strategies;

public sealed record AgentCandidate(
    string AgentId,
    int Penalty,
    int ConfigOrder,
    DateTimeOffset? LastCallEndedAt,
    int CallsTaken,
    TimeSpan TalkTime);
