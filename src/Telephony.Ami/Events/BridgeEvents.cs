using Telephony.Ami.Protocol;

namespace Telephony.Ami.Events;

/// <summary>A channel event that also names a bridge.</summary>
public abstract class BridgeChannelEvent(AmiMessage message) : ChannelEvent(message)
{
    public string? BridgeUniqueId => Get("BridgeUniqueid");
    public string? BridgeType => Get("BridgeType");
    public string? BridgeTechnology => Get("BridgeTechnology");
    public string? BridgeCreator => Get("BridgeCreator");
    public string? BridgeName => Get("BridgeName");
    public int? BridgeNumChannels => GetInt("BridgeNumChannels");
}

public sealed class BridgeEnterEvent(AmiMessage message) : BridgeChannelEvent(message)
{
    /// <summary>The channel (if any) this one swapped with on entering.</summary>
    public string? SwapUniqueId => Get("SwapUniqueid");
}

public sealed class BridgeLeaveEvent(AmiMessage message) : BridgeChannelEvent(message);
