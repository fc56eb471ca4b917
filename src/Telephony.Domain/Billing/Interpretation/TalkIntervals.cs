namespace Telephony.Domain.Billing.Interpretation;

/// <summary>A period during which two parties were connected, before its causes are known (see
/// <see cref="TalkIntervals"/>). Ordinals index <see cref="SegmentTimeline.Events"/>.</summary>
internal sealed class TalkInterval(ChannelLeg a, ChannelLeg b, int openOrdinal)
{
    public ChannelLeg A { get; private set; } = a;
    public ChannelLeg B { get; private set; } = b;

    /// <summary>The event that connected them (the last BRIDGE_ENTER of the path).</summary>
    public int OpenOrdinal { get; } = openOrdinal;

    /// <summary>The event that separated them; null when they were still connected at the last event.</summary>
    public int? CloseOrdinal { get; set; }

    /// <summary>Every channel that was on the path between them at some point: the two parties and the Local halves
    /// they talked through (a transfer may name one of those).</summary>
    public HashSet<ChannelLeg> Via { get; } = [a, b];

    /// <summary>The channels on the path when they were connected: what decides how the conversation began (a later
    /// optimisation may bring in a channel that some other Dial() created).</summary>
    public IReadOnlySet<ChannelLeg> OpeningPath { get; init; } = new HashSet<ChannelLeg>();

    public bool Involves(ChannelLeg? leg) => leg is not null && Via.Contains(leg);

    public bool HasParty(ChannelLeg leg) => ReferenceEquals(A, leg) || ReferenceEquals(B, leg);

    /// <summary>The Local half <paramref name="stale"/> was optimised away and <paramref name="successor"/> took its
    /// place: the same conversation, with the party named right (party A stays the one that appeared first).</summary>
    public void Replace(ChannelLeg stale, ChannelLeg successor)
    {
        var other = ReferenceEquals(A, stale) ? B : A;
        (A, B) = other.FirstOrdinal <= successor.FirstOrdinal ? (other, successor) : (successor, other);
        Via.Add(successor);
    }
}

/// <summary>
/// Who was connected to whom, event by event: replays the bridge stays of <see cref="SegmentTimeline"/> and, after
/// every change, takes the pairs of parties that can hear each other.
/// <list type="bullet">
/// <item>Channels in one bridge are connected; holding bridges (parking lots) connect nobody.</item>
/// <item>Local channels are looked through: a Local half whose twin is bridged at some time in the call is a pipe, not
/// a party — while both halves are bridged, what is on one side is connected to what is on the other. A Local half
/// whose twin is never bridged is the end of the path and a party itself (the originated <c>;1</c> that stands for the
/// caller's phone, the <c>;2</c> running <c>Answer()</c> for an agent): that is what Asterisk's Cdr names as the
/// channel, too. Deciding over the whole call, not the moment, keeps a half-built path (the far half still ringing)
/// from looking like a conversation with the Local channel.</item>
/// <item>Every two parties of one connected group form a pair (two in a plain call; each pair in a conference).</item>
/// </list>
/// A pair separated and connected again with only bridge plumbing in between (<see cref="TimelineEvent.IsPlumbing"/>:
/// BRIDGE_EXIT/ENTER, LOCAL_OPTIMIZE_BEGIN/LOCAL_OPTIMIZE — Asterisk moving a channel from one bridge to another while
/// a Local pair optimises away) stays one interval: nobody did anything, the conversation went on. So does one whose
/// Local half was optimised away and replaced by the channel it stood for (see <see cref="Resumed"/>).
/// </summary>
internal static class TalkIntervals
{
    public static List<TalkInterval> Of(CallBuilder call)
    {
        var timeline = call.SegmentTimeline;
        var talkStays = timeline.Stays.Where(s => !s.IsHolding).ToList();
        var everBridged = talkStays.Select(s => s.Leg).ToHashSet();
        var lookedThrough = everBridged.Where(l => Twin(call, l) is { } twin && everBridged.Contains(twin)).ToHashSet();

        var changes = new List<(BridgeStay Stay, bool Enters)>?[timeline.Events.Count];
        foreach (var stay in talkStays)
        {
            (changes[stay.EnterOrdinal] ??= []).Add((stay, true));
            if (stay.ExitOrdinal is { } exit) (changes[exit] ??= []).Add((stay, false));
        }

        var members = new Dictionary<string, List<ChannelLeg>>(StringComparer.Ordinal);
        var open = new Dictionary<(ChannelLeg, ChannelLeg), TalkInterval>();
        var lastClosed = new Dictionary<(ChannelLeg, ChannelLeg), TalkInterval>();
        var intervals = new List<TalkInterval>();
        var lastNonPlumbing = -1;
        for (var ordinal = 0; ordinal < timeline.Events.Count; ordinal++)
        {
            if (changes[ordinal] is { } moves)
            {
                foreach (var (stay, enters) in moves.OrderBy(m => m.Enters))
                {
                    if (!members.TryGetValue(stay.BridgeId, out var inBridge)) members[stay.BridgeId] = inBridge = [];
                    if (enters) inBridge.Add(stay.Leg);
                    else inBridge.Remove(stay.Leg);
                }
                var now = Pairs(call, members, lookedThrough);
                foreach (var (key, interval) in open.ToList())
                {
                    if (now.ContainsKey(key)) continue;
                    interval.CloseOrdinal = ordinal;
                    open.Remove(key);
                    lastClosed[key] = interval;
                }
                foreach (var (key, group) in now)
                {
                    if (!open.TryGetValue(key, out var interval))
                    {
                        interval = Resumed(call, lastClosed, key, ordinal, lastNonPlumbing);
                        if (interval is null)
                        {
                            interval = new TalkInterval(key.Item1, key.Item2, ordinal) { OpeningPath = group };
                            intervals.Add(interval);
                        }
                        open[key] = interval;
                    }
                    interval.Via.UnionWith(group);
                }
            }
            if (!timeline.Events[ordinal].IsPlumbing) lastNonPlumbing = ordinal;
        }
        return intervals;
    }

