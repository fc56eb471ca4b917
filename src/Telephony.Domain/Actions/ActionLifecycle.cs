namespace Telephony.Domain.Actions;

/// <summary>
/// The moves an action may make. Anything else is a bug or a late, stale message and is ignored by the queue:
/// <code>
/// Queued -> Sent | Expired | Cancelled | Refused
/// Sent -> Succeeded | Failed | Unknown | Queued (proven never written) | Up | Ended (reconciled)
/// Succeeded -> Up | Failed | Ended | Unknown  (Originate: its OriginateResponse, then its channel's hangup)
/// Up -> Ended
/// Unknown -> Up | Ended | Failed           (late evidence about its channel)
/// </code>
/// </summary>
public static class ActionLifecycle
{
    public static bool CanMove(ActionStatus from, ActionStatus to) => (from, to) switch
    {
        (ActionStatus.Queued, ActionStatus.Sent or ActionStatus.Expired or ActionStatus.Cancelled or ActionStatus.Refused) => true,
        (ActionStatus.Sent, ActionStatus.Succeeded or ActionStatus.Failed or ActionStatus.Unknown or ActionStatus.Queued
            or ActionStatus.Up or ActionStatus.Ended) => true,
        (ActionStatus.Succeeded, ActionStatus.Up or ActionStatus.Failed or ActionStatus.Ended or ActionStatus.Unknown) => true,
        (ActionStatus.Up, ActionStatus.Ended) => true,
        (ActionStatus.Unknown, ActionStatus.Up or ActionStatus.Ended or ActionStatus.Failed) => true,
        _ => false,
    };
}
