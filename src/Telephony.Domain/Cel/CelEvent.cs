using Telephony.Domain.Identity;
using Telephony.Domain.Time;

namespace Telephony.Domain.Cel;

/// <summary>
/// One Channel Event Logging record, as the AMI <c>CEL</c> event carries it (cel_manager.c), with the headers it came
/// with. Create it with <see cref="CelEventFactory.Parse"/>; the constructor is for tests and deserialisation.
/// Strings are never null: an absent header is "".
/// </summary>
public sealed record CelEvent
{
    /// <summary>The <c>EventName</c> exactly as sent: <c>ANSWER</c>, or a <c>CELGenUserEvent</c> custom name.</summary>
    public required string EventName { get; init; }

    public required CelEventType Type { get; init; }
    public string AccountCode { get; init; } = "";
    public string CallerIdNum { get; init; } = "";
    public string CallerIdName { get; init; } = "";
    public string CallerIdAni { get; init; } = "";
    public string CallerIdRdnis { get; init; } = "";
    public string CallerIdDnid { get; init; } = "";
    public string Exten { get; init; } = "";
    public string Context { get; init; } = "";
    public string Channel { get; init; } = "";
    public string Application { get; init; } = "";
    public string AppData { get; init; } = "";
    public required AsteriskTimestamp EventTime { get; init; }

    /// <summary>The manager's <c>Timestamp</c> header (manager.conf <c>timestampevents = yes</c>): the instant, to the
    /// microsecond, at which Asterisk raised this manager event — a little after the record's own time, which
    /// <see cref="EventTime"/> carries only to the whole second (cel_manager.c hard-codes <c>%Y-%m-%d %T</c>). Null when
    /// absent or unreadable. Not part of the identity (another source of the same event does not carry it); billing
    /// uses it for exact seconds (see <c>BillingRules</c>).</summary>
    public DateTimeOffset? Timestamp { get; init; }
    public string AmaFlags { get; init; } = "";
    public required string UniqueId { get; init; }
    public required string LinkedId { get; init; }

    /// <summary>Asterisk 21+/20.x backports; "" when the server does not send it.</summary>
    public string TenantId { get; init; } = "";

    public string UserField { get; init; } = "";

    /// <summary>For BRIDGE_*: the other channels in the bridge, comma separated.</summary>
    public string Peer { get; init; } = "";

    public string PeerAccount { get; init; } = "";

    /// <summary>Only with cel.conf <c>show_user_defined=yes</c>: the custom name of a USER_DEFINED event.</summary>
    public string UserDefType { get; init; } = "";

    public CelExtra Extra { get; init; } = CelExtra.None;

    /// <summary>Every header as received, in order, <c>Event</c> and <c>Privilege</c> included.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];

    /// <summary>Set for HANGUP: the cause, source and dial status from <see cref="Extra"/>.</summary>
    public HangupDetails? Hangup => Type == CelEventType.Hangup ? HangupDetails.From(Extra) : null;

    /// <summary>The custom name of a user event: <see cref="UserDefType"/> when Asterisk sent USER_DEFINED, else the
    /// <see cref="EventName"/> of an event we do not know (which is how CELGenUserEvent arrives by default).</summary>
    public string? UserEventName => Type switch
    {
        CelEventType.UserDefined => UserDefType.Length > 0 ? UserDefType : EventName,
        CelEventType.Unknown => EventName,
        _ => null,
    };

    /// <summary>The content fingerprint used to journal this event once (see <see cref="EventIdentity.ForCel"/>).
    /// Computed on each call (a SHA-256 over a few hundred bytes); compare identities, not records, for "same event":
    /// record equality compares <see cref="Headers"/> by reference.</summary>
    public EventIdentity Identity => EventIdentity.ForCel(this);

    public override string ToString() => $"{EventTime.Text} {EventName} {UniqueId}/{LinkedId} {Channel}";
}
