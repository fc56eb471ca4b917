namespace Telephony.Simulator.Model;

/// <summary>
/// A basic bridge made by an AMI <c>Bridge</c> action, and the events of its life with the header layouts of
/// vq-local-originate-bridge.a.ami: BridgeCreate, a BridgeEnter per channel, then when one of them hangs up a
/// BridgeLeave for it and for the other (a two-party basic bridge does not outlive one party) and BridgeDestroy.
/// </summary>
internal sealed class ActionBridge(string id)
{
    public string Id { get; } = id;
    public List<Leg> Members { get; } = [];

    public List<KeyValuePair<string, string>> Create() => Bridge("BridgeCreate", 0);

    public List<KeyValuePair<string, string>> Enter(Leg leg)
    {
        Members.Add(leg);
        var headers = Bridge("BridgeEnter", Members.Count);
        headers.AddRange(leg.Snapshot());
        return headers;
    }

    public List<KeyValuePair<string, string>> Leave(Leg leg)
    {
        Members.Remove(leg);
        var headers = Bridge("BridgeLeave", Members.Count);
        headers.AddRange(leg.Snapshot());
        return headers;
    }

    public List<KeyValuePair<string, string>> Destroy() => Bridge("BridgeDestroy", Members.Count);

    private List<KeyValuePair<string, string>> Bridge(string eventName, int channels) =>
    [
        new("Event", eventName), new("Privilege", "call,all"), new("BridgeUniqueid", Id), new("BridgeType", "basic"),
        new("BridgeTechnology", "simple_bridge"), new("BridgeCreator", "<unknown>"), new("BridgeName", "<unknown>"),
        new("BridgeNumChannels", channels.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        new("BridgeVideoSourceMode", "none"),
    ];
}
