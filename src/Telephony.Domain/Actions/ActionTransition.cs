namespace Telephony.Domain.Actions;

/// <summary>
/// One step of an action's life, journaled: the status it moved to, when, and what was learned on the way (the AMI
/// response's message, an OriginateResponse reason, the channel and its ids, the hangup cause, the values a query
/// returned). Only what the step knows is set.
/// </summary>
public sealed record ActionTransition(string Id, ActionStatus To, DateTimeOffset At)
{
    /// <summary>The AMI response's <c>Message</c>, or why the queue decided this step (expired, refused, reconciled).</summary>
    public string? Message { get; init; }

    /// <summary>An OriginateResponse failure in words: busy, no answer, congestion, ... (<see cref="OriginateReasons"/>).</summary>
    public string? Reason { get; init; }

    public string? Channel { get; init; }
    public string? UniqueId { get; init; }
    public string? LinkedId { get; init; }
    public int? HangupCause { get; init; }

    /// <summary>Headers a query returned besides Response/Message/ActionID (Getvar's Variable and Value).</summary>
    public IReadOnlyList<KeyValuePair<string, string>>? Returned { get; init; }
}
