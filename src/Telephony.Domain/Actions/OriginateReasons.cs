namespace Telephony.Domain.Actions;

/// <summary>OriginateResponse's <c>Reason</c> (Asterisk's <c>AST_CONTROL_*</c> frame of the dial's end) in words.</summary>
public static class OriginateReasons
{
    public const int Answered = 4;

    public static string Describe(int? reason) => reason switch
    {
        0 => "failed (no such channel, or it could not be created)",
        1 => "hung up",
        3 => "no answer",
        4 => "answered",
        5 => "busy",
        8 => "congestion",
        null => "no reason given",
        _ => $"reason {reason}",
    };
}
