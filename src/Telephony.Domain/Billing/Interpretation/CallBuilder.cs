using Telephony.Domain.Cel;

namespace Telephony.Domain.Billing.Interpretation;

/// <summary>
/// The mutable state the interpreters fill in while they read the CEL of one LinkedID, in order; turned into a
/// <see cref="BillingRecord"/> by <see cref="BillingRules"/> at the end. Generic bookkeeping that every event needs
/// (which channel, its name, caller id, application) is done by <see cref="Observe"/> before the interpreters run.
/// </summary>
public sealed class CallBuilder(string linkedId, bool managerTimestamps = false)
{
    private readonly List<ChannelLeg> _legs = [];
    private readonly Dictionary<string, ChannelLeg> _byUniqueId = new(StringComparer.Ordinal);

    public string LinkedId { get; } = linkedId;

    /// <summary>True when every event of the call carries a manager <c>Timestamp</c> consistent with its EventTime:
    /// then <see cref="TimeOf"/> gives microsecond instants and seconds come out as Asterisk's own.</summary>
    public bool ManagerTimestamps { get; } = managerTimestamps;

    /// <summary>The instant of an event as the interpreters record it: its manager Timestamp when the call has them
    /// (<see cref="ManagerTimestamps"/>), else its whole-second EventTime. Never a mix within one call: a duration from
    /// one precise and one whole-second end could be off either way.</summary>
    public DateTimeOffset TimeOf(CelEvent cel) => ManagerTimestamps ? cel.Timestamp!.Value : cel.EventTime.Utc;

    /// <summary>Asterisk's own Cdr records of the call's channels, when known: the whole-second fallback takes exact
    /// seconds from them (see <see cref="BillingRules"/>).</summary>
    public IReadOnlyList<Cdr.CdrRecord> Cdrs { get; init; } = [];

    /// <summary>Ordinal of the event being interpreted (0-based, in interpretation order).</summary>
    public int Ordinal { get; private set; } = -1;

    public IReadOnlyList<ChannelLeg> Legs => _legs;

    /// <summary>Who was in a bridge with whom, in order.</summary>
    public List<BridgeConnection> Connections { get; } = [];

    /// <summary>Channels in each bridge right now.</summary>
    public Dictionary<string, List<ChannelLeg>> BridgeMembers { get; } = new(StringComparer.Ordinal);

    public List<(TransferInfo Transfer, int Ordinal)> Transfers { get; } = [];
    public ParkInfo? Park { get; set; }
    public PickupInfo? Pickup { get; set; }
    public List<LocalOptimizationInfo> LocalOptimizations { get; } = [];
    public List<ForwardInfo> Forwards { get; } = [];
    public List<UserEventInfo> UserEvents { get; } = [];

    /// <summary>What call segments are made of, kept by <see cref="SegmentInterpreter"/>.</summary>
    public SegmentTimeline SegmentTimeline { get; } = new();
    public DateTimeOffset? LinkedIdEndedAt { get; set; }
    public DateTimeOffset? FirstEventAt { get; private set; }
    public DateTimeOffset? LastEventAt { get; private set; }
    public List<string> Notes { get; } = [];

    public ChannelLeg? FindByUniqueId(string uniqueId) => _byUniqueId.GetValueOrDefault(uniqueId);

    /// <summary>The most recent leg with that channel name (names are unique at any instant, not over a call's
    /// lifetime after masquerades).</summary>
    public ChannelLeg? FindByName(string? name)
    {
        if (string.IsNullOrEmpty(name)) return null;
        for (var i = _legs.Count - 1; i >= 0; i--)
            if (string.Equals(_legs[i].Name, name, StringComparison.Ordinal)) return _legs[i];
        return null;
    }

    /// <summary>The leg of <paramref name="cel"/> (created on first sight) after recording what every event says about
    /// its channel. Returns the leg for handlers' convenience.</summary>
    public ChannelLeg Observe(CelEvent cel)
    {
        Ordinal++;
        var at = TimeOf(cel);
        FirstEventAt ??= at;
        LastEventAt = LastEventAt is { } last && last > at ? last : at;

        if (!_byUniqueId.TryGetValue(cel.UniqueId, out var leg))
        {
            leg = new ChannelLeg(cel.UniqueId, Ordinal) { FirstEventAt = at };
            _byUniqueId.Add(cel.UniqueId, leg);
            _legs.Add(leg);
        }
        leg.LastEventAt = at;
        if (cel.Channel.Length > 0) leg.Name = cel.Channel;
        if (leg.CallerIdNum.Length == 0 && cel.CallerIdNum.Length > 0) leg.CallerIdNum = cel.CallerIdNum;
        if (leg.CallerIdName.Length == 0 && cel.CallerIdName.Length > 0) leg.CallerIdName = cel.CallerIdName;
        if (leg.AccountCode.Length == 0 && cel.AccountCode.Length > 0) leg.AccountCode = cel.AccountCode;
        if (leg.PeerAccount.Length == 0 && cel.PeerAccount.Length > 0) leg.PeerAccount = cel.PeerAccount;
        if (cel.Exten.Length > 0 && (leg.Extens.Count == 0 || leg.Extens[^1] != cel.Exten)) leg.Extens.Add(cel.Exten);
        if (cel.Application.Length > 0) leg.Applications.Add(cel.Application);
        if (cel.Extra.IsMalformed) Note($"{cel.EventName} on {cel.Channel} at {cel.EventTime.Text}: Extra is not valid JSON, kept raw");
        return leg;
    }

    public void Note(string note) => Notes.Add(note);
}
