using System.Text;
using Telephony.Simulator.Calls;
using Telephony.Simulator.Sessions;

namespace Telephony.Simulator.Tests;

/// <summary>The pure parts of sub-second times: Asterisk's arithmetic, a call's clock, the moments of its channels and
/// where the Timestamp line goes.</summary>
public sealed class CallClockTests
{
    private const long Second = 1_000_000;
    private const long T0 = 1_796_209_636 * Second; // a whole second of the ts-load-80 capture

    [Fact]
    public void Cdr_seconds_are_whole_milliseconds_rounded_down_then_divided_as_cdr_c_does()
    {
        // Answered at .800000, ended 2.5 s later at .300000: Asterisk bills 2 s; the printed seconds differ by 3.
        Assert.Equal(2, AsteriskTime.CdrSeconds(T0 + 3 * Second + 300_000, T0 + 800_000));
        Assert.Equal(0, AsteriskTime.CdrSeconds(T0 + 999_999, T0));
        Assert.Equal(1, AsteriskTime.CdrSeconds(T0 + Second, T0));
        Assert.Equal(0, AsteriskTime.CdrSeconds(T0, T0 + 5)); // never negative
        Assert.Equal(-1, AsteriskTime.TvDiffMs(T0, T0 + 1)); // ast_tvdiff_ms floors, it does not truncate
        Assert.Equal(2, AsteriskTime.TvDiffMs(T0 + 2999, T0));
    }

    [Fact]
    public void A_Timestamp_is_epoch_seconds_and_six_digits_of_microseconds()
    {
        Assert.Equal("1796209636.051953", AsteriskTime.Timestamp(T0 + 51_953));
        Assert.Equal("1796209636.000000", AsteriskTime.Timestamp(T0));
        Assert.Equal(T0 + 7, AsteriskTime.ToMicros(AsteriskTime.FromMicros(T0 + 7)));
    }

    [Fact]
    public void Without_fractions_the_clock_moves_only_at_waits_and_by_whole_milliseconds()
    {
        var clock = new CallClock(T0, fractions: null);

        Assert.Equal(T0, clock.NextEvent());
        clock.Advance(clock.DrawWait(3000));

        Assert.Equal(T0 + 3 * Second, clock.NextEvent());
        Assert.Equal((0, 0), (clock.RaiseDelayMicros, clock.CelRaiseDelayMicros));
    }

    [Fact]
    public void With_fractions_waits_get_up_to_half_a_second_either_way_and_events_lie_microseconds_apart()
    {
        var clock = new CallClock(T0, new Random(1));

        var waits = Enumerable.Range(0, 1000).Select(_ => clock.DrawWait(3000)).ToList();
        var shortWaits = Enumerable.Range(0, 1000).Select(_ => clock.DrawWait(200)).ToList();
        var steps = new List<long>();
        for (long last = clock.NextEvent(), i = 0; i < 1000; i++)
        {
            var next = clock.NextEvent();
            steps.Add(next - last);
            last = next;
        }

        Assert.All(waits, w => Assert.InRange(w, 2_500_000, 3_500_000));
        Assert.All(shortWaits, w => Assert.InRange(w, 100_000, 300_000)); // never more than half the wait
        Assert.InRange(waits.Count(w => w % 1000 != 0), 990, 1000); // real fractions, not whole milliseconds
        Assert.All(steps, s => Assert.InRange(s, 5, 300));
        Assert.InRange(clock.RaiseDelayMicros, 5, 59);
        Assert.InRange(clock.CelRaiseDelayMicros, 5, 60);
        Assert.NotEqual(clock.RaiseDelayMicros, clock.CelRaiseDelayMicros); // a Cdr and its CEL HANGUP never share µs
    }

    [Fact]
    public void The_same_seed_draws_the_same_call()
    {
        static long[] Draw(int seed)
        {
            var clock = new CallClock(T0, new Random(seed));
            return [clock.RaiseDelayMicros, clock.CelRaiseDelayMicros, clock.DrawWait(1000), clock.NextEvent(), clock.DrawWait(5000), clock.NextEvent()];
        }

        Assert.Equal(Draw(42), Draw(42));
        Assert.NotEqual(Draw(42), Draw(43));
    }

    [Fact]
    public void A_Cdr_dispatched_before_its_channels_Hangup_fixes_the_end_that_the_later_CEL_HANGUP_reports()
    {
        var timeline = new CallTimeline();
        timeline.Instants("Newchannel", null, "0", "c1", false, T0);
        timeline.Instants("CEL", "CHAN_START", null, "c1", false, T0 + 20);
        timeline.Instants("Newstate", null, "6", "c1", false, T0 + 400_000);
        var answerCel = timeline.Instants("CEL", "ANSWER", null, "c1", false, T0 + 400_050);

        var cdr = timeline.Instants("Cdr", null, null, "c1", finalCdr: true, T0 + 3 * Second);
        var hangup = timeline.Instants("Hangup", null, "6", "c1", false, T0 + 3 * Second + 90);
        var hangupCel = timeline.Instants("CEL", "HANGUP", null, "c1", false, T0 + 3 * Second + 200);

        Assert.Equal(new EventInstants(T0 + 400_000, T0 + 400_000, IsCel: true), answerCel); // raised from the Newstate moment
        Assert.Equal(new EventInstants(T0 + 3 * Second, T0 + 3 * Second), cdr);
        Assert.Equal(new EventInstants(T0 + 3 * Second, T0 + 3 * Second + 90), hangup); // channel events raise when they come
        Assert.Equal(new EventInstants(T0 + 3 * Second, T0 + 3 * Second, IsCel: true), hangupCel);
        Assert.Equal(T0, timeline.Of("c1", 0).Start);
    }

    [Fact]
    public void A_forked_Cdr_ends_when_it_is_dispatched_and_leaves_the_channel_end_open()
    {
        var timeline = new CallTimeline();
        timeline.Instants("Newchannel", null, "4", "c2", false, T0);

        var fork = timeline.Instants("Cdr", null, null, "c2", finalCdr: false, T0 + Second);
        var hangup = timeline.Instants("CEL", "HANGUP", null, "c2", false, T0 + 4 * Second);

        Assert.Equal(T0 + Second, fork.Record);
        Assert.Equal(T0 + 4 * Second, hangup.Record);
    }

    [Fact]
    public void The_Timestamp_line_follows_Event_and_Privilege_and_a_scripted_one_is_not_repeated()
    {
        KeyValuePair<string, string>[] headers =
            [new("Event", "CEL"), new("Privilege", "call,all"), new("Timestamp", "1.000000"), new("EventName", "ANSWER")];

        var stamped = Encoding.ASCII.GetString(ManagerEvent.Write(headers, T0 + 51_953));
        var plain = Encoding.ASCII.GetString(ManagerEvent.Write(headers, null));

        Assert.Equal("Event: CEL\r\nPrivilege: call,all\r\nTimestamp: 1796209636.051953\r\nEventName: ANSWER\r\n\r\n", stamped);
        Assert.Equal("Event: CEL\r\nPrivilege: call,all\r\nEventName: ANSWER\r\n\r\n", plain);
    }
}
