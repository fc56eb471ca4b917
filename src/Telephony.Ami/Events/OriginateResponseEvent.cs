using Telephony.Ami.Protocol;

namespace Telephony.Ami.Events;

/// <summary>How an async Originate ended, from the <c>Reason</c> Asterisk reports (an AST_CONTROL code).</summary>
public enum OriginateOutcome
{
    Failed = 0,
    Hangup = 1,
    NoAnswer = 3,
    Answered = 4,
    Busy = 5,
    Congestion = 8,
}

/// <summary>
/// The outcome of an <c>Async: true</c> Originate. An event that also carries <c>Response: Success|Failure</c> and the
/// originate's ActionID. On failure <see cref="UniqueId"/> is null (Asterisk sends <c>&lt;unknown&gt;</c>).
/// </summary>
public sealed class OriginateResponseEvent(AmiMessage message) : AmiEvent(message)
{
    public string? Response => Get("Response");
    public bool IsSuccess => string.Equals(Response, "Success", StringComparison.OrdinalIgnoreCase);
    public string? Channel => Get("Channel");
    public string? Context => Get("Context");
    public string? Exten => Get("Exten");
    public string? Application => Get("Application");
    public string? Data => Get("Data");
    public int? Reason => GetInt("Reason");

    public OriginateOutcome Outcome => Reason switch
    {
        4 => OriginateOutcome.Answered,
        5 => OriginateOutcome.Busy,
        3 => OriginateOutcome.NoAnswer,
        8 => OriginateOutcome.Congestion,
        1 => OriginateOutcome.Hangup,
        _ => OriginateOutcome.Failed,
    };

    public string? UniqueId => GetKnown("Uniqueid");
    public string? CallerIdNum => Get("CallerIDNum");
    public string? CallerIdName => Get("CallerIDName");
}
