using Telephony.Actors.Calls;
using Telephony.Ami.Protocol;
using Telephony.Domain.Cdr;
using Telephony.Domain.Cel;
using Telephony.Domain.Identity;

namespace Telephony.Actors.Nodes;

/// <summary>An event waiting in a call's outbox: a Cdr already identified, or a CEL as received. A CEL is decoded and
/// identified when it leaves (<see cref="NodeEventRouter.Identify"/>): read-ahead holds up to a batch of events per
/// node, and a decoded CEL (~20 strings, 1.6 KB) waiting there was most of the heap the collector had to copy.</summary>
internal readonly record struct HeldEvent(RecordedEvent? Event, AmiMessage? Cel, DateTimeOffset At);

internal enum NodeRouteKind : byte
{
    /// <summary>Nothing the node keeps (another event type, a Newchannel without ids).</summary>
    Ignored,
    /// <summary>A Newchannel: its channel's call was learned, nothing goes to a call.</summary>
    Learned,
    /// <summary>A CEL or Cdr for the call <see cref="NodeRoute.LinkedId"/>.</summary>
    Routed,
    /// <summary>A CEL or Cdr that cannot be understood or routed: <see cref="NodeRoute.Quarantined"/> says why.</summary>
    Quarantined,
}

/// <summary>What became of one AMI event.</summary>
internal readonly record struct NodeRoute(NodeRouteKind Kind, string? LinkedId, HeldEvent Held, EventQuarantined? Quarantined)
{
    public static readonly NodeRoute Ignored = new(NodeRouteKind.Ignored, null, default, null);
    public static readonly NodeRoute Learned = new(NodeRouteKind.Learned, null, default, null);
}

/// <summary>
/// Files one node's AMI events: a CEL or Cdr goes to its call (LinkedID; a Cdr without one by the call of its
/// channel), an event that cannot be understood or routed goes to quarantine with the reason, Newchannel teaches which
/// call a channel belongs to, the rest is counted and ignored. Owns the decoding: the ingest hot path, so headers are
/// decoded into reused scratch arrays and through one value cache, and nothing is allocated per event that the event
/// does not keep.
/// </summary>
internal sealed class NodeEventRouter(string node, TimeZoneInfo timeZone, ChannelLinkedIds channels)
{
    // A call's CEL are decoded together when its delivery leaves: their LinkedID, channels, UniqueIDs, context and
    // account codes repeat, and one string each is kept by the call until it is billed instead of one per event.
    private readonly HeaderValueCache _headerValues = new(1024);

    // Repeated identical events (a DTMF digit twice in a second) numbered per session: a CEL when its delivery leaves
    // (a call's events leave in stream order), a Cdr when routed.
    private readonly RepeatNumbering _repeats = new();
    // Cdr apart: they are numbered without a time of their own (window only), which would hold up the CEL's time bound.
    private readonly RepeatNumbering _cdrRepeats = new();
    private readonly KeyValuePair<string, string>[]?[] _scratch = new KeyValuePair<string, string>[]?[128];
    private readonly Dictionary<string, long> _byType = new(StringComparer.Ordinal);

    public long EventsIn { get; private set; }
    public long Cel { get; private set; }
    public long Cdr { get; private set; }
    public long Quarantined { get; private set; }
    public IReadOnlyDictionary<string, long> EventsByType => _byType;

    public NodeRoute Route(AmiMessage message, DateTimeOffset now)
    {
        EventsIn++;
        var name = message.EventName ?? "(none)";
        _byType[name] = _byType.GetValueOrDefault(name) + 1;
        switch (name)
        {
            case "CEL":
            {
                Cel++;
                // Routing needs only the two ids; the rest is decoded when the event is sent (Identify).
                var (uniqueId, linkedId) = message.GetPair("UniqueID", "LinkedID", _headerValues);
                if (string.IsNullOrWhiteSpace(uniqueId) || string.IsNullOrWhiteSpace(linkedId))
                {
                    // The factory refuses it (no UniqueID or LinkedID) and says which.
                    ParseCel(message, now, out var rejected);
                    return rejected is null ? NodeRoute.Ignored : new NodeRoute(NodeRouteKind.Quarantined, null, default, rejected);
                }
                linkedId = linkedId.Trim();
                channels.Learn(uniqueId.Trim(), linkedId, now);
                return new NodeRoute(NodeRouteKind.Routed, linkedId, new HeldEvent(null, message, now), null);
            }
            case "Cdr":
            {
                Cdr++;
                // Decoded into the scratch array: the Cdr is read for its identity and LinkedID and dropped (the event
                // keeps the message).
                var headers = Decode(message);
                var parsed = CdrRecordFactory.Parse(headers, timeZone);
                if (!parsed.IsValid)
                    return Quarantine(now, $"Cdr rejected: {parsed.Error!.Message}", headers);
                var cdr = parsed.Value!;
                var linkedId = string.IsNullOrEmpty(cdr.LinkedId) ? channels.LinkedIdOf(cdr.UniqueId) : cdr.LinkedId;
                if (string.IsNullOrEmpty(linkedId))
                    return Quarantine(now,
                        $"Cdr for channel {cdr.UniqueId} has no LinkedID and no CEL of that channel was seen " +
                        "(map linkedid in cdr_manager.conf [mappings])", headers);
                var identity = _cdrRepeats.Number(message.Session, EventIdentity.ForCdr(cdr)).Value;
                return new NodeRoute(NodeRouteKind.Routed, linkedId,
                    new HeldEvent(new RecordedEvent(RecordedEventKind.Cdr, identity, now, message), null, now), null);
            }
            case "Newchannel":
            {
                var u = message["Uniqueid"];
                var l = message["Linkedid"];
                if (string.IsNullOrEmpty(u) || string.IsNullOrEmpty(l)) return NodeRoute.Ignored;
                channels.Learn(u, l, now);
                return NodeRoute.Learned;
            }
            case "Hangup":
            {
                if (message["Uniqueid"] is { Length: > 0 } u) channels.Ended(u, now);
                return NodeRoute.Ignored;
            }
        }
        return NodeRoute.Ignored;
    }

