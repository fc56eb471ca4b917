using Telephony.Domain.Time;

namespace Telephony.Domain.Billing.Interpretation;

/// <summary>
/// Turns what <see cref="SegmentInterpreter"/> recorded into the call's <see cref="CallSegment"/>s — who talked to
/// whom, from when to when. The rules, in full:
/// <para><b>Who was connected</b> (<see cref="TalkIntervals"/>).</para>
/// <list type="number">
/// <item>Channels in one bridge are connected, from the BRIDGE_ENTER that brought them together to the first
/// BRIDGE_EXIT (or HANGUP) that parted them. Holding bridges (a parking lot) connect nobody.</item>
/// <item>Local channels are looked through: a Local half whose twin is bridged at some time in the call is a pipe
/// between what each half is bridged with (caller — <c>Local/x;1</c> … <c>Local/x;2</c> — agent is caller with agent).
/// A Local half whose twin is never bridged is the end of the path and is itself the party (as in Asterisk's Cdr).
/// Channels that only rang — Dial() legs not answered, queue members that never took the call — are never bridged and
/// are in no segment (Asterisk writes a Cdr for each of them).</item>
/// <item>A pair separated and reconnected with nothing but bridge moves in between (LOCAL_OPTIMIZE swapping the far
/// channel in for the Local pair, bridges merged) is one segment: the Local pair optimising away neither splits nor
/// doubles a conversation between the same two parties. When the party the call's CEL can name changes at an
/// optimisation — the Local pair's far half lived under another LinkedID (an originated agent brought in with AMI
/// <c>Bridge</c>), so until then the Local half was the party — the segment goes on with the channel that took the
/// Local half's place as the party: the optimisation swaps in exactly the channel that was talking through the pair,
/// so these are the same two parties, and a new segment would cut one conversation into a stub with a Local channel
/// and the rest.</item>
/// <item>Party A is whichever of the two appeared in the call's CEL first: the caller, the transferee, the parked
/// caller; party B the one rung, transferred to, or retrieving.</item>
/// </list>
/// <para><b>How it began</b> (<see cref="SegmentCauses"/>; "after" an event means from a second before it on, as
/// Asterisk does the bridge moves around the event, see <see cref="SegmentCauses.Slack"/>), first that applies: Park
/// (the parked channel's first segment after PARK_END: retrieved, or called back); Pickup (the picking-up channel's
/// first segment after PICKUP); Transfer (the transferee's first segment after BLINDTRANSFER/ATTENDEDTRANSFER without
/// the transferer); Queue (a queue member leg on party B's side of the path); Dial (a Dial() leg there); else
/// Bridge.</para>
/// <para><b>How it ended</b>, first that applies: Park (the parked channel's segment that ended within a second of its
/// PARK_START); Transfer (the transferer's last segment with the transferee, and with an attended transfer's target,
/// ended by the transfer, if that party began no other conversation in between); Hangup (the channel whose leaving
/// parted them hung up next); Redirect (it went on: in the dialplan — AMI Redirect, a goto — or under another
/// LinkedID); Unfinished (still bridged at the call's last event, which is then the End).</para>
/// <para><b>Times</b>: Answer = the event that connected them; End = the event that parted them; Start = the later of
/// party B's CHAN_START (else its first CEL under this LinkedID: a retriever or an originated agent joins from its own
/// LinkedID), the instant of the transfer / retrieval / pickup that began the segment, and the End of party B's
/// previous segment — never after Answer. Instants are the call's (<see cref="CallBuilder.TimeOf"/>);
/// billsec = Answer→End and duration = Start→End in whole seconds, truncated (<see cref="AsteriskDurations"/>).
/// Segments are numbered from 1 in order of Answer.</para>
/// <para><b>Two LinkedIDs.</b> A park retriever or a pickup channel starts under its own LinkedID and switches to the
/// call it joins when bridged: its talk is a segment of that call; its own LinkedID has no segment (it talked to
/// nobody there).</para>
/// </summary>
public static class SegmentRules
{
    public static IReadOnlyList<CallSegment> Build(CallBuilder call)
    {
        ArgumentNullException.ThrowIfNull(call);
        var intervals = TalkIntervals.Of(call);
        if (intervals.Count == 0) return [];

        var events = call.SegmentTimeline.Events;
        var causes = new SegmentCauses(call, intervals);
        var ordered = intervals.OrderBy(i => events[i.OpenOrdinal].At).ThenBy(i => i.OpenOrdinal).ToList();
        var segments = new List<CallSegment>(ordered.Count);
        foreach (var interval in ordered)
        {
            var answer = events[interval.OpenOrdinal].At;
            var end = interval.CloseOrdinal is { } close ? events[close].At : call.LastEventAt ?? answer;
            if (end < answer) end = answer;
            var (beganBy, causeAt) = causes.BeganBy(interval);

            var start = interval.B.StartedAt ?? interval.B.FirstEventAt;
            if (causeAt is { } at && at > start) start = at;
            foreach (var earlier in segments)
                if ((earlier.PartyA.UniqueId == interval.B.UniqueId || earlier.PartyB.UniqueId == interval.B.UniqueId) &&
                    earlier.End <= answer && earlier.End > start)
                    start = earlier.End;
            if (start > answer) start = answer;

            segments.Add(new CallSegment
            {
                Number = segments.Count + 1,
                PartyA = Party(interval.A),
                PartyB = Party(interval.B),
                Start = start,
                Answer = answer,
                End = end,
                BillableSeconds = AsteriskDurations.WholeSecondsBetween(answer, end),
                DurationSeconds = AsteriskDurations.WholeSecondsBetween(start, end),
                BeganBy = beganBy,
                EndedBy = causes.EndedBy(interval),
            });
        }
        return ExactSeconds(call, segments);
    }

