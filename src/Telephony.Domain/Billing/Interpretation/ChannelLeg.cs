using Telephony.Domain.Cel;

namespace Telephony.Domain.Billing.Interpretation;

/// <summary>What the interpreters learn about one channel (one UniqueID) of the call. Mutable: it lives only while one
/// call is interpreted.</summary>
public sealed class ChannelLeg(string uniqueId, int firstOrdinal)
{
    public string UniqueId { get; } = uniqueId;

    /// <summary>Order of the leg's first event in the call (0-based event ordinal).</summary>
    public int FirstOrdinal { get; } = firstOrdinal;

    /// <summary>The latest name (a masquerade can rename a channel).</summary>
    public string Name { get; set; } = "";

    public DateTimeOffset FirstEventAt { get; set; }
    public DateTimeOffset LastEventAt { get; set; }

    /// <summary>CHAN_START time; null when the channel started under another LinkedID.</summary>
    public DateTimeOffset? StartedAt { get; set; }

    public string StartExten { get; set; } = "";
    public string StartContext { get; set; } = "";
    public DateTimeOffset? AnsweredAt { get; set; }
    public DateTimeOffset? HungUpAt { get; set; }
    public int HangupOrdinal { get; set; } = -1;
    public HangupDetails? Hangup { get; set; }
    public DateTimeOffset? EndedAt { get; set; }

    public string CallerIdNum { get; set; } = "";
    public string CallerIdName { get; set; } = "";
    public string AccountCode { get; set; } = "";
    public string PeerAccount { get; set; } = "";

    /// <summary>Every Exten seen on the channel, in order, without repeats next to each other.</summary>
    public List<string> Extens { get; } = [];

    /// <summary>Dialplan applications seen on the channel (the <c>Application</c> of its events).</summary>
    public HashSet<string> Applications { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The channel was created by Dial() (<c>AppDial</c>) — a callee leg.</summary>
    public bool IsDialedLeg => Applications.Contains("AppDial");

    /// <summary>The channel was created by Queue() to ring a member (<c>AppQueue</c>).</summary>
    public bool IsQueueMemberLeg => Applications.Contains("AppQueue");

    /// <summary>Set by the queue interpreter when the channel ran Queue().</summary>
    public string? QueueName { get; set; }

    public DateTimeOffset? QueueEnteredAt { get; set; }
    public DateTimeOffset? QueueLeftAt { get; set; }

    /// <summary>Bridges the channel is in now (bridge id → ordinal of its BRIDGE_ENTER).</summary>
    public Dictionary<string, int> OpenBridges { get; } = new(StringComparer.Ordinal);

    /// <summary>A Local half optimised away by LOCAL_OPTIMIZE.</summary>
    public bool OptimizedAway { get; set; }

    public override string ToString() => $"{Name} ({UniqueId})";
}

/// <summary>Two channels of the call that were in one bridge together, from <see cref="Ordinal"/> on.</summary>
public sealed record BridgeConnection(ChannelLeg First, ChannelLeg Second, string BridgeId, int Ordinal, DateTimeOffset At)
{
    public bool Involves(ChannelLeg leg) => ReferenceEquals(First, leg) || ReferenceEquals(Second, leg);
    public ChannelLeg Other(ChannelLeg leg) => ReferenceEquals(First, leg) ? Second : First;
}
