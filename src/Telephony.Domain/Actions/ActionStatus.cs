namespace Telephony.Domain.Actions;

/// <summary>Where an AMI action is in its life. The numbers are journaled: never renumber.</summary>
public enum ActionStatus : byte
{
    /// <summary>Accepted and journaled; waiting for its turn (priority, rate limit, notBefore, a connection).</summary>
    Queued = 1,
    /// <summary>Journaled as sent, then written to the AMI connection; no response read yet.</summary>
    Sent = 2,
    /// <summary>Asterisk answered <c>Response: Success</c>. Final for every action but Originate.</summary>
    Succeeded = 3,
    /// <summary>Asterisk answered <c>Response: Error</c>, or an Originate's OriginateResponse was a failure.</summary>
    Failed = 4,
    /// <summary>An Originate's channel answered: channel, uniqueid and linkedid are known.</summary>
    Up = 5,
    /// <summary>An answered Originate's channel hung up (cause and duration kept).</summary>
    Ended = 6,
    /// <summary>Not sent before its deadline (<c>expiresAt</c>).</summary>
    Expired = 7,
    /// <summary>Cancelled by a client before it was sent.</summary>
    Cancelled = 8,
    /// <summary>Not sent because it could not do what was asked (a channel the node saw end): the reason says why.</summary>
    Refused = 9,
    /// <summary>Sent (or maybe sent) when its connection or owner died, and neither Asterisk nor the journal can tell
    /// whether it ran. Never resent blindly; a later event about its channel still resolves it.</summary>
    Unknown = 10,
}

public static class ActionStatuses
{
    /// <summary>Nothing more will happen to it (Unknown is final for the queue, though late evidence may resolve it).</summary>
    public static bool IsFinal(this ActionStatus s) =>
        s is ActionStatus.Failed or ActionStatus.Ended or ActionStatus.Expired or ActionStatus.Cancelled
            or ActionStatus.Refused or ActionStatus.Unknown;

    /// <summary>One status by name or journaled number. A list ("Queued,Sent") is refused: Enum.TryParse would OR
    /// it into another status (1 | 2 = Succeeded).</summary>
    public static bool TryParse(string? text, out ActionStatus status)
    {
        status = default;
        return text is not null && !text.Contains(',') &&
               Enum.TryParse(text, ignoreCase: true, out status) && Enum.IsDefined(status);
    }
}