    /// <summary>Seconds as exact as the call allows: with manager Timestamps they already are; without, a segment
    /// takes its billsec from Asterisk's Cdr of the same two channels whose answer and end are the segment's to the
    /// second (the same instants: Asterisk's figure for the same talk), and its duration too when that Cdr also starts
    /// with the segment. A Cdr whose figures are not the segment's whole-second ones or one less is not the same span.</summary>
    public static IReadOnlyList<CallSegment> ExactSeconds(CallBuilder call, List<CallSegment> segments)
    {
        if (call.ManagerTimestamps)
        {
            for (var i = 0; i < segments.Count; i++) segments[i] = segments[i] with { Precision = SecondsPrecision.ManagerTimestamp };
            return segments;
        }
        for (var i = 0; i < segments.Count; i++)
        {
            var s = segments[i];
            foreach (var cdr in call.Cdrs)
            {
                var samePair = (cdr.Channel == s.PartyA.Channel && cdr.DestinationChannel == s.PartyB.Channel) ||
                               (cdr.Channel == s.PartyB.Channel && cdr.DestinationChannel == s.PartyA.Channel);
                if (!samePair || cdr.AnswerTime?.Utc != s.Answer || cdr.EndTime.Utc != s.End ||
                    !AsteriskDurations.CouldBeAsterisksFigure(cdr.BillableSeconds, s.BillableSeconds))
                    continue;
                var duration = cdr.StartTime.Utc == s.Start && AsteriskDurations.CouldBeAsterisksFigure(cdr.Duration, s.DurationSeconds)
                    ? cdr.Duration
                    : s.DurationSeconds;
                segments[i] = s with { BillableSeconds = cdr.BillableSeconds, DurationSeconds = duration, Precision = SecondsPrecision.AsteriskCdr };
                break;
            }
        }
        return segments;
    }

    private static SegmentParty Party(ChannelLeg leg) => new(leg.Name, leg.UniqueId, leg.CallerIdNum);
}
