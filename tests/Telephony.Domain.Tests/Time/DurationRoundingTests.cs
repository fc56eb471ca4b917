using Telephony.Domain.Billing.Interpretation;
using Telephony.Domain.Cel;
using Telephony.Domain.Tests.Support;
using Telephony.Domain.Time;

namespace Telephony.Domain.Tests.Time;

/// <summary>Seconds are counted as Asterisk's cdr.c counts them: whole elapsed seconds, truncated. With whole-second
/// times (what AMI sends) the result can be one above Asterisk's; with fractional times it is exact.</summary>
public sealed class DurationRoundingTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 22, 22, 31, 16, TimeSpan.Zero);

    [Theory]
    [InlineData(16_800, 19_300, 2)] // Asterisk: 2.5 s -> 2
    [InlineData(16_000, 19_000, 3)]
    [InlineData(16_000, 18_999, 2)]
    [InlineData(16_999, 17_000, 0)]
    [InlineData(19_000, 16_000, 0)] // never negative
    public void Whole_seconds_are_truncated_like_cdr_c(int startMs, int endMs, int seconds)
    {
        Assert.Equal(seconds, AsteriskDurations.WholeSecondsBetween(
            T0.AddMilliseconds(startMs - 16_000), T0.AddMilliseconds(endMs - 16_000)));
    }

    [Fact]
    public void Whole_second_times_can_make_a_call_one_second_longer_than_asterisk_says_fractional_times_cannot()
    {
        // Asterisk saw 22:31:16.800 -> 22:31:19.300: Duration 2. On the AMI the times read 22:31:16 and 22:31:19.
        Assert.Equal(3, Billsec("2026-11-22 22:31:16", "2026-11-22 22:31:19"));
        Assert.Equal(2, Billsec("2026-11-22 22:31:16.800000", "2026-11-22 22:31:19.300000"));
    }

    private static int Billsec(string answerAndStart, string end)
    {
        CelEvent Cel(string name, string time, string extra = "") => CelEventFactory.Parse(Headers.Of(
            ("Event", "CEL"), ("EventName", name), ("EventTime", time), ("UniqueID", "1.1"), ("LinkedID", "1.1"),
            ("Channel", "SIP/alice-00000001"), ("Exten", "200"), ("Extra", extra)), TimeZoneInfo.Utc).GetValueOrThrow();

        var record = new CelBillingInterpreter().InterpretCall(
        [
            Cel("CHAN_START", answerAndStart), Cel("ANSWER", answerAndStart),
            Cel("HANGUP", end, "{\"hangupcause\":16,\"hangupsource\":\"\",\"dialstatus\":\"\"}"),
            Cel("CHAN_END", end), Cel("LINKEDID_END", end),
        ]);
        Assert.Equal(record.DurationSeconds, record.BillableSeconds);
        return record.BillableSeconds;
    }
}
