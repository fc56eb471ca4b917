namespace Telephony.Domain.Queues.Agents;

/// <summary>What an agent entity journals. Each carries its time; applying them in order rebuilds the agent.</summary>
public interface IAgentEvent
{
    DateTimeOffset At { get; }
}

public sealed record AgentLoggedIn(DateTimeOffset At) : IAgentEvent;

public sealed record AgentLoggedOut(DateTimeOffset At, string? Reason = null) : IAgentEvent;

/// <summary>On break with a reason; <see cref="Automatic"/> when the system paused it after repeated no-answers.</summary>
public sealed record AgentPaused(DateTimeOffset At, string? Reason, bool Automatic = false) : IAgentEvent;

public sealed record AgentUnpaused(DateTimeOffset At) : IAgentEvent;

/// <summary>Joined a queue with a penalty, changed the penalty, or (Penalty null) left the queue.</summary>
public sealed record AgentMembershipChanged(DateTimeOffset At, string Queue, int? Penalty) : IAgentEvent;

/// <summary>The agent promised itself to one queue's caller until <see cref="Deadline"/>.</summary>
public sealed record ReservationGranted(
    DateTimeOffset At, string ReservationId, string Queue, CallerKey Caller, DateTimeOffset Deadline, TimeSpan WrapUp)
    : IAgentEvent;

/// <summary>The connect for the reservation is on its way: the phone rings.</summary>
public sealed record AgentRinging(DateTimeOffset At, string ReservationId) : IAgentEvent;

/// <summary>The agent answered: on a call until <see cref="AgentCallEnded"/>.</summary>
public sealed record AgentAnswered(DateTimeOffset At, string ReservationId, string? AgentNode = null,
    string? AgentUniqueId = null) : IAgentEvent;

public sealed record AgentCallEnded(DateTimeOffset At, string ReservationId) : IAgentEvent;

/// <summary>The reservation ended without a call; the agent is not offered again before <see cref="NotBefore"/>.</summary>
public sealed record ReservationReleased(DateTimeOffset At, string ReservationId, OfferOutcome Outcome,
    DateTimeOffset NotBefore) : IAgentEvent;
