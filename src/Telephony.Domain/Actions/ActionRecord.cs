namespace Telephony.Domain.Actions;

/// <summary>
/// One action and everything known about it: the request as it will be (or was) written, its status and the time of
/// each step. Built from its <see cref="ActionRecord.Queued"/> state by <see cref="Apply"/> of each
/// <see cref="ActionTransition"/>; the same steps rebuild it on recovery and in the <c>ami_action</c> projection.
/// </summary>
public sealed record ActionRecord
{
    public required string Id { get; init; }
    public required string Node { get; init; }
    public required string Action { get; init; }

    /// <summary>The headers written to Asterisk (ActionID aside), the pre-assigned ChannelId and Async of an Originate included.</summary>
    public required IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; }

    public string? IdempotencyKey { get; init; }
    public int Priority { get; init; }
    public DateTimeOffset? NotBefore { get; init; }
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>For an Originate: the Uniqueid (and LinkedID) Asterisk gives its first channel.</summary>
    public string? ChannelId { get; init; }
    public string? OtherChannelId { get; init; }

    public ActionStatus Status { get; init; } = ActionStatus.Queued;
    public required DateTimeOffset QueuedAt { get; init; }
    public DateTimeOffset? SentAt { get; init; }
    public DateTimeOffset? RespondedAt { get; init; }
    public DateTimeOffset? UpAt { get; init; }
    public DateTimeOffset? EndedAt { get; init; }
    public DateTimeOffset? UpdatedAt { get; init; }

    public string? Message { get; init; }
    public string? Reason { get; init; }
    public string? Channel { get; init; }
    public string? UniqueId { get; init; }
    public string? LinkedId { get; init; }
    public int? HangupCause { get; init; }
    public IReadOnlyList<KeyValuePair<string, string>>? Returned { get; init; }

    /// <summary>How many times it was written to a connection (more than one only for idempotent actions, or after a
    /// send proven never to have reached the wire).</summary>
    public int Attempts { get; init; }

    public bool CreatesCall => ActionKinds.CreatesCall(Action);

    /// <summary>Seconds from answer to hangup of an answered Originate.</summary>
    public double? DurationSeconds => UpAt is { } up && EndedAt is { } end ? Math.Max(0, (end - up).TotalSeconds) : null;

    /// <summary>Sent and not yet answered (Sent, or Succeeded awaiting its OriginateResponse): counts against the
    /// originates-in-progress limit, as <see cref="ActionLimits.MaxOriginatesInProgress"/> and
    /// <see cref="ActionScheduler.OriginateFinished"/> count it. An answered (Up) call no longer holds a place.</summary>
    public bool InProgress => CreatesCall && Status is ActionStatus.Sent or ActionStatus.Succeeded;

    /// <summary>Nothing more will happen to it: a final status, or a Succeeded action that does not create a call.</summary>
    public bool IsDone => Status.IsFinal() || (Status == ActionStatus.Succeeded && !CreatesCall);

    public ActionRecord Apply(ActionTransition t) => this with
    {
        Status = t.To,
        UpdatedAt = t.At,
        SentAt = t.To == ActionStatus.Sent ? t.At : SentAt,
        Attempts = t.To == ActionStatus.Sent ? Attempts + 1 : Attempts,
        // An OriginateResponse read before the action's own response still means Asterisk answered it by then.
        RespondedAt = t.To is ActionStatus.Succeeded or ActionStatus.Failed or ActionStatus.Up && SentAt is not null ? RespondedAt ?? t.At : RespondedAt,
        UpAt = t.To == ActionStatus.Up ? UpAt ?? t.At : UpAt,
        EndedAt = t.To == ActionStatus.Ended ? t.At : EndedAt,
        Message = t.Message ?? Message,
        Reason = t.Reason ?? Reason,
        Channel = t.Channel ?? Channel,
        UniqueId = t.UniqueId ?? UniqueId,
        LinkedId = t.LinkedId ?? LinkedId,
        HangupCause = t.HangupCause ?? HangupCause,
        Returned = t.Returned ?? Returned,
    };
}
