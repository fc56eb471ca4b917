using Telephony.Domain.Cel;

namespace Telephony.Domain.Billing.Interpretation;

/// <summary>
/// Who talked to whom: BRIDGE_ENTER / BRIDGE_EXIT, keyed by the <c>bridge_id</c> in Extra. A channel entering a
/// bridge is connected to every channel already in it. Connections are ordered by event ordinal, not by time, because
/// with one-second times an exit and an enter in the same second must not look simultaneous. When Extra has no
/// bridge_id (malformed), the <c>Peer</c> header (the channels already in the bridge) is used instead.
/// </summary>
public sealed class BridgeInterpreter : CelInterpreter
{
    public BridgeInterpreter()
    {
        On(CelEventType.BridgeEnter, Enter);
        On(CelEventType.BridgeExit, Exit);
    }

    private static void Enter(CelEvent cel, ChannelLeg leg, CallBuilder call)
    {
        var bridgeId = cel.Extra["bridge_id"];
        if (string.IsNullOrEmpty(bridgeId))
        {
            foreach (var peerName in cel.Peer.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                if (call.FindByName(peerName) is { } peer && !ReferenceEquals(peer, leg))
                    call.Connections.Add(new BridgeConnection(peer, leg, "", call.Ordinal, call.TimeOf(cel)));
            return;
        }
        if (!call.BridgeMembers.TryGetValue(bridgeId, out var members))
            call.BridgeMembers[bridgeId] = members = [];
        foreach (var other in members)
            if (!ReferenceEquals(other, leg))
                call.Connections.Add(new BridgeConnection(other, leg, bridgeId, call.Ordinal, call.TimeOf(cel)));
        if (!members.Contains(leg)) members.Add(leg);
        leg.OpenBridges[bridgeId] = call.Ordinal;
    }

    private static void Exit(CelEvent cel, ChannelLeg leg, CallBuilder call)
    {
        var bridgeId = cel.Extra["bridge_id"];
        if (string.IsNullOrEmpty(bridgeId)) return;
        if (call.BridgeMembers.TryGetValue(bridgeId, out var members)) members.Remove(leg);
        leg.OpenBridges.Remove(bridgeId);
    }
}
