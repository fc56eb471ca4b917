namespace Telephony.Domain.Actions;

/// <summary>What is known about an action that was journaled as sent but whose response never arrived (its owner
/// died, or its connection dropped).</summary>
/// <param name="NeverWritten">The client refused it before writing a byte (not connected): proof it was not sent.</param>
/// <param name="LiveChannel">Asterisk lists a channel with the Originate's ChannelId as Uniqueid now (null: could not
/// ask Asterisk).</param>
/// <param name="LiveChannelUp">That channel's state is Up (answered).</param>
/// <param name="JournalHasCall">The call journal holds events of the call whose LinkedID is the ChannelId (its CEL
/// and Cdr were recorded: it ran).</param>
/// <param name="JournalCallEnded">Those events include the call's end.</param>
public sealed record ReconcileEvidence(
    bool NeverWritten,
    bool? LiveChannel = null,
    bool LiveChannelUp = false,
    bool JournalHasCall = false,
    bool JournalCallEnded = false);

public enum ReconcileOutcome
{
    /// <summary>Proven not sent, or safe to send again: back to the queue.</summary>
    SendAgain,
    /// <summary>Proven sent; its channel exists and is not answered yet.</summary>
    Sent,
    /// <summary>Proven sent and answered.</summary>
    Up,
    /// <summary>Proven sent; its call has ended.</summary>
    Ended,
    /// <summary>Cannot tell: shown as Unknown, never resent blindly.</summary>
    Unknown,
}

/// <summary>
/// Never twice: an action that may have reached Asterisk is resent only when that is harmless (idempotent) or proven
/// not to have happened; an Originate is looked for by its ChannelId, live in Asterisk and in the journal.
/// </summary>
public static class ActionReconciliation
{
    public static ReconcileOutcome Decide(ActionRecord action, ReconcileEvidence evidence)
    {
        if (evidence.NeverWritten || ActionKinds.IsIdempotent(action.Action)) return ReconcileOutcome.SendAgain;
        if (!action.CreatesCall || action.ChannelId is null) return ReconcileOutcome.Unknown;
        if (evidence.LiveChannel == true) return evidence.LiveChannelUp ? ReconcileOutcome.Up : ReconcileOutcome.Sent;
        // In the journal but not live any more (or its end recorded): it ran and is over.
        if (evidence.JournalHasCall)
            return evidence.JournalCallEnded || evidence.LiveChannel == false ? ReconcileOutcome.Ended : ReconcileOutcome.Sent;
        return ReconcileOutcome.Unknown;
    }
}
