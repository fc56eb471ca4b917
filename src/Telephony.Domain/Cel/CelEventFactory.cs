using Telephony.Domain.Time;
using Telephony.Domain.Validation;

namespace Telephony.Domain.Cel;

/// <summary>Builds a <see cref="CelEvent"/> from AMI headers. Refuses (with a reason, never an exception) what cannot
/// be journaled or attributed to a call: no EventName, no UniqueID, no LinkedID, or an EventTime we cannot place in
/// time. Everything else is tolerated — unknown event names, bad JSON in Extra, extra headers.</summary>
public static class CelEventFactory
{
    /// <param name="headers">The headers of one AMI event, in wire order (<c>AmiMessage.Headers</c>).</param>
    /// <param name="nodeTimeZone">The zone of the Asterisk server that sent it: EventTime is its local time.</param>
    public static ParseResult<CelEvent> Parse(IReadOnlyList<KeyValuePair<string, string>> headers, TimeZoneInfo nodeTimeZone)
    {
        ArgumentNullException.ThrowIfNull(headers);
        ArgumentNullException.ThrowIfNull(nodeTimeZone);
        var h = new HeaderLookup(headers);

        var kind = h["Event"];
        if (kind is not null && !kind.Trim().Equals("CEL", StringComparison.OrdinalIgnoreCase))
            return new ValidationError(ValidationErrorCode.WrongEventKind, "Event", $"expected a CEL event, got '{kind}'");

        var eventName = h.Required("EventName");
        if (eventName is null) return Missing("EventName");
        var uniqueId = h.Required("UniqueID");
        if (uniqueId is null) return Missing("UniqueID");
        var linkedId = h.Required("LinkedID");
        if (linkedId is null) return Missing("LinkedID");

        var timeText = h["EventTime"];
        switch (AsteriskTime.TryParse(timeText, nodeTimeZone, out var eventTime))
        {
            case AsteriskTimeError.None:
                break;
            case AsteriskTimeError.Empty:
                return Missing("EventTime");
            case AsteriskTimeError.NonexistentLocalTime:
                return new ValidationError(ValidationErrorCode.NonexistentLocalTime, "EventTime",
                    $"'{timeText}' does not exist in {nodeTimeZone.Id} (daylight-saving gap): is the node's time zone right?");
            default:
                return new ValidationError(ValidationErrorCode.UnparsableTime, "EventTime",
                    $"'{timeText}' is neither 'YYYY-MM-DD HH:MM:SS[.ffffff]' nor epoch seconds");
        }

        var userDefType = h.Get("UserDefType");
        var type = CelEventTypes.FromName(eventName);

        return ParseResult<CelEvent>.Ok(new CelEvent
        {
            EventName = eventName.Trim(),
            Type = type,
            AccountCode = h.Get("AccountCode"),
            CallerIdNum = h.Get("CallerIDnum"),
            CallerIdName = h.Get("CallerIDname"),
            CallerIdAni = h.Get("CallerIDani"),
            CallerIdRdnis = h.Get("CallerIDrdnis"),
            CallerIdDnid = h.Get("CallerIDdnid"),
            Exten = h.Get("Exten"),
            Context = h.Get("Context"),
            Channel = h.Get("Channel"),
            Application = h.Get("Application"),
            AppData = h.Get("AppData"),
            EventTime = eventTime!,
            AmaFlags = h.Get("AMAFlags"),
            UniqueId = uniqueId.Trim(),
            LinkedId = linkedId.Trim(),
            TenantId = h.Get("TenantID"),
            UserField = h.Get("Userfield"),
            Peer = h.Get("Peer"),
            PeerAccount = h.Get("PeerAccount"),
            UserDefType = userDefType,
            Extra = CelExtra.Parse(h["Extra"]),
            Headers = headers as KeyValuePair<string, string>[] ?? headers.ToArray(),
        });
    }

    private static ValidationError Missing(string field) =>
        new(ValidationErrorCode.MissingField, field, $"CEL event has no {field}");
}
