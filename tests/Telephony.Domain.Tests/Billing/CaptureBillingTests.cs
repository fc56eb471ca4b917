using Telephony.Domain.Billing;
using Telephony.Domain.Billing.Interpretation;
using Telephony.Domain.Cdr;
using Telephony.Domain.Cel;
using Telephony.Domain.Tests.Support;
using Xunit.Abstractions;

namespace Telephony.Domain.Tests.Billing;

/// <summary>
/// Given the CEL a real Asterisk 20.20.1 sent for a call, the billing record we derive agrees with Asterisk's own Cdr.
/// <para>
/// <b>Which Cdr.</b> Asterisk writes several Cdr per call (one per party A, forked when a Dial() ends). The one we
/// compare with is the Cdr of the leg where the call's outcome was decided, on the caller side (the originated Local
/// <c>;1</c> channel, UniqueID = LinkedID, and its <c>;2</c> twin that runs the dialplan):
/// the first caller-side Cdr with a DestinationChannel (the Dial() leg) when the call dialled; otherwise the Cdr of
/// the originating channel itself. The difference matters for dial-busy only: the Dial() leg says BUSY, the originated
/// <c>;1</c> channel's own Cdr says NO ANSWER (nothing answered it, cause 16); we say BUSY, with the Dial() leg.
/// </para>
/// <para>
/// <b>Rounding.</b> CEL EventTime and Cdr times in these captures have one-second resolution, while Asterisk computed
/// Duration/BillableSeconds from microsecond times (truncating). From whole seconds we compute floor(end) − floor(start),
/// which is Asterisk's figure or one more (see <c>AsteriskDurations</c>). The captures happen to agree exactly, and the
/// test requires exact equality so that a change in our rules shows; a future capture that is one second above would
/// be the documented rounding, not a rule bug.
/// </para>
/// </summary>
public sealed class CaptureBillingTests(ITestOutputHelper output)
{
    private static readonly CelBillingInterpreter Interpreter = new();

    public static TheoryData<string> PlainCalls => new()
    {
        "answered", "busy", "noanswer", "dial-answered", "dial-busy", "dial-noanswer", "originate-application",
    };

    [Theory]
    [MemberData(nameof(PlainCalls))]
    public void Disposition_duration_and_billsec_equal_asterisks_cdr_for_the_deciding_leg(string capture)
    {
        var cels = Captures.Cel(capture);
        var cdrs = Captures.Cdr(capture);

        var record = Interpreter.InterpretCall(UpToLinkedIdEnd(cels));
        var reference = ReferenceCdr(cels, cdrs, record.LinkedId);

        output.WriteLine($"{capture}: derived {record.Disposition.ToAsteriskString()} {record.DurationSeconds}/{record.BillableSeconds}s; " +
                         $"Asterisk {reference}");
        Assert.True(record.IsComplete);
        Assert.Equal(reference.DispositionText, record.Disposition.ToAsteriskString());
        Assert.Equal(reference.Duration, record.DurationSeconds);
        Assert.Equal(reference.BillableSeconds, record.BillableSeconds);
        Assert.Equal(reference.Source, record.CallerNumber);
        Assert.Equal(reference.StartTime.Utc, record.Start);
        Assert.Equal(reference.AnswerTime?.Utc, record.Answer);
        Assert.Equal(reference.EndTime.Utc, record.End);
        if (reference.DestinationChannel.Length > 0) Assert.Equal(reference.DestinationChannel, record.DestinationChannel);
        Assert.Empty(record.Notes);
    }

    [Fact]
    public void Dial_busy_the_originated_channels_own_cdr_says_no_answer_where_we_and_the_dial_leg_say_busy()
    {
        var cels = Captures.Cel("dial-busy");
        var record = Interpreter.InterpretCall(cels);
        var originated = Captures.Cdr("dial-busy").Single(c => c.UniqueId == record.LinkedId);

        Assert.Equal("NO ANSWER", originated.DispositionText);
        Assert.Equal(CallDisposition.Busy, record.Disposition);
        Assert.Equal("BUSY", record.DialStatus);
        Assert.Equal("Local/busy@test-0000000c;1", record.DestinationChannel);
    }

    [Fact]
    public void Originate_through_a_local_channel_bills_the_local_pair_as_the_caller()
    {
        var record = Interpreter.InterpretCall(Captures.Cel("answered"));

        Assert.Equal("Local/answer@test-00000000;1", record.SourceChannel);
        Assert.Equal("5551000", record.CallerNumber);
        Assert.Equal("AMI Probe", record.CallerName);
        Assert.Equal("answer", record.Destination); // not 's': the ;1 half moves to hold,s once answered
        Assert.Equal("test", record.DestinationContext);
        Assert.Null(record.DestinationChannel); // Answer()+Playback() in the dialplan: nobody else was involved
        Assert.Equal(16, record.HangupCause);
        Assert.Equal("dialplan/builtin", record.HangupSource);
    }

