namespace Telephony.Simulator.Model;

/// <summary>
/// The node's live channels, kept up to date from the events the node emits (so whatever a script says, listings
/// such as CoreShowChannels and Status agree with the event stream). Not thread-safe: the node calls it under its
/// emission lock.
/// </summary>
public sealed class ChannelRegistry
{
    private readonly Dictionary<string, Leg> _byUniqueid = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Leg> _byName = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<Leg> _order = [];

    public int Count => _order.Count;

    /// <summary>Channels created since the node (re)started: CoreStatus <c>CoreProcessedCalls</c>.</summary>
    public long Processed { get; private set; }

    public IReadOnlyList<Leg> Live => _order.ToArray();

    public Leg? ByName(string channel) => _byName.GetValueOrDefault(channel);
    public Leg? ByUniqueid(string uniqueid) => _byUniqueid.GetValueOrDefault(uniqueid);

    internal void Observe(IReadOnlyList<KeyValuePair<string, string>> e, Calls.CallRun? call, DateTimeOffset wallNow)
    {
        var name = e.Get("Event");
        switch (name)
        {
            case "Newchannel":
            {
                var channel = e.Get("Channel");
                var uid = e.Get("Uniqueid");
                if (channel is null || uid is null) return;
                var leg = new Leg(channel, uid, e.Get("Linkedid") ?? uid, wallNow) { Call = call };
                Update(leg, e);
                _byUniqueid[uid] = leg;
                _byName[channel] = leg;
                _order.Add(leg);
                Processed++;
                return;
            }
            case "Hangup":
            {
                if (e.Get("Uniqueid") is { } uid && _byUniqueid.Remove(uid, out var leg))
                {
                    _byName.Remove(leg.Channel);
                    _order.Remove(leg);
                }
                return;
            }
            case "CEL":
                if (e.Get("EventName") == "ANSWER" && e.Get("UniqueID") is { } u && ByUniqueid(u) is { } answered)
                    answered.Answered = true;
                return;
            case "Cdr":
                return;
        }

        // Every other event with a channel block refreshes the snapshot of that channel.
        if (e.Get("Uniqueid") is { } id && e.Has("ChannelState") && ByUniqueid(id) is { } l)
        {
            Update(l, e);
            switch (name)
            {
                case "Newexten":
                    l.Application = e.Get("Application") ?? "";
                    l.AppData = e.Get("AppData") ?? "";
                    break;
                case "BridgeEnter": l.BridgeId = e.Get("BridgeUniqueid") ?? ""; break;
                case "BridgeLeave": l.BridgeId = ""; break;
                case "VarSet":
                    if (e.Get("Variable") is { Length: > 0 } variable) l.Variables[variable] = e.Get("Value") ?? "";
                    break;
            }
        }
    }

    internal void Clear()
    {
        _byUniqueid.Clear();
        _byName.Clear();
        _order.Clear();
        Processed = 0;
    }

    private static void Update(Leg leg, IReadOnlyList<KeyValuePair<string, string>> e)
    {
        if (e.Get("ChannelState") is { } s) leg.State = s;
        if (e.Get("ChannelStateDesc") is { } sd) leg.StateDesc = sd;
        if (leg.State == "6") leg.Answered = true;
        if (e.Get("CallerIDNum") is { } cn) leg.CallerIdNum = cn;
        if (e.Get("CallerIDName") is { } cna) leg.CallerIdName = cna;
        if (e.Get("ConnectedLineNum") is { } ln) leg.ConnectedLineNum = ln;
        if (e.Get("ConnectedLineName") is { } lna) leg.ConnectedLineName = lna;
        if (e.Get("Language") is { } lang) leg.Language = lang;
        if (e.Get("AccountCode") is { } ac) leg.AccountCode = ac;
        if (e.Get("Context") is { } ctx) leg.Context = ctx;
        if (e.Get("Exten") is { } ex) leg.Exten = ex;
        if (e.Get("Priority") is { } p) leg.Priority = p;
    }
}
