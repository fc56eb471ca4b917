namespace Telephony.Domain.Queues.Agents;

/// <summary>The one offer an agent has granted: to which queue, for which caller, until when.</summary>
public sealed record AgentReservation(
    string ReservationId, string Queue, CallerKey Caller, DateTimeOffset GrantedAt, DateTimeOffset Deadline,
    TimeSpan WrapUp, DateTimeOffset? AnsweredAt = null);

/// <summary>A queue asking an agent for a reservation. Weight, priority and join time let an agent that several
/// queues ask at once give itself to the right one (<see cref="AgentArbiter"/>).</summary>
public sealed record ReservationRequest(string ReservationId, string Queue, CallerKey Caller, TimeSpan Lifetime,
    TimeSpan WrapUp, int Weight = 0, int CallerPriority = 0, DateTimeOffset CallerJoinedAt = default);

public enum ReservationRefusal
{
    LoggedOut,
    OnBreak,
    NotAMember,
    Busy,          // holds another reservation or call
    WrappingUp,
    Delayed,       // after a no-answer / busy / reject
    PhoneInUse,    // its device is busy with a call that is not from a queue
}

/// <summary>Grant (the event to journal) or refusal (nothing to journal).</summary>
public sealed record ReservationDecision(ReservationGranted? Granted, ReservationRefusal? Refusal, bool AlreadyHeld = false)
{
    public static ReservationDecision Grant(ReservationGranted e) => new(e, null);

    public static ReservationDecision Refuse(ReservationRefusal r) => new(null, r);
}
