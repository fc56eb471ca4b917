using Telephony.Ami.Protocol;

namespace Telephony.Ami.Events;

/// <summary>An event about one channel, carrying the standard channel block (<c>Uniqueid</c>, <c>Linkedid</c>, ...).</summary>
public abstract class ChannelEvent(AmiMessage message) : AmiEvent(message)
{
    public AmiChannelSnapshot Source => new(Message);

    public string? Channel => Source.Channel;
    public int? ChannelState => Source.ChannelState;
    public string? ChannelStateDesc => Source.ChannelStateDesc;
    public string? CallerIdNum => Source.CallerIdNum;
    public string? CallerIdName => Source.CallerIdName;
    public string? ConnectedLineNum => Source.ConnectedLineNum;
    public string? ConnectedLineName => Source.ConnectedLineName;
    public string? AccountCode => Source.AccountCode;
    public string? Context => Source.Context;
    public string? Exten => Source.Exten;
    public int? Priority => Source.Priority;
    public string? UniqueId => Source.UniqueId;
    public string? LinkedId => Source.LinkedId;
}

public sealed class NewchannelEvent(AmiMessage message) : ChannelEvent(message);

public sealed class NewstateEvent(AmiMessage message) : ChannelEvent(message);

public sealed class HangupEvent(AmiMessage message) : ChannelEvent(message)
{
    /// <summary>Q.850 cause (16 normal clearing, 17 busy, 19 no answer, ...).</summary>
    public int? Cause => GetInt("Cause");

    public string? CauseText => Get("Cause-txt");
}
