using Telephony.Domain.Billing;
using Telephony.Domain.Billing.Interpretation;
using Telephony.Domain.Cdr;
using Telephony.Domain.Cel;
using Telephony.Domain.Tests.Support;

namespace Telephony.Domain.Tests.Billing;

/// <summary>
/// Given the CEL a real Asterisk 20.20.1 sent for a call, the call segments agree with Asterisk's own Cdr of the same
/// capture where that Cdr is right, and the tests say how it differs where it is not.
/// <para>
/// <b>Which Cdr is right.</b> A Cdr joins party A to party B from its start to its end. When party A was not answered
/// before B (a plain Dial()), its AnswerTime is B's answer, the talk start: it is the segment. When party A was already
/// answered — a caller answered by the dialplan before Queue(), a caller redirected to a second Dial(), a caller on
/// music brought to an agent with AMI Bridge — cdr.c starts the new record answered, so its billsec counts B's ringing
/// or A's wait as talk. Then the right figure is the Cdr of the channel that answered (the agent's or callee's own
/// <c>;2</c>, from its Answer() to its hangup), and the segment agrees with that one.
/// </para>
/// </summary>
public sealed class CaptureSegmentTests
{
    private static readonly CelBillingInterpreter Interpreter = new();

    public static TheoryData<string> CapturesWithTalk => new()
    {
        "dial-answered", "queue-answered", "timestamps/ts-blind-transfer", "timestamps/ts-dtmf-repeated",
        "timestamps/ts-load-80", "two-nodes/vq-local-originate-bridge.a",
    };

    [Theory]
    [MemberData(nameof(CapturesWithTalk))]
    public void Every_segment_joins_the_two_channels_an_answered_asterisk_cdr_joins(string capture)
    {
        var cdrs = Captures.Cdr(capture);
        var segments = Interpreter.InterpretAll(Captures.Cel(capture)).SelectMany(r => r.Segments).ToList();

        Assert.NotEmpty(segments);
        Assert.All(segments, s => Assert.Contains(cdrs, c =>
            c.Channel == s.PartyA.Channel && c.DestinationChannel == s.PartyB.Channel && c.DispositionText == "ANSWERED"));
    }

    /// <summary>Nobody was bridged: no segment. Asterisk agrees that nobody talked — none of its Cdr naming a
    /// destination is ANSWERED — but a caller answered by the dialplan before Queue() gets "NO ANSWER" records with
    /// billable seconds towards agents that only rang (queue-abandoned: 4 and 3 s; queue-hungup-by-ami: 2 and 2 s).</summary>
    [Theory]
    [InlineData("answered", 0)]
    [InlineData("busy", 0)]
    [InlineData("noanswer", 0)]
    [InlineData("dial-busy", 0)]
    [InlineData("dial-noanswer", 0)]
    [InlineData("originate-application", 0)]
    [InlineData("queue-abandoned", 2)]
    [InlineData("queue-hungup-by-ami", 2)]
    public void A_call_nobody_was_bridged_in_has_no_segment(string capture, int cdrsBillingAgentsWhoNeverSpoke)
    {
        var record = Interpreter.InterpretCall(Captures.Cel(capture));
        var towardsSomeone = Captures.Cdr(capture).Where(c => c.DestinationChannel.Length > 0).ToList();

        Assert.Empty(record.Segments);
        Assert.DoesNotContain(towardsSomeone, c => c.DispositionText == "ANSWERED");
        Assert.Equal(cdrsBillingAgentsWhoNeverSpoke, towardsSomeone.Count(c => c.BillableSeconds > 0));
    }

    [Fact]
    public void Dial_answered_the_segment_is_asterisks_cdr_of_the_dial_to_the_second()
    {
        var segment = Assert.Single(Interpreter.InterpretCall(Captures.Cel("dial-answered")).Segments);
        var cdr = CdrJoining(Captures.Cdr("dial-answered"), segment);

        Assert.Equal((SegmentCause.Dial, SegmentCause.Hangup), (segment.BeganBy, segment.EndedBy));
        Assert.Equal((cdr.StartTime.Utc, cdr.AnswerTime?.Utc, cdr.EndTime.Utc), (segment.Start, (DateTimeOffset?)segment.Answer, segment.End));
        Assert.Equal((cdr.Duration, cdr.BillableSeconds), (segment.DurationSeconds, segment.BillableSeconds));
    }

