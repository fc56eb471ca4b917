namespace Telephony.Domain.Validation;

/// <summary>Why a record from Asterisk was refused. <see cref="Field"/> names the offending header (as Asterisk spells
/// it) so the caller can quarantine the raw message with a reason a person can act on, and count it by
/// <see cref="Code"/>.</summary>
public sealed record ValidationError(ValidationErrorCode Code, string Field, string Message)
{
    public override string ToString() => $"{Code} [{Field}]: {Message}";
}

public enum ValidationErrorCode
{
    /// <summary>A header that identifies the record (UniqueID, LinkedID, EventName, a time) is absent or blank.</summary>
    MissingField,

    /// <summary>A time header is present but is neither <c>YYYY-MM-DD HH:MM:SS[.ffffff]</c> nor epoch seconds.</summary>
    UnparsableTime,

    /// <summary>A local time that does not exist in the node's time zone (inside a daylight-saving gap): the node's
    /// configured zone is probably not the one Asterisk runs in.</summary>
    NonexistentLocalTime,

    /// <summary>A number header (Duration, BillableSeconds) is not a non-negative integer.</summary>
    UnparsableNumber,

    /// <summary>The message is not of the expected kind (e.g. a <c>Cdr</c> handed to the CEL factory).</summary>
    WrongEventKind,
}