    /// <summary>
    /// Queue calls: Asterisk's Cdr for the caller's queue leg is one record per agent rung, each with the agent as
    /// DestinationChannel, restarted when the agent is rung, "NO ANSWER" with a non-zero billsec for the agent who did
    /// not answer, and FAILED records for agents still ringing when the caller left. None of them is the caller's call.
    /// We derive one record: ANSWERED from the caller's answer (the dialplan Answer()s before Queue(), so the line is
    /// billable from then — this is what the originated channel's own Cdr says too), with queue, wait and agent apart.
    /// </summary>
    [Fact]
    public void Queue_answered_one_record_answered_by_agent_one_after_one_second_in_queue()
    {
        var record = Interpreter.InterpretCall(Captures.Cel("queue-answered"));
        var cdrs = Captures.Cdr("queue-answered");

        Assert.Equal(CallDisposition.Answered, record.Disposition);
        Assert.Equal(5, record.DurationSeconds);
        Assert.Equal(5, record.BillableSeconds);
        var queue = Assert.IsType<QueueCallInfo>(record.Queue);
        Assert.Equal("support", queue.QueueName);
        Assert.False(queue.Abandoned);
        Assert.Equal("Local/agent1@agents-00000005;1", queue.AgentChannel);
        Assert.Equal("Local/agent1@agents", queue.AgentInterface);
        Assert.Equal(["Local/agent2@agents", "Local/agent1@agents"], queue.AgentsRung);
        Assert.Equal(HoldTime("queue-answered", "AgentConnect"), queue.WaitSeconds); // 1 s, as AgentConnect says
        Assert.Equal("Local/agent1@agents-00000005;1", record.DestinationChannel);
        Assert.Equal("ANSWER", record.DialStatus);

        // Asterisk: the originated channel's Cdr agrees with us...
        var originated = cdrs.Single(c => c.UniqueId == record.LinkedId);
        Assert.Equal(("ANSWERED", 5, 5), (originated.DispositionText, originated.Duration, originated.BillableSeconds));
        // ...the caller's queue leg has one Cdr per agent rung, neither of which is the call:
        var queueLeg = cdrs.Where(c => c.LastApplication == "Queue").ToList();
        Assert.Equal(2, queueLeg.Count);
        Assert.Contains(queueLeg, c => c is { DispositionText: "NO ANSWER", BillableSeconds: 1 } && c.DestinationChannel.Contains("agent2"));
        Assert.Contains(queueLeg, c => c is { DispositionText: "ANSWERED", Duration: 4, BillableSeconds: 4 } && c.DestinationChannel.Contains("agent1"));
    }

    [Theory]
    [InlineData("queue-abandoned", 4, 3)]
    [InlineData("queue-hungup-by-ami", 2, 2)]
    public void Queue_abandoned_one_answered_record_flagged_abandoned_while_asterisk_writes_failed_agent_records(
        string capture, int seconds, int wait)
    {
        var record = Interpreter.InterpretCall(Captures.Cel(capture));
        var cdrs = Captures.Cdr(capture);

        Assert.Equal(CallDisposition.Answered, record.Disposition); // the dialplan answered the caller
        Assert.Equal(seconds, record.DurationSeconds);
        Assert.Equal(seconds, record.BillableSeconds);
        var queue = Assert.IsType<QueueCallInfo>(record.Queue);
        Assert.True(queue.Abandoned);
        Assert.Null(queue.AgentChannel);
        Assert.Equal(wait, queue.WaitSeconds);
        Assert.Equal(HoldTime(capture, "QueueCallerAbandon"), queue.WaitSeconds);
        Assert.Equal("CANCEL", record.DialStatus);

        var originated = cdrs.Single(c => c.UniqueId == record.LinkedId);
        Assert.Equal(("ANSWERED", seconds, seconds), (originated.DispositionText, originated.Duration, originated.BillableSeconds));
        // Asterisk's records that are misleading for billing: the caller's queue leg "NO ANSWER" with billable seconds,
        // and FAILED for agents that were only ringing.
        Assert.All(cdrs.Where(c => c.LastApplication == "Queue"), c => Assert.Equal("NO ANSWER", c.DispositionText));
        Assert.Contains(cdrs, c => c is { LastApplication: "Queue", BillableSeconds: > 0 });
        Assert.Equal(2, cdrs.Count(c => c.DispositionText == "FAILED" && c.Channel.StartsWith("Local/agent", StringComparison.Ordinal)));
    }

    [Fact]
    public void Every_capture_with_cel_is_interpreted_at_its_linkedid_end_without_notes()
    {
        foreach (var capture in Captures.WithCel())
        {
            var records = Interpreter.InterpretAll(Captures.Cel(capture));
            Assert.All(records, r =>
            {
                Assert.True(r.IsComplete, $"{capture} {r.LinkedId}");
                Assert.Empty(r.Notes);
            });
        }
    }

    /// <summary>What the Call entity hands over: the events up to and including LINKEDID_END.</summary>
    private static IEnumerable<CelEvent> UpToLinkedIdEnd(IReadOnlyList<CelEvent> cels)
    {
        foreach (var cel in cels)
        {
            yield return cel;
            if (cel.Type == CelEventType.LinkedIdEnd) yield break;
        }
    }

    /// <summary>See the class summary: the caller side's Dial() leg Cdr, else the originating channel's Cdr.</summary>
    private static CdrRecord ReferenceCdr(IReadOnlyList<CelEvent> cels, IReadOnlyList<CdrRecord> cdrs, string linkedId)
    {
        var origin = cels.First(c => c.UniqueId == linkedId).Channel;
        var twinName = ChannelName.LocalTwin(origin);
        var callerSide = cels.Where(c => c.UniqueId == linkedId || c.Channel == twinName).Select(c => c.UniqueId).ToHashSet();
        return cdrs.FirstOrDefault(c => callerSide.Contains(c.UniqueId) && c.DestinationChannel.Length > 0)
               ?? cdrs.Single(c => c.UniqueId == linkedId);
    }

    private static int HoldTime(string capture, string eventName) =>
        int.Parse(Captures.Events(capture, eventName).Single()["HoldTime"]!, System.Globalization.CultureInfo.InvariantCulture);
}
