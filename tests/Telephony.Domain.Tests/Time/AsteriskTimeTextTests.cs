using System.Globalization;
using Telephony.Domain.Time;

namespace Telephony.Domain.Tests.Time;

/// <summary>Asterisk's local times are read by position; what is accepted, and the instant read, must be what the general
/// parser with the same exact format gives.</summary>
public sealed class AsteriskTimeTextTests
{
    [Theory]
    [InlineData("2026-11-22 22:31:16")]
    [InlineData("2024-02-29 00:00:00")] // a leap day
    [InlineData("2026-02-29 00:00:00")] // not a leap year
    [InlineData("2100-02-29 12:00:00")] // not a leap year either
    [InlineData("2026-04-31 10:00:00")]
    [InlineData("2026-13-01 10:00:00")]
    [InlineData("2026-00-10 10:00:00")]
    [InlineData("2026-01-00 10:00:00")]
    [InlineData("0000-01-01 00:00:00")]
    [InlineData("0001-01-01 00:00:00")]
    [InlineData("9999-12-31 23:59:59")]
    [InlineData("2026-01-10 24:00:00")]
    [InlineData("2026-01-10 23:60:00")]
    [InlineData("2026-01-10 23:59:60")]
    [InlineData("2026/01/10 10:00:00")]
    [InlineData("2026-01-10T10:00:00")]
    [InlineData("2026-1-10  10:00:00")]
    [InlineData("+026-01-10 10:00:00")]
    [InlineData("2026-01-10 10:00:0a")]
    [InlineData("٢٠٢٦-01-10 10:00:00")] // other digits than ASCII
    [InlineData("2026-01-10 10:00:00.5")]
    [InlineData("2026-01-10 10:00:00.123456")]
    public void A_local_time_is_accepted_exactly_when_the_general_parser_accepts_it_and_means_the_same(string text)
    {
        var whole = text.Length >= 19 ? text[..19] : text;
        var general = DateTime.TryParseExact(whole, "yyyy'-'MM'-'dd' 'HH':'mm':'ss", CultureInfo.InvariantCulture,
            DateTimeStyles.None, out var expected);

        var result = AsteriskTime.TryParse(text, TimeZoneInfo.Utc, out var timestamp);

        Assert.Equal(general, result == AsteriskTimeError.None);
        if (!general) return;
        Assert.Equal(new DateTimeOffset(expected, TimeSpan.Zero), timestamp!.Utc.AddTicks(-(timestamp.Utc.Ticks % TimeSpan.TicksPerSecond)));
        Assert.Equal(text, timestamp.Text);
    }
}