    /// <summary>queue-answered: Queue() rang agent2 and agent1, agent1 took the call. Asterisk's caller-side records:
    /// towards agent2 "NO ANSWER" with 1 billable second (agent2 never spoke: no segment); towards agent1 ANSWERED 4 s,
    /// counted from when agent1 began to ring. agent1's own leg says 3 s, from its Answer() to its hangup: that is the
    /// talk, and the segment's.</summary>
    [Fact]
    public void Queue_answered_agents_who_never_spoke_have_no_segment_and_the_talk_is_billed_from_the_bridge()
    {
        var cdrs = Captures.Cdr("queue-answered");
        var segment = Assert.Single(Interpreter.InterpretCall(Captures.Cel("queue-answered")).Segments);

        Assert.Equal(("Local/agent1@agents-00000005;1", SegmentCause.Queue), (segment.PartyB.Channel, segment.BeganBy));
        Assert.Contains(cdrs, c => c.DestinationChannel.StartsWith("Local/agent2@", StringComparison.Ordinal) &&
                                   c is { DispositionText: "NO ANSWER", BillableSeconds: 1 });
        Assert.Equal(4, CdrJoining(cdrs, segment).BillableSeconds);
        var agent = AnswererCdr(cdrs, segment);
        Assert.Equal((agent.BillableSeconds, agent.AnswerTime?.Utc, agent.EndTime.Utc),
            (segment.BillableSeconds, (DateTimeOffset?)segment.Answer, segment.End));
        Assert.Equal(3, segment.BillableSeconds);
    }

    /// <summary>ts-blind-transfer (manager Timestamp headers): the caller talks to <c>talk</c>, is Redirected to a
    /// second Dial() and talks to <c>target</c>. No BLINDTRANSFER is sent for a Redirect, so the first segment ends by
    /// Redirect. Asterisk splits the caller's record in two: the first is the first segment; the second starts answered
    /// at the Redirect and bills 4 s where target's own leg, from its answer, says 3 — as does the segment, from the
    /// bridge, to the microsecond of the Timestamp headers.</summary>
    [Fact]
    public void Redirected_caller_two_segments_billed_to_the_second_from_manager_timestamps()
    {
        var cels = Captures.Cel("timestamps/ts-blind-transfer");
        var cdrs = Captures.Cdr("timestamps/ts-blind-transfer");
        var record = Interpreter.InterpretCall(cels);

        Assert.Equal(SecondsPrecision.ManagerTimestamp, record.Precision);
        Assert.Equal(2, record.Segments.Count);
        var (first, second) = (record.Segments[0], record.Segments[1]);

        Assert.Equal((SegmentCause.Dial, SegmentCause.Redirect), (first.BeganBy, first.EndedBy));
        var firstCdr = CdrJoining(cdrs, first);
        Assert.Equal((firstCdr.Duration, firstCdr.BillableSeconds), (first.DurationSeconds, first.BillableSeconds));
        Assert.Equal(AnswererCdr(cdrs, first).BillableSeconds, first.BillableSeconds);

        Assert.Equal((SegmentCause.Dial, SegmentCause.Hangup), (second.BeganBy, second.EndedBy));
        Assert.Equal(4, CdrJoining(cdrs, second).BillableSeconds);
        Assert.Equal(3, AnswererCdr(cdrs, second).BillableSeconds);
        Assert.Equal(3, second.BillableSeconds);
        Assert.Equal(CdrJoining(cdrs, second).Duration, second.DurationSeconds);

        // The instants are the Timestamp headers of the bridge events themselves.
        Assert.Equal(cels.Last(c => c.Type == CelEventType.BridgeEnter).Timestamp, second.Answer);
        Assert.Equal(cels.First(c => c.Type == CelEventType.BridgeExit && c.Channel == first.PartyA.Channel).Timestamp, first.End);
    }