    /// <summary>The event a held one leaves as: a Cdr as it was routed, a CEL decoded and numbered now (its call's
    /// events leave in stream order, so repeats are numbered in that order). Null for a CEL the factory refuses, with
    /// <paramref name="quarantined"/> saying why.</summary>
    public RecordedEvent? Identify(in HeldEvent held, out EventQuarantined? quarantined)
    {
        quarantined = null;
        if (held.Event is not null) return held.Event;
        if (ParseCel(held.Cel!, held.At, out quarantined) is not { } cel) return null;
        // The event keeps the message (its bytes), not the decoded headers, and the parsed CEL for billing.
        var identity = _repeats.Number(held.Cel!.Session, EventIdentity.ForCel(cel), cel.EventTime.Utc).Value;
        if (cel.Type == CelEventType.ChanEnd) channels.Ended(cel.UniqueId, held.At); // parsed here anyway
        return new RecordedEvent(RecordedEventKind.Cel, identity, held.At, held.Cel!) { ParsedCel = cel };
    }

    private CelEvent? ParseCel(AmiMessage message, DateTimeOffset at, out EventQuarantined? quarantined)
    {
        // Decoded into the scratch array. The parsed CEL keeps no headers: the event keeps its message until it is
        // journaled, and then its call keeps only the parsed CEL (RecordedEvent.Slim), which must not pin the bytes.
        var headers = Decode(message);
        ShareChannelStrings(headers);
        var parsed = CelEventFactory.Parse(headers, timeZone, keep: []);
        if (parsed.IsValid)
        {
            quarantined = null;
            return parsed.Value!;
        }
        quarantined = Quarantine(now: at, $"CEL rejected: {parsed.Error!.Message}", headers).Quarantined;
        return null;
    }

    /// <summary>Puts the channel map's UniqueID and LinkedID strings in place of the decoded copies: a call keeps its
    /// parsed CEL until billed, and the map keeps these strings for 15 minutes anyway. Header names are the interned
    /// instances (<see cref="HeaderKeys"/>), compared by reference; another spelling is simply not shared.</summary>
    private void ShareChannelStrings(KeyValuePair<string, string>[] headers)
    {
        int u = -1, l = -1;
        for (var i = 0; i < headers.Length && (u < 0 || l < 0); i++)
        {
            if (ReferenceEquals(headers[i].Key, "UniqueID")) u = i;
            else if (ReferenceEquals(headers[i].Key, "LinkedID")) l = i;
        }
        if (u < 0 || !channels.TryGetShared(headers[u].Value, out var uniqueId, out var linkedId)) return;
        headers[u] = new(headers[u].Key, uniqueId);
        if (l >= 0 && string.Equals(headers[l].Value, linkedId, StringComparison.Ordinal)) headers[l] = new(headers[l].Key, linkedId);
    }

    /// <summary>The message's headers decoded into a scratch array of exactly their number (reused by the next message
    /// of that size: only valid until then).</summary>
    private KeyValuePair<string, string>[] Decode(AmiMessage message)
    {
        var count = message.Count;
        var scratch = count < _scratch.Length ? _scratch[count] ??= new KeyValuePair<string, string>[count]
            : new KeyValuePair<string, string>[count];
        message.GetHeaders(_headerValues, scratch);
        return scratch;
    }

    /// <summary>The headers are copied: they are a scratch array that the next message of that size overwrites.</summary>
    private NodeRoute Quarantine(DateTimeOffset now, string reason, KeyValuePair<string, string>[] headers)
    {
        Quarantined++;
        return new NodeRoute(NodeRouteKind.Quarantined, null, default, new EventQuarantined(node, now, reason, headers.ToArray()));
    }
}
