using Telephony.Ami.Protocol;

namespace Telephony.Ami.Events;

/// <summary>A dial attempt started. <see cref="ChannelEvent.Source"/> is the caller (absent when an Originate dials),
/// <see cref="Destination"/> the channel being dialled.</summary>
public sealed class DialBeginEvent(AmiMessage message) : ChannelEvent(message)
{
    public AmiChannelSnapshot Destination => new(Message, "Dest");
    public string? DialString => Get("DialString");
}

/// <summary>A dial attempt ended with <see cref="DialStatus"/> (ANSWER, BUSY, NOANSWER, CANCEL, ...). Queues emit it
/// twice for a cancelled agent leg: consumers must tolerate the duplicate.</summary>
public sealed class DialEndEvent(AmiMessage message) : ChannelEvent(message)
{
    public AmiChannelSnapshot Destination => new(Message, "Dest");
    public string? DialStatus => Get("DialStatus");
    public string? Forward => Get("Forward");
}
