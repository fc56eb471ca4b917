namespace Telephony.Domain.Queues.Calls;

/// <summary>A queue's whole journaled state: its callers as the events that made them, and its counters.</summary>
public sealed record QueueSnapshot(string Queue, long LastSequence, string? LastOfferedAgent, QueueStatistics Statistics,
    IReadOnlyList<QueueCallerSnapshot> Callers, QueueStatistics? Today = null, DateOnly? Day = null);

public sealed record QueueCallerSnapshot(CallerJoined Joined, IReadOnlyList<AgentOffered> Offers, CallerConnected? Connection,
    int Attempts = 0);
