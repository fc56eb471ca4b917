using Telephony.Ami.Protocol;

namespace Telephony.Ami.Events;

/// <summary>
/// One Channel Event Logging record (<c>Event: CEL</c>). Its headers are cased differently from channel events
/// (<c>UniqueID</c>, <c>LinkedID</c>, <c>CallerIDnum</c>); the view reads them case-insensitively either way.
/// </summary>
public sealed class CelEvent(AmiMessage message) : AmiEvent(message)
{
    /// <summary>The CEL type: CHAN_START, ANSWER, HANGUP, LINKEDID_END, ... or a CELGenUserEvent's custom name.</summary>
    public string? EventName => Get("EventName");

    public string? AccountCode => Get("AccountCode");
    public string? CallerIdNum => Get("CallerIDnum");
    public string? CallerIdName => Get("CallerIDname");
    public string? CallerIdAni => Get("CallerIDani");
    public string? CallerIdRdnis => Get("CallerIDrdnis");
    public string? CallerIdDnid => Get("CallerIDdnid");
    public string? Exten => Get("Exten");
    public string? Context => Get("Context");
    public string? Channel => Get("Channel");
    public string? Application => Get("Application");
    public string? AppData => Get("AppData");

    /// <summary>As sent: Asterisk's local time, no zone.</summary>
    public string? EventTimeText => Get("EventTime");

    public DateTime? EventTime => GetLocalTime("EventTime");
    public string? AmaFlags => Get("AMAFlags");
    public string? UniqueId => Get("UniqueID");
    public string? LinkedId => Get("LinkedID");
    public string? UserField => Get("Userfield");
    public string? Peer => Get("Peer");
    public string? PeerAccount => Get("PeerAccount");

    /// <summary>Type-specific data; JSON for HANGUP (<c>{"hangupcause":16,...}</c>).</summary>
    public string? Extra => Get("Extra");
}
