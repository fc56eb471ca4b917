using Telephony.Domain.Actions;
using Telephony.Domain.Tests.Support;

namespace Telephony.Domain.Tests.Actions;

/// <summary>An action's record is its Queued state plus each journaled step: the tests replay steps as recovery and
/// the ami_action projection would, and read the times, attempts and outcome off the result.</summary>
public sealed class ActionRecordTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void An_answered_then_hung_up_originate_keeps_each_steps_time_its_channel_and_its_talk_time()
    {
        var call = Replay(Originate(),
            Step(ActionStatus.Sent, 0.010),
            Step(ActionStatus.Succeeded, 0.030) with { Message = "Originate successfully queued" },
            Step(ActionStatus.Up, 12.5) with { Channel = "PJSIP/trunk-00000007", UniqueId = "1768039200.101", LinkedId = "1768039200.101" },
            Step(ActionStatus.Ended, 75.25) with { HangupCause = 16 });

        Assert.Equal(ActionStatus.Ended, call.Status);
        Assert.Equal((T0.AddSeconds(0.010), T0.AddSeconds(0.030), T0.AddSeconds(12.5), T0.AddSeconds(75.25)),
            (call.SentAt, call.RespondedAt, call.UpAt, call.EndedAt));
        Assert.Equal(T0.AddSeconds(75.25), call.UpdatedAt);
        Assert.Equal(62.75, call.DurationSeconds);
        Assert.Equal(("PJSIP/trunk-00000007", "1768039200.101", 16), (call.Channel, call.UniqueId, call.HangupCause));
        Assert.Equal("Originate successfully queued", call.Message); // a later step without a message keeps it
        Assert.Equal(1, call.Attempts);
    }

    [Theory]
    [InlineData(5, "busy")]
    [InlineData(3, "no answer")]
    [InlineData(8, "congestion")]
    public void A_dial_that_fails_after_asterisk_accepted_it_keeps_the_first_response_time_and_the_reason(int reason, string words)
    {
        var call = Replay(Originate(),
            Step(ActionStatus.Sent, 0.01),
            Step(ActionStatus.Succeeded, 0.02),
            Step(ActionStatus.Failed, 30) with { Reason = OriginateReasons.Describe(reason) });

        Assert.Equal(ActionStatus.Failed, call.Status);
        Assert.Equal(T0.AddSeconds(0.02), call.RespondedAt);
        Assert.Equal(words, call.Reason);
        Assert.Null(call.UpAt);
        Assert.Null(call.DurationSeconds);
    }

    [Fact]
    public void A_send_proven_never_written_counts_a_second_attempt_when_it_goes_again()
    {
        var hangup = Replay(Queued("Hangup"),
            Step(ActionStatus.Sent, 1),
            Step(ActionStatus.Queued, 1.5) with { Message = "not connected" },
            Step(ActionStatus.Sent, 4),
            Step(ActionStatus.Succeeded, 4.01));

        Assert.Equal(2, hangup.Attempts);
        Assert.Equal(T0.AddSeconds(4), hangup.SentAt);
        Assert.Equal(T0.AddSeconds(4.01), hangup.RespondedAt);
    }

    [Fact]
    public void An_action_that_never_left_the_queue_has_no_send_or_response_time()
    {
        var expired = Replay(Queued("Originate"), Step(ActionStatus.Expired, 60) with { Message = "not sent before expiresAt" });

        Assert.Equal((ActionStatus.Expired, 0, (DateTimeOffset?)null, (DateTimeOffset?)null), (expired.Status, expired.Attempts, expired.SentAt, expired.RespondedAt));
        Assert.Equal("not sent before expiresAt", expired.Message);
    }

    [Fact]
    public void A_reconciled_originate_that_ended_unseen_has_an_end_and_no_talk_time()
    {
        var call = Replay(Originate(), Step(ActionStatus.Sent, 0), Step(ActionStatus.Ended, 300) with { Message = "reconciled: its call ended" });

        Assert.Equal(T0.AddSeconds(300), call.EndedAt);
        Assert.Null(call.DurationSeconds);
    }

    [Fact]
    public void A_query_keeps_what_asterisk_returned()
    {
        var returned = Headers.Of(("Variable", "CDR(billsec)"), ("Value", "42"));
        var getvar = Replay(Queued("Getvar"), Step(ActionStatus.Sent, 0), Step(ActionStatus.Succeeded, 0.002) with { Returned = returned });

        Assert.Equal(returned, getvar.Returned);
    }

    [Theory]
    [InlineData(ActionStatus.Queued, false)]
    [InlineData(ActionStatus.Sent, true)]
    [InlineData(ActionStatus.Succeeded, true)]
    [InlineData(ActionStatus.Up, false)]
    [InlineData(ActionStatus.Failed, false)]
    [InlineData(ActionStatus.Ended, false)]
    [InlineData(ActionStatus.Unknown, false)]
    public void An_originate_holds_a_place_under_the_cap_from_sent_until_answered(ActionStatus status, bool inProgress)
    {
        Assert.Equal(inProgress, (Originate() with { Status = status }).InProgress);
        Assert.False((Queued("Hangup") with { Status = status }).InProgress);
    }

    [Fact]
    public void A_clock_that_stepped_back_between_answer_and_hangup_gives_no_negative_talk_time() =>
        Assert.Equal(0, (Originate() with { UpAt = T0.AddSeconds(10), EndedAt = T0.AddSeconds(9) }).DurationSeconds);

    private static ActionRecord Replay(ActionRecord queued, params ActionTransition[] steps)
    {
        var record = queued;
        foreach (var step in steps)
        {
            Assert.True(ActionLifecycle.CanMove(record.Status, step.To), $"{record.Status} -> {step.To}");
            record = record.Apply(step with { Id = record.Id });
        }
        return record;
    }

    private static ActionTransition Step(ActionStatus to, double seconds) => new("", to, T0.AddSeconds(seconds));

    private static ActionRecord Queued(string action) => new()
    {
        Id = "act-1", Node = RequestTable.Node, Action = action, Headers = [], QueuedAt = T0,
    };

    private static ActionRecord Originate() => Queued("Originate") with
    {
        Headers = RequestTable.Get("accepted.txt", "dialer-originate").Headers,
        ChannelId = "1768039200.101",
        OtherChannelId = "1768039200.102",
    };
}
