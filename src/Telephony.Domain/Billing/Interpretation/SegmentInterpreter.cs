using Telephony.Domain.Cel;

namespace Telephony.Domain.Billing.Interpretation;

/// <summary>
/// Records what call segments are made of (<see cref="SegmentTimeline"/>): every event's channel, type and instant;
/// bridge stays from BRIDGE_ENTER / BRIDGE_EXIT (a HANGUP or CHAN_END ends any stay left open); BLINDTRANSFER and
/// ATTENDEDTRANSFER with the channels their Extra names; PARK_START / PARK_END; PICKUP; LOCAL_OPTIMIZE_BEGIN /
/// LOCAL_OPTIMIZE with the Local pair. <see cref="SegmentRules"/>
/// turns it into <see cref="CallSegment"/>s.
/// <para>
/// A BRIDGE_ENTER whose Extra has no <c>bridge_id</c> (malformed) joins the bridge of the first channel of its
/// <c>Peer</c> header that is in one, else a bridge of its own; a BRIDGE_EXIT without one leaves the channel's latest
/// open stay.
/// </para>
/// </summary>
public sealed class SegmentInterpreter : CelInterpreter
{
    public SegmentInterpreter()
    {
        // First, for every type: the timeline's index is the event's ordinal.
        On(AllTypes, (cel, leg, call) => call.SegmentTimeline.Events.Add(new TimelineEvent(leg, cel.Type, call.TimeOf(cel))));
        On(CelEventType.BridgeEnter, Enter);
        On(CelEventType.BridgeExit, Exit);
        On([CelEventType.Hangup, CelEventType.ChanEnd], (_, leg, call) =>
        {
            foreach (var stay in call.SegmentTimeline.Stays)
                if (ReferenceEquals(stay.Leg, leg) && stay.ExitOrdinal is null) stay.ExitOrdinal = call.Ordinal;
        });
        On(CelEventType.BlindTransfer, (cel, _, call) => call.SegmentTimeline.Transfers.Add(new TransferMark(
            call.Ordinal, call.TimeOf(cel), [new ChannelRef(cel.Channel, cel.UniqueId)],
            ChannelRef.FromExtra(cel.Extra["transferee_channel_name"], cel.Extra["transferee_channel_uniqueid"]), null)));
        On(CelEventType.AttendedTransfer, (cel, _, call) =>
        {
            List<ChannelRef> transferers = [new ChannelRef(cel.Channel, cel.UniqueId)];
            if (ChannelRef.FromExtra(cel.Extra["channel2_name"], cel.Extra["channel2_uniqueid"]) is { } second &&
                second.Name != cel.Channel)
                transferers.Add(second);
            call.SegmentTimeline.Transfers.Add(new TransferMark(call.Ordinal, call.TimeOf(cel), transferers,
                ChannelRef.FromExtra(cel.Extra["transferee_channel_name"], cel.Extra["transferee_channel_uniqueid"]),
                ChannelRef.FromExtra(cel.Extra["transfer_target_channel_name"], cel.Extra["transfer_target_channel_uniqueid"])));
        });
        On(CelEventType.ParkStart, (cel, _, call) => call.SegmentTimeline.Parks.Add(
            new ParkMark(call.Ordinal, call.TimeOf(cel), new ChannelRef(cel.Channel, cel.UniqueId), IsEnd: false)));
        On(CelEventType.ParkEnd, (cel, _, call) => call.SegmentTimeline.Parks.Add(
            new ParkMark(call.Ordinal, call.TimeOf(cel), new ChannelRef(cel.Channel, cel.UniqueId), IsEnd: true)));
        On([CelEventType.LocalOptimizeBegin, CelEventType.LocalOptimize], (cel, _, call) =>
            call.SegmentTimeline.Optimizations.Add(new OptimizationMark(call.Ordinal, new ChannelRef(cel.Channel, cel.UniqueId),
                ChannelRef.FromExtra(cel.Extra["local_two"], cel.Extra["local_two_uniqueid"]))));
        On(CelEventType.Pickup, (cel, _, call) =>
        {
            if (ChannelRef.FromExtra(cel.Extra["pickup_channel"], cel.Extra["pickup_channel_uniqueid"]) is { } by)
                call.SegmentTimeline.Pickups.Add(new PickupMark(call.Ordinal, call.TimeOf(cel), by));
        });
    }

    private static void Enter(CelEvent cel, ChannelLeg leg, CallBuilder call)
    {
        var stays = call.SegmentTimeline.Stays;
        var bridgeId = cel.Extra["bridge_id"];
        if (string.IsNullOrEmpty(bridgeId))
        {
            bridgeId = cel.Peer.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(call.FindByName)
                .Select(peer => stays.LastOrDefault(s => peer is not null && ReferenceEquals(s.Leg, peer) && s.ExitOrdinal is null))
                .FirstOrDefault(s => s is not null)?.BridgeId ?? $"unnamed:{cel.UniqueId}:{call.Ordinal}";
        }
        var holding = string.Equals(cel.Extra["bridge_technology"], "holding_bridge", StringComparison.OrdinalIgnoreCase);
        stays.Add(new BridgeStay(leg, bridgeId, holding, call.Ordinal));
    }

    private static void Exit(CelEvent cel, ChannelLeg leg, CallBuilder call)
    {
        var bridgeId = cel.Extra["bridge_id"];
        var stay = call.SegmentTimeline.Stays.LastOrDefault(s => ReferenceEquals(s.Leg, leg) && s.ExitOrdinal is null &&
                                                                 (string.IsNullOrEmpty(bridgeId) || s.BridgeId == bridgeId));
        if (stay is not null) stay.ExitOrdinal = call.Ordinal;
    }
}
