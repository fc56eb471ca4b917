using System.Globalization;
using Telephony.Ami.Protocol;

namespace Telephony.Ami.Events;

/// <summary>
/// The standard channel block of a channel event (<c>Channel</c>, <c>ChannelState</c>, ..., <c>Uniqueid</c>,
/// <c>Linkedid</c>), or the same block with a prefix (<c>DestChannel</c>, ..., <c>DestUniqueid</c>) for the other
/// party of DialBegin/DialEnd and the agent events.
/// </summary>
public readonly struct AmiChannelSnapshot
{
    private readonly AmiMessage _message;
    private readonly string _prefix;

    public AmiChannelSnapshot(AmiMessage message, string prefix = "")
    {
        _message = message;
        _prefix = prefix;
    }

    /// <summary>False when the event has no such channel (a DialBegin from an Originate has no caller channel).</summary>
    public bool IsPresent => _message.Has(_prefix + "Channel");

    public string? Channel => Get("Channel");
    public int? ChannelState => int.TryParse(Get("ChannelState"), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : null;
    public string? ChannelStateDesc => Get("ChannelStateDesc");
    public string? CallerIdNum => Get("CallerIDNum");
    public string? CallerIdName => Get("CallerIDName");
    public string? ConnectedLineNum => Get("ConnectedLineNum");
    public string? ConnectedLineName => Get("ConnectedLineName");
    public string? Language => Get("Language");
    public string? AccountCode => Get("AccountCode");
    public string? Context => Get("Context");
    public string? Exten => Get("Exten");
    public int? Priority => int.TryParse(Get("Priority"), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : null;
    public string? UniqueId => Get("Uniqueid");
    public string? LinkedId => Get("Linkedid");

    private string? Get(string key) => _message[_prefix.Length == 0 ? key : _prefix + key];
}
