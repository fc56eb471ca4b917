using Telephony.Domain.Cel;

namespace Telephony.Domain.Billing.Interpretation;

/// <summary>
/// How each talk interval began and ended (the vocabulary is <see cref="SegmentCause"/>; the rules are written out on
/// <see cref="SegmentRules"/>). Parks, pickups and transfers claim the intervals they began or ended, in that order of
/// precedence; the rest began by Queue, Dial or Bridge (who was rung) and ended by Hangup or Redirect
/// (what the channel that left did next).
/// <para>
/// Asterisk does not report a transfer, park or pickup at a fixed place among the bridge moves it causes (the feature
/// attended transfer merges the bridges, then publishes ATTENDEDTRANSFER; a park pulls the caller out of the bridge
/// around PARK_START), and other events can fall in between (music on hold stopping, the transferer hanging up). The
/// moves are done within milliseconds of the event, so an event is related to the segment boundaries within
/// <see cref="Slack"/> of it — a second, which also covers whole-second EventTimes either side of a second boundary.
/// </para>
/// </summary>
internal sealed class SegmentCauses
{
    private readonly CallBuilder _call;
    private readonly IReadOnlyList<TimelineEvent> _events;
    private readonly List<TalkInterval> _intervals;
    private readonly Dictionary<TalkInterval, (SegmentCause Cause, DateTimeOffset? At)> _began = [];
    private readonly Dictionary<TalkInterval, SegmentCause> _ended = [];

    public SegmentCauses(CallBuilder call, List<TalkInterval> intervals)
    {
        _call = call;
        _events = call.SegmentTimeline.Events;
        _intervals = intervals.OrderBy(i => i.OpenOrdinal).ToList();
        ClaimParks();
        ClaimPickups();
        ClaimTransfers();
    }

    /// <summary>How the interval began, and the instant of the event that began it when it was not a dial.</summary>
    public (SegmentCause Cause, DateTimeOffset? At) BeganBy(TalkInterval interval)
    {
        if (_began.TryGetValue(interval, out var claimed)) return claimed;
        var path = interval.OpeningPath.Where(l => !ReferenceEquals(l, interval.A)).ToList();
        if (path.Any(l => l.IsQueueMemberLeg)) return (SegmentCause.Queue, null);
        if (path.Any(l => l.IsDialedLeg)) return (SegmentCause.Dial, null);
        return (SegmentCause.Bridge, null);
    }

    public SegmentCause EndedBy(TalkInterval interval)
    {
        if (_ended.TryGetValue(interval, out var claimed)) return claimed;
        if (interval.CloseOrdinal is not { } close) return SegmentCause.Unfinished;
        // The channel whose leaving separated them: did it hang up, or go on in the dialplan?
        var leaver = _events[close].Leg;
        for (var i = close; i < _events.Count; i++)
        {
            var e = _events[i];
            if (!ReferenceEquals(e.Leg, leaver) || e.Type == CelEventType.BridgeExit) continue;
            return e.Type is CelEventType.Hangup or CelEventType.ChanEnd ? SegmentCause.Hangup : SegmentCause.Redirect;
        }
        return SegmentCause.Redirect; // no later event here: it went on under another LinkedID
    }

    /// <summary>PARK_START ends the parked channel's interval that closed within <see cref="Slack"/> of it; PARK_END
    /// begins the parked channel's first interval from then on.</summary>
    private void ClaimParks()
    {
        foreach (var park in _call.SegmentTimeline.Parks)
        {
            var parked = park.Parked.Find(_call);
            if (!park.IsEnd)
            {
                foreach (var i in _intervals.Where(i => i.CloseOrdinal is { } c && Near(_events[c].At, park.At) && i.Involves(parked)))
                    _ended.TryAdd(i, SegmentCause.Park);
            }
            else if (FirstOpenedFrom(park.At, i => i.Involves(parked)) is { } retrieved)
            {
                _began.TryAdd(retrieved, (SegmentCause.Park, park.At));
            }
        }
    }

    /// <summary>PICKUP begins the picking-up channel's first interval from then on.</summary>
    private void ClaimPickups()
    {
        foreach (var pickup in _call.SegmentTimeline.Pickups)
        {
            var by = pickup.PickedUpBy.Find(_call);
            if (FirstOpenedFrom(pickup.At, i => i.Involves(by)) is { } picked)
                _began.TryAdd(picked, (SegmentCause.Pickup, pickup.At));
        }
    }

    /// <summary>
    /// A transfer ends the transferer's last interval with the transferee, and (attended) its last interval with the
    /// target, that closed by the transfer — unless the transferee (target) began another conversation in between,
    /// which would make that one not the conversation transferred. An attended transfer's first part (the transferer
    /// leaving the transferee to consult) happens long before ATTENDEDTRANSFER, hence "last interval" rather than one
    /// next to the event. It begins the transferee's (when Asterisk does not name one, the target's) first interval
    /// from then on that does not involve the transferer.
    /// </summary>
    private void ClaimTransfers()
    {
        foreach (var transfer in _call.SegmentTimeline.Transfers)
        {
            var transferers = transfer.Transferers.Select(t => t.Find(_call)).OfType<ChannelLeg>().ToList();
            var transferee = transfer.Transferee?.Find(_call);
            var target = transfer.Target?.Find(_call);

            foreach (var party in new[] { transferee, target }.OfType<ChannelLeg>())
            {
                var last = _intervals
                    .Where(i => i.CloseOrdinal is { } c && _events[c].At <= transfer.At + Slack && i.Involves(party) &&
                                transferers.Any(i.Involves))
                    .MaxBy(i => i.CloseOrdinal);
                if (last is null) continue;
                if (!_intervals.Any(i => i.OpenOrdinal > last.CloseOrdinal && _events[i.OpenOrdinal].At < transfer.At - Slack &&
                                         i.Involves(party)))
                    _ended.TryAdd(last, SegmentCause.Transfer);
            }

            var subject = transferee ?? target;
            if (subject is not null &&
                FirstOpenedFrom(transfer.At, i => i.Involves(subject) && !transferers.Any(i.Involves)) is { } landed)
                _began.TryAdd(landed, (SegmentCause.Transfer, transfer.At));
        }
    }

    /// <summary>How far from a transfer, park or pickup event the bridge moves it caused can lie (see the class
    /// summary).</summary>
    public static readonly TimeSpan Slack = TimeSpan.FromSeconds(1);

    private static bool Near(DateTimeOffset a, DateTimeOffset b) => (a - b).Duration() <= Slack;

    /// <summary>The first interval (in event order) that opened no earlier than <see cref="Slack"/> before
    /// <paramref name="at"/> and matches.</summary>
    private TalkInterval? FirstOpenedFrom(DateTimeOffset at, Func<TalkInterval, bool> match) =>
        _intervals.FirstOrDefault(i => _events[i.OpenOrdinal].At >= at - Slack && match(i));
}