    /// <summary>
    /// The interval that the newly connected pair <paramref name="key"/> continues, if any: one closed since the last
    /// event that was not bridge plumbing (nobody did anything in between), and either
    /// <list type="bullet">
    /// <item>of the same pair — a channel moved from one bridge to another (a Local pair's far channel swapped in for
    /// it, bridges merged); or</item>
    /// <item>sharing one party, whose other party was a Local half that a LOCAL_OPTIMIZE_BEGIN / LOCAL_OPTIMIZE in
    /// this run of plumbing names. Its twin was under another LinkedID (else it would have been looked through), so
    /// this call could only name the Local half; the optimisation swaps in exactly the channel that was talking
    /// through the pair. Same two real parties, same conversation: the interval goes on with the party renamed rather
    /// than ending and a new one beginning — that would cut one conversation into a stub of a few milliseconds with a
    /// Local channel, which is no one, and the rest.</item>
    /// </list>
    /// </summary>
    private static TalkInterval? Resumed(CallBuilder call, Dictionary<(ChannelLeg, ChannelLeg), TalkInterval> lastClosed,
        (ChannelLeg A, ChannelLeg B) key, int ordinal, int lastNonPlumbing)
    {
        if (lastClosed.Remove(key, out var same))
        {
            if (same.CloseOrdinal >= lastNonPlumbing)
            {
                same.CloseOrdinal = null;
                return same;
            }
        }
        var events = call.SegmentTimeline.Events;
        foreach (var (closedKey, closed) in lastClosed)
        {
            if (closed.CloseOrdinal < lastNonPlumbing) continue;
            var kept = closed.HasParty(key.A) ? key.A : closed.HasParty(key.B) ? key.B : null;
            if (kept is null) continue;
            var stale = ReferenceEquals(closed.A, kept) ? closed.B : closed.A;
            var successor = ReferenceEquals(key.A, kept) ? key.B : key.A;
            if (ReferenceEquals(stale, successor) || ChannelName.LocalHalf(stale.Name) == 0) continue;

            var first = closed.CloseOrdinal!.Value;
            while (first > 0 && events[first - 1].IsPlumbing) first--;
            var last = ordinal;
            while (last + 1 < events.Count && events[last + 1].IsPlumbing) last++;
            var optimised = call.SegmentTimeline.Optimizations.Any(o => o.Ordinal >= first && o.Ordinal <= last &&
                (ReferenceEquals(o.One.Find(call), stale) || ReferenceEquals(o.Two?.Find(call), stale)));
            if (!optimised) continue;

            lastClosed.Remove(closedKey);
            closed.CloseOrdinal = null;
            closed.Replace(stale, successor);
            return closed;
        }
        return null;
    }

    /// <summary>The pairs of parties connected now, each with the channels of its group (party A first: the leg that
    /// appeared first in the call).</summary>
    private static Dictionary<(ChannelLeg, ChannelLeg), HashSet<ChannelLeg>> Pairs(CallBuilder call,
        Dictionary<string, List<ChannelLeg>> members, HashSet<ChannelLeg> lookedThrough)
    {
        var root = new Dictionary<ChannelLeg, ChannelLeg>();
        foreach (var inBridge in members.Values)
            foreach (var leg in inBridge)
            {
                root.TryAdd(leg, leg);
                Union(root, inBridge[0], leg);
            }
        foreach (var leg in root.Keys.ToList())
            if (lookedThrough.Contains(leg) && Twin(call, leg) is { } twin && root.ContainsKey(twin))
                Union(root, leg, twin);

        var pairs = new Dictionary<(ChannelLeg, ChannelLeg), HashSet<ChannelLeg>>();
        foreach (var group in root.Keys.GroupBy(l => Find(root, l)))
        {
            var parties = group.Where(l => !lookedThrough.Contains(l)).OrderBy(l => l.FirstOrdinal).ToList();
            if (parties.Count < 2) continue;
            var legs = group.ToHashSet();
            for (var i = 0; i < parties.Count; i++)
                for (var j = i + 1; j < parties.Count; j++)
                    pairs[(parties[i], parties[j])] = legs;
        }
        return pairs;
    }

    private static ChannelLeg? Twin(CallBuilder call, ChannelLeg leg) =>
        ChannelName.LocalTwin(leg.Name) is { } name ? call.FindByName(name) : null;

    private static ChannelLeg Find(Dictionary<ChannelLeg, ChannelLeg> root, ChannelLeg leg)
    {
        while (!ReferenceEquals(root[leg], leg)) leg = root[leg] = root[root[leg]];
        return leg;
    }

    private static void Union(Dictionary<ChannelLeg, ChannelLeg> root, ChannelLeg a, ChannelLeg b)
    {
        var ra = Find(root, a);
        var rb = Find(root, b);
        if (!ReferenceEquals(ra, rb)) root[rb] = ra;
    }
}
