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
        // Read in the order Asterisk writes a Cdr (mapped variables follow it), then checked in the order of what
        // matters most: a Cdr missing several things is refused for the first of them.
        var h = new WireOrderHeaderLookup(headers);
        var kind = h.Find("Event");
        var accountCode = h.Get("AccountCode");
        var source = h.Get("Source");
        var destination = h.Get("Destination");
        var destinationContext = h.Get("DestinationContext");
        var callerId = h.Get("CallerID");
        var channel = h.Get("Channel");
        var destinationChannel = h.Get("DestinationChannel");
        var lastApplication = h.Get("LastApplication");
        var lastData = h.Get("LastData");
        var startText = h.Find("StartTime");
        var answerText = h.Find("AnswerTime");
        var endText = h.Find("EndTime");
        var durationText = h.Find("Duration");
        var billsecText = h.Find("BillableSeconds");
        var dispositionText = h.Find("Disposition");
        var amaFlags = h.Get("AMAFlags");
        var uniqueIdText = h.Find("UniqueID");
        var userField = h.Get("UserField");
        var linkedId = h.Find("LinkedID");
        var sequence = h.Find("Sequence");
        var peerAccount = h.Find("PeerAccount");

        if (kind is not null && !kind.Trim().Equals("Cdr", StringComparison.OrdinalIgnoreCase))
            return new ValidationError(ValidationErrorCode.WrongEventKind, "Event", $"expected a Cdr event, got '{kind}'");

        var uniqueId = WireOrderHeaderLookup.Required(uniqueIdText);
        if (uniqueId is null) return Missing("UniqueID");

        if (ParseTime(startText, "StartTime", nodeTimeZone, required: true, out var start) is { } startError) return startError;
        if (ParseTime(answerText, "AnswerTime", nodeTimeZone, required: false, out var answer) is { } answerError) return answerError;
        if (ParseTime(endText, "EndTime", nodeTimeZone, required: true, out var end) is { } endError) return endError;
        if (ParseSeconds(durationText, "Duration", out var duration) is { } durationError) return durationError;
        if (ParseSeconds(billsecText, "BillableSeconds", out var billsec) is { } billsecError) return billsecError;

        var disposition = WireOrderHeaderLookup.Required(dispositionText);
        if (disposition is null) return Missing("Disposition");

        var all = h.All;
        List<KeyValuePair<string, string>>? mapped = null;
        foreach (var kv in all)
            if (!StandardHeaders.Contains(kv.Key)) (mapped ??= []).Add(kv);

        return ParseResult<CdrRecord>.Ok(new CdrRecord
        {
            AccountCode = accountCode,
            Source = source,
            Destination = destination,
            DestinationContext = destinationContext,
            CallerId = callerId,
            Channel = channel,
            DestinationChannel = destinationChannel,
            LastApplication = lastApplication,
            LastData = lastData,
            StartTime = start!,
            AnswerTime = answer,
            EndTime = end!,
            Duration = duration,
            BillableSeconds = billsec,
            DispositionText = disposition.Trim(),
            AmaFlags = amaFlags,
            UniqueId = uniqueId.Trim(),
            UserField = userField,
            LinkedId = NullIfBlank(linkedId),
            Sequence = NullIfBlank(sequence),
            PeerAccount = NullIfBlank(peerAccount),
            MappedFields = (IReadOnlyList<KeyValuePair<string, string>>?)mapped ?? [],
            Headers = all,
        });
    }

    private static ValidationError? ParseTime(string? text, string field, TimeZoneInfo zone, bool required,
        out AsteriskTimestamp? value)
    {
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

    private static ValidationError? ParseSeconds(string? raw, string field, out int value)
    {
        value = 0;
        var text = WireOrderHeaderLookup.Required(raw);
        if (text is null) return Missing(field);
        if (int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out value)) return null;
        return new ValidationError(ValidationErrorCode.UnparsableNumber, field, $"'{text}' is not a whole number of seconds");
    }

    private static string? NullIfBlank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    private static ValidationError Missing(string field) =>
        new(ValidationErrorCode.MissingField, field, $"Cdr event has no {field}");
}
