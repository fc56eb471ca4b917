using Telephony.Domain.Cel;

namespace Telephony.Domain.Billing.Interpretation;

/// <summary>
/// What <see cref="SegmentInterpreter"/> keeps of one call for <see cref="SegmentRules"/>: every event in order (which
/// channel, which type, when — the rules need to know what happened between two bridge moves), each stay of a channel
/// in a bridge, and the transfers, parks and pickups with the channels they name. Who was bridged with whom can only
/// be decided once the whole call is known (whether a Local half is looked through depends on whether its twin is
/// ever bridged), so the interpreter records and the rules decide.
/// </summary>
public sealed class SegmentTimeline
{
    /// <summary>Every event of the call; the index is the event's ordinal (<see cref="CallBuilder.Ordinal"/>).</summary>
    public List<TimelineEvent> Events { get; } = [];

    public List<BridgeStay> Stays { get; } = [];
    public List<TransferMark> Transfers { get; } = [];
    public List<ParkMark> Parks { get; } = [];
    public List<PickupMark> Pickups { get; } = [];
    public List<OptimizationMark> Optimizations { get; } = [];
}

/// <summary>One event of the call, reduced to what segment rules look at.</summary>
public readonly record struct TimelineEvent(ChannelLeg Leg, CelEventType Type, DateTimeOffset At)
{
    /// <summary>Bridge plumbing: events that move channels between bridges without anyone doing anything (Asterisk
    /// pulls a channel from one bridge and pushes it into another when a Local pair optimises away or bridges merge).
    /// A conversation broken and restored by plumbing alone is one conversation.</summary>
    public bool IsPlumbing => Type is CelEventType.BridgeEnter or CelEventType.BridgeExit
        or CelEventType.LocalOptimizeBegin or CelEventType.LocalOptimize;
}

/// <summary>A channel's stay in one bridge, from the ordinal of its BRIDGE_ENTER to that of its BRIDGE_EXIT (or its
/// HANGUP/CHAN_END when no exit was reported); <see cref="ExitOrdinal"/> null while it is still there.</summary>
/// <param name="IsHolding">A holding bridge (<c>bridge_technology</c> <c>holding_bridge</c>: a parking lot, music on
/// hold): its members wait, they do not talk to each other.</param>
public sealed class BridgeStay(ChannelLeg leg, string bridgeId, bool isHolding, int enterOrdinal)
{
    public ChannelLeg Leg { get; } = leg;
    public string BridgeId { get; } = bridgeId;
    public bool IsHolding { get; } = isHolding;
    public int EnterOrdinal { get; } = enterOrdinal;
    public int? ExitOrdinal { get; set; }
}

/// <summary>A channel named by an event's Extra. Kept as a name (and UniqueID when given) because it may only appear
/// in the call later (a pickup channel joins from its own LinkedID after the PICKUP event).</summary>
public readonly record struct ChannelRef(string Name, string? UniqueId)
{
    /// <summary>The call's leg for it: by UniqueID when known, else by name; null when it never appeared.</summary>
    public ChannelLeg? Find(CallBuilder call) =>
        (UniqueId is { Length: > 0 } id ? call.FindByUniqueId(id) : null) ?? call.FindByName(Name);

    /// <summary>A reference from Extra fields, or null when the name is absent or <c>N/A</c>.</summary>
    public static ChannelRef? FromExtra(string? name, string? uniqueId) =>
        string.IsNullOrEmpty(name) || name == "N/A" ? null : new ChannelRef(name, uniqueId is "N/A" ? null : uniqueId);
}

/// <param name="Transferers">The event's channel and, for an attended transfer, <c>channel2_name</c> (the transferer's
/// channel in the second bridge, a different channel when a phone transfers with two calls of its own).</param>
/// <param name="Target">Attended: the transfer target; null for a blind transfer.</param>
public sealed record TransferMark(int Ordinal, DateTimeOffset At, IReadOnlyList<ChannelRef> Transferers,
    ChannelRef? Transferee, ChannelRef? Target);

/// <param name="IsEnd">False for PARK_START (the call was parked), true for PARK_END (it left the lot).</param>
public sealed record ParkMark(int Ordinal, DateTimeOffset At, ChannelRef Parked, bool IsEnd);

/// <param name="PickedUpBy">The channel that picked the ringing call up (<c>pickup_channel</c>).</param>
public sealed record PickupMark(int Ordinal, DateTimeOffset At, ChannelRef PickedUpBy);

/// <summary>LOCAL_OPTIMIZE_BEGIN or LOCAL_OPTIMIZE: the Local pair <paramref name="One"/> (<c>;1</c>, the event's
/// channel) / <paramref name="Two"/> (<c>local_two</c>) is being taken out of the media path.</summary>
public sealed record OptimizationMark(int Ordinal, ChannelRef One, ChannelRef? Two);
