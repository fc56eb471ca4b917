using System.Globalization;
using Telephony.Domain.Time;
using Telephony.Domain.Validation;

namespace Telephony.Domain.Cdr;

/// <summary>Builds a <see cref="CdrRecord"/> from AMI headers, refusing (with a reason, never an exception) a record
/// that cannot be billed: no UniqueID, no or unparsable StartTime/EndTime, an unparsable AnswerTime, a Duration or
/// BillableSeconds that is not a non-negative integer, no Disposition.</summary>
public static class CdrRecordFactory
{
    private static readonly HashSet<string> StandardHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Event", "Privilege", "AccountCode", "Source", "Destination", "DestinationContext", "CallerID", "Channel",
        "DestinationChannel", "LastApplication", "LastData", "StartTime", "AnswerTime", "EndTime", "Duration",
        "BillableSeconds", "Disposition", "AMAFlags", "UniqueID", "UserField", "LinkedID", "Sequence", "PeerAccount",
        // Added by manager.conf options, not by the CDR: never part of the record.
        "SystemName", "Timestamp",
    };

    /// <param name="headers">The headers of one AMI <c>Cdr</c> event, in wire order.</param>
    /// <param name="nodeTimeZone">The zone of the Asterisk server: Cdr times are its local time.</param>
    public static ParseResult<CdrRecord> Parse(IReadOnlyList<KeyValuePair<string, string>> headers, TimeZoneInfo nodeTimeZone)
    {
        ArgumentNullException.ThrowIfNull(headers);
        ArgumentNullException.ThrowIfNull(nodeTimeZone);
        var h = new HeaderLookup(headers);

        var kind = h["Event"];
        if (kind is not null && !kind.Trim().Equals("Cdr", StringComparison.OrdinalIgnoreCase))
            return new ValidationError(ValidationErrorCode.WrongEventKind, "Event", $"expected a Cdr event, got '{kind}'");

        var uniqueId = h.Required("UniqueID");
        if (uniqueId is null) return Missing("UniqueID");

        if (ParseTime(h, "StartTime", nodeTimeZone, required: true, out var start) is { } startError) return startError;
        if (ParseTime(h, "AnswerTime", nodeTimeZone, required: false, out var answer) is { } answerError) return answerError;
        if (ParseTime(h, "EndTime", nodeTimeZone, required: true, out var end) is { } endError) return endError;
        if (ParseSeconds(h, "Duration", out var duration) is { } durationError) return durationError;
        if (ParseSeconds(h, "BillableSeconds", out var billsec) is { } billsecError) return billsecError;

        var disposition = h.Required("Disposition");
        if (disposition is null) return Missing("Disposition");

        var mapped = new List<KeyValuePair<string, string>>();
        foreach (var kv in headers)
            if (!StandardHeaders.Contains(kv.Key)) mapped.Add(kv);

        return ParseResult<CdrRecord>.Ok(new CdrRecord
        {
            AccountCode = h.Get("AccountCode"),
            Source = h.Get("Source"),
            Destination = h.Get("Destination"),
            DestinationContext = h.Get("DestinationContext"),
            CallerId = h.Get("CallerID"),
            Channel = h.Get("Channel"),
            DestinationChannel = h.Get("DestinationChannel"),
            LastApplication = h.Get("LastApplication"),
            LastData = h.Get("LastData"),
            StartTime = start!,
            AnswerTime = answer,
            EndTime = end!,
            Duration = duration,
            BillableSeconds = billsec,
            DispositionText = disposition.Trim(),
            AmaFlags = h.Get("AMAFlags"),
            UniqueId = uniqueId.Trim(),
            UserField = h.Get("UserField"),
            LinkedId = NullIfBlank(h["LinkedID"]),
            Sequence = NullIfBlank(h["Sequence"]),
            PeerAccount = NullIfBlank(h["PeerAccount"]),
            MappedFields = mapped,
            Headers = headers as KeyValuePair<string, string>[] ?? headers.ToArray(),
        });
    }

    private static ValidationError? ParseTime(HeaderLookup h, string field, TimeZoneInfo zone, bool required,
        out AsteriskTimestamp? value)
    {
        var text = h[field];
        switch (AsteriskTime.TryParse(text, zone, out value))
        {
            case AsteriskTimeError.None:
                return null;
            case AsteriskTimeError.Empty:
                return required ? Missing(field) : null;
            case AsteriskTimeError.NonexistentLocalTime:
                return new ValidationError(ValidationErrorCode.NonexistentLocalTime, field,
                    $"'{text}' does not exist in {zone.Id} (daylight-saving gap): is the node's time zone right?");
            default:
                return new ValidationError(ValidationErrorCode.UnparsableTime, field,
                    $"'{text}' is neither 'YYYY-MM-DD HH:MM:SS[.ffffff]' nor epoch seconds");
        }
    }

    private static ValidationError? ParseSeconds(HeaderLookup h, string field, out int value)
    {
        value = 0;
        var text = h.Required(field);
        if (text is null) return Missing(field);
        if (int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out value)) return null;
        return new ValidationError(ValidationErrorCode.UnparsableNumber, field, $"'{text}' is not a whole number of seconds");
    }

    private static string? NullIfBlank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    private static ValidationError Missing(string field) =>
        new(ValidationErrorCode.MissingField, field, $"Cdr event has no {field}");
}