    /// <summary>ts-load-80 (manager Timestamp headers): 80 Originates, of which 18 Dial() calls and 15 queue calls were
    /// connected. Each has one segment. A dial segment is Asterisk's Cdr of the dial to the second, billsec and
    /// duration. A queue segment bills what the agent's own leg bills (its Answer() to its hangup), while the caller's
    /// record towards that agent, opened when the caller was already answered, bills the wait in the queue as talk
    /// (up to 26 s for 4).</summary>
    [Fact]
    public void Load_capture_dial_segments_are_asterisks_dial_cdr_and_queue_segments_bill_the_agents_own_leg()
    {
        var cdrs = Captures.Cdr("timestamps/ts-load-80");
        var records = Interpreter.InterpretAll(Captures.Cel("timestamps/ts-load-80"));
        var segments = records.SelectMany(r => r.Segments).ToList();

        Assert.All(records, r => Assert.True(r.Segments.Count <= 1, r.LinkedId));
        Assert.Equal(18, segments.Count(s => s.BeganBy == SegmentCause.Dial));
        Assert.Equal(15, segments.Count(s => s.BeganBy == SegmentCause.Queue));
        Assert.All(segments.Where(s => s.BeganBy == SegmentCause.Dial), s =>
        {
            var cdr = CdrJoining(cdrs, s);
            Assert.Equal((cdr.Duration, cdr.BillableSeconds), (s.DurationSeconds, s.BillableSeconds));
        });
        var queued = segments.Where(s => s.BeganBy == SegmentCause.Queue).ToList();
        Assert.All(queued, s => Assert.Equal(AnswererCdr(cdrs, s).BillableSeconds, s.BillableSeconds));
        Assert.Contains(queued, s => CdrJoining(cdrs, s).BillableSeconds > s.BillableSeconds + 10);
    }

    /// <summary>vq-local-originate-bridge (two-nodes, pbx-a): the caller waits on music; the queue manager originates the
    /// agent and bridges the two with AMI Bridge. The agent's <c>;1</c> joins the caller's LinkedID; its own LinkedID
    /// keeps the <c>;2</c>, which talked to nobody there. Asterisk's caller record towards the agent bills 12 s — from
    /// the caller's answer, music included; the agent's own leg says 8, as does the segment.</summary>
    [Fact]
    public void Originated_agent_bridged_to_a_waiting_caller_is_billed_from_the_bridge_not_from_the_callers_answer()
    {
        var cdrs = Captures.Cdr("two-nodes/vq-local-originate-bridge.a");
        var records = Interpreter.InterpretAll(Captures.Cel("two-nodes/vq-local-originate-bridge.a"));

        var segment = Assert.Single(records.SelectMany(r => r.Segments));
        Assert.Equal((SegmentCause.Bridge, SegmentCause.Hangup), (segment.BeganBy, segment.EndedBy));
        Assert.Equal(12, CdrJoining(cdrs, segment).BillableSeconds);
        Assert.Equal(8, AnswererCdr(cdrs, segment).BillableSeconds);
        Assert.Equal(8, segment.BillableSeconds);
        Assert.Equal(2, records.Count);
    }

    /// <summary>Asterisk's Cdr joining the segment's two channels.</summary>
    private static CdrRecord CdrJoining(IReadOnlyList<CdrRecord> cdrs, CallSegment segment) =>
        Assert.Single(cdrs, c => c.Channel == segment.PartyA.Channel && c.DestinationChannel == segment.PartyB.Channel);

    /// <summary>The Cdr of the channel that answered for party B: the other half of B's Local pair.</summary>
    private static CdrRecord AnswererCdr(IReadOnlyList<CdrRecord> cdrs, CallSegment segment) =>
        Assert.Single(cdrs, c => c.Channel == ChannelName.LocalTwin(segment.PartyB.Channel));
}
