using Telephony.Domain.Queues.Agents;

namespace Telephony.Domain.Queues.Calls;

/// <summary>What a queue entity journals. Applying them in order rebuilds the queue: its line, its offers, its calls
/// and its statistics.</summary>
public interface IQueueEvent
{
    DateTimeOffset At { get; }

    CallerKey Caller { get; }
}

/// <summary>A caller entered the queue at <see cref="Position"/> (1 = head). <see cref="Sequence"/> orders callers
/// of the same priority for ever: a caller sent back after a no-answer keeps it, and so its place.</summary>
public sealed record CallerJoined(
    DateTimeOffset At, CallerKey Caller, string Channel, string? LinkedId, string? CallerIdNum, string? CallerIdName,
    int Priority, long Sequence, int Position, string? From = null) : IQueueEvent;

public enum JoinRefusal { QueueFull, NoAgents, NoneAvailable }

public sealed record JoinRefused(DateTimeOffset At, CallerKey Caller, JoinRefusal Reason) : IQueueEvent;

/// <summary>One agent leg of an offer: the agent granted <see cref="ReservationId"/>; the connect goes out next.
/// Ring-all makes several at once for one caller.</summary>
public sealed record AgentOffered(
    DateTimeOffset At, CallerKey Caller, string ReservationId, string AgentId, string AgentNode, ConnectMode Mode,
    DateTimeOffset Deadline) : IQueueEvent;

/// <summary>An agent leg ended without a conversation; the caller waits again at its place when it has no leg left.</summary>
public sealed record OfferEnded(DateTimeOffset At, CallerKey Caller, string ReservationId, string AgentId,
    OfferOutcome Outcome) : IQueueEvent;

/// <summary>The agent answered. <see cref="AgentLinkedId"/> is the agent side's LinkedID on its own node when known
/// (it differs from the caller's across a trunk: the pair is what ties one conversation's two halves).</summary>
public sealed record CallerConnected(
    DateTimeOffset At, CallerKey Caller, string ReservationId, string AgentId, string AgentNode,
    string? AgentLinkedId = null) : IQueueEvent;

public sealed record CallCompleted(DateTimeOffset At, CallerKey Caller, string AgentId, bool ByAgent, string? ReservationId = null)
    : IQueueEvent;

public enum LeaveReason
{
    /// <summary>The caller hung up while waiting or while an agent rang.</summary>
    Abandoned,

    /// <summary>Waited longer than the queue's MaxWait: overflow to another queue or break out to the dialplan.</summary>
    TimedOut,

    /// <summary>The queue became empty under its leave-when-empty rule.</summary>
    LeftEmpty,

    /// <summary>The caller's Asterisk node restarted: its channels are gone.</summary>
    NodeRestarted,

    /// <summary>Taken out through the API.</summary>
    Removed,
}

public sealed record CallerLeft(DateTimeOffset At, CallerKey Caller, LeaveReason Reason, int Position,
    QueueExit? Exit = null) : IQueueEvent;
