using Telephony.Simulator.Model;

namespace Telephony.Simulator;

/// <summary>Bridges made by the AMI Bridge action. The channels' scripts go on as captured; the node only adds the
/// bridge events and, when a bridged channel hangs up, takes both out of the bridge and destroys it.</summary>
public sealed partial class SimulatedNode
{
    private readonly Dictionary<string, ActionBridge> _bridges = new(StringComparer.Ordinal);

    /// <summary>
    /// Puts two live channels into a new basic bridge. <paramref name="acknowledge"/> runs under the emission lock
    /// before the events (the capture has "Channels have been bridged" first). Returns which channel is missing
    /// (1 or 2), or 0 when bridged. A channel already in a bridge leaves it first.
    /// </summary>
    internal int Bridge(string channel1, string channel2, Action acknowledge)
    {
        lock (_lock)
        {
            if (_channels.ByName(channel1) is not { } first) return 1;
            if (_channels.ByName(channel2) is not { } second) return 2;
            if (QueueBridge(first, second, acknowledge)) return 0;
            acknowledge();
            var bridge = new ActionBridge(Guid.NewGuid().ToString());
            EmitLocked(bridge.Create(), first.Call, RaisedNow(first, "BridgeCreate"));
            foreach (var leg in new[] { first, second })
            {
                if (leg.BridgeId.Length > 0) LeaveBridge(leg);
                _bridges[bridge.Id] = bridge;
                EmitLocked(bridge.Enter(leg), leg.Call, RaisedNow(leg, "BridgeEnter"));
            }
            return 0;
        }
    }

    /// <summary>A waiting queue caller and an answered originated agent (either order): the queue flows bridge
    /// them with the captured events. Under the emission lock.</summary>
    private static bool QueueBridge(Leg first, Leg second, Action acknowledge) =>
        (first.Call?.Flow, second.Call?.Flow) switch
        {
            (Queue.QueueCaller c, Queue.AgentOriginate a) => c.TryBridge(a, acknowledge),
            (Queue.AgentOriginate a, Queue.QueueCaller c) => c.TryBridge(a, acknowledge),
            _ => false,
        };

    /// <summary>A bridged channel is hanging up (its Hangup is about to go out): the bridge empties and goes.</summary>
    private void LeaveActionBridge(IReadOnlyList<KeyValuePair<string, string>> hangup)
    {
        if (hangup.Get("Uniqueid") is { } uid && _channels.ByUniqueid(uid) is { BridgeId.Length: > 0 } leg)
            LeaveBridge(leg);
    }

    private void LeaveBridge(Leg leg)
    {
        if (!_bridges.TryGetValue(leg.BridgeId, out var bridge))
        {
            // A scripted bridge: the script says itself when the channel leaves it.
            return;
        }
        _bridges.Remove(bridge.Id);
        var leaving = new List<Leg> { leg };
        leaving.AddRange(bridge.Members.Where(m => m != leg));
        foreach (var l in leaving) EmitLocked(bridge.Leave(l), l.Call, RaisedNow(l, "BridgeLeave"));
        EmitLocked(bridge.Destroy(), leg.Call, RaisedNow(leg, "BridgeDestroy"));
    }
}
