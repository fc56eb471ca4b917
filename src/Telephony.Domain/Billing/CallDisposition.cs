namespace Telephony.Domain.Billing;

/// <summary>The outcome of a call, with Asterisk's Cdr vocabulary (cdr.c <c>ast_cdr_disp2str</c>).</summary>
public enum CallDisposition
{
    NoAnswer,
    Answered,
    Busy,
    Failed,
    Congestion,
}

public static class CallDispositions
{
    /// <summary><c>ANSWERED</c>, <c>NO ANSWER</c>, <c>BUSY</c>, <c>FAILED</c>, <c>CONGESTION</c>.</summary>
    public static string ToAsteriskString(this CallDisposition d) => d switch
    {
        CallDisposition.Answered => "ANSWERED",
        CallDisposition.NoAnswer => "NO ANSWER",
        CallDisposition.Busy => "BUSY",
        CallDisposition.Failed => "FAILED",
        CallDisposition.Congestion => "CONGESTION",
        _ => throw new ArgumentOutOfRangeException(nameof(d), d, null),
    };

    /// <summary>Parses Asterisk's text (case-insensitive; <c>NOANSWER</c> accepted too); null for anything else
    /// (e.g. <c>NULL</c>, which cdr.c prints for a record it never classified).</summary>
    public static CallDisposition? FromAsteriskString(string? text) => text?.Trim().ToUpperInvariant() switch
    {
        "ANSWERED" => CallDisposition.Answered,
        "NO ANSWER" or "NOANSWER" => CallDisposition.NoAnswer,
        "BUSY" => CallDisposition.Busy,
        "FAILED" => CallDisposition.Failed,
        "CONGESTION" => CallDisposition.Congestion,
        _ => null,
    };
}
