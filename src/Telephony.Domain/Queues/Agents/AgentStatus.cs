namespace Telephony.Domain.Queues.Agents;

/// <summary>Set by people (the agent, a supervisor): whether the agent wants calls.</summary>
public enum AgentStatus { LoggedOut, Available, OnBreak }

/// <summary>Set by the system: what the agent is doing with calls. Kept apart from <see cref="AgentStatus"/> so a
/// supervisor pausing an agent on a call does not end the call, and the call ending does not unpause.</summary>
public enum AgentActivity { Idle, Reserved, Ringing, OnCall, WrapUp }

/// <summary>How an offer to an agent ended without a conversation.</summary>
public enum OfferOutcome
{
    /// <summary>Rang until the ring timeout (DialStatus NOANSWER, OriginateResponse reason 3).</summary>
    NoAnswer,

    /// <summary>The phone was busy (BUSY, reason 5).</summary>
    Busy,

    /// <summary>The agent declined (reject, reason 8 congestion is counted as unavailable).</summary>
    Rejected,

    /// <summary>Could not be dialled (CHANUNAVAIL, CONGESTION, a failed connect action).</summary>
    Unavailable,

    /// <summary>The caller hung up or left while the agent rang (CANCEL).</summary>
    CallerGone,

    /// <summary>Another agent answered first (ring-all).</summary>
    AnsweredElsewhere,

    /// <summary>The reservation passed its deadline without news.</summary>
    Expired,

    /// <summary>The queue gave the reservation back before ringing (e.g. the caller was already taken).</summary>
    Withdrawn,
}

public static class DialStatuses
{
    /// <summary>Maps Asterisk's <c>DIALSTATUS</c> (as the connect dialplan reports it) to an outcome; ANSWER -> null.</summary>
    public static OfferOutcome? ToOutcome(string? dialStatus) => dialStatus?.Trim().ToUpperInvariant() switch
    {
        "ANSWER" => null,
        "NOANSWER" => OfferOutcome.NoAnswer,
        "BUSY" => OfferOutcome.Busy,
        "CANCEL" => OfferOutcome.CallerGone,
        "DONTCALL" or "TORTURE" => OfferOutcome.Rejected,
        _ => OfferOutcome.Unavailable, // CHANUNAVAIL, CONGESTION, INVALIDARGS, unknown
    };

    /// <summary>OriginateResponse reasons (Asterisk's AST_CONTROL_*): 3 no answer, 5 busy, 8 congestion.</summary>
    public static OfferOutcome FromOriginateReason(int? reason) => reason switch
    {
        3 => OfferOutcome.NoAnswer,
        5 => OfferOutcome.Busy,
        _ => OfferOutcome.Unavailable,
    };
}
