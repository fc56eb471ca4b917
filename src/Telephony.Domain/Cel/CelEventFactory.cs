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
    /// <param name="keep">What the event keeps as its <see cref="CelEvent.Headers"/>, when not <paramref name="headers"/>
    /// itself: the same headers, e.g. a view over the message's bytes, so that a caller can decode message after message
    /// into one reused array.</param>
    public static ParseResult<CelEvent> Parse(IReadOnlyList<KeyValuePair<string, string>> headers, TimeZoneInfo nodeTimeZone,
        IReadOnlyList<KeyValuePair<string, string>>? keep = null)
    {
        ArgumentNullException.ThrowIfNull(headers);
        ArgumentNullException.ThrowIfNull(nodeTimeZone);
        // Read in the order Asterisk writes a CEL (TenantID and UserDefType, when present, come last), then checked in
        // the order of what matters most: a CEL missing several things is refused for the first of them.
        var h = new WireOrderHeaderLookup(headers);
        var kind = h.Find("Event");
        var stamp = h.Find("Timestamp"); // third on the wire (after Privilege) when timestampevents is on
        var eventNameText = h.Find("EventName");
        var accountCode = h.Get("AccountCode");
        var callerIdNum = h.Get("CallerIDnum");
        var callerIdName = h.Get("CallerIDname");
        var callerIdAni = h.Get("CallerIDani");
        var callerIdRdnis = h.Get("CallerIDrdnis");
        var callerIdDnid = h.Get("CallerIDdnid");
        var exten = h.Get("Exten");
        var context = h.Get("Context");
        var channel = h.Get("Channel");
        var application = h.Get("Application");
        var appData = h.Get("AppData");
        var timeText = h.Find("EventTime");
        var amaFlags = h.Get("AMAFlags");
        var uniqueIdText = h.Find("UniqueID");
        var linkedIdText = h.Find("LinkedID");
        var userField = h.Get("Userfield");
        var peer = h.Get("Peer");
        var peerAccount = h.Get("PeerAccount");
        var extra = h.Find("Extra");
        var tenantId = h.Get("TenantID");
        var userDefType = h.Get("UserDefType");

        if (kind is not null && !kind.Trim().Equals("CEL", StringComparison.OrdinalIgnoreCase))
            return new ValidationError(ValidationErrorCode.WrongEventKind, "Event", $"expected a CEL event, got '{kind}'");

        var eventName = WireOrderHeaderLookup.Required(eventNameText);
        if (eventName is null) return Missing("EventName");
        var uniqueId = WireOrderHeaderLookup.Required(uniqueIdText);
        if (uniqueId is null) return Missing("UniqueID");
        var linkedId = WireOrderHeaderLookup.Required(linkedIdText);
        if (linkedId is null) return Missing("LinkedID");

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

        var type = CelEventTypes.FromName(eventName);

        return ParseResult<CelEvent>.Ok(new CelEvent
        {
            EventName = eventName.Trim(),
            Type = type,
            AccountCode = accountCode,
            CallerIdNum = callerIdNum,
            CallerIdName = callerIdName,
            CallerIdAni = callerIdAni,
            CallerIdRdnis = callerIdRdnis,
            CallerIdDnid = callerIdDnid,
            Exten = exten,
            Context = context,
            Channel = channel,
            Application = application,
            AppData = appData,
            EventTime = eventTime!,
            Timestamp = ManagerTimestamp.Parse(stamp),
            AmaFlags = amaFlags,
            UniqueId = uniqueId.Trim(),
            LinkedId = linkedId.Trim(),
            TenantId = tenantId,
            UserField = userField,
            Peer = peer,
            PeerAccount = peerAccount,
            UserDefType = userDefType,
            Extra = CelExtra.Parse(extra),
            Headers = keep ?? h.All,
        });
    }

    private static ValidationError Missing(string field) =>
        new(ValidationErrorCode.MissingField, field, $"CEL event has no {field}");
}
