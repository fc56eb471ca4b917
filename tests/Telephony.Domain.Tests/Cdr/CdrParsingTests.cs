using Telephony.Domain.Billing;
using Telephony.Domain.Cdr;
using Telephony.Domain.Tests.Support;
using Telephony.Domain.Validation;

namespace Telephony.Domain.Tests.Cdr;

public sealed class CdrParsingTests
{
    private static readonly TimeZoneInfo Paris = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");

    [Fact]
    public void Any_header_order_key_case_or_repeated_header_gives_the_first_value_of_each_field()
    {
        var fields = new (string Key, Func<CdrRecord, string?> Of)[]
        {
            ("AccountCode", c => c.AccountCode), ("Source", c => c.Source), ("Destination", c => c.Destination),
            ("DestinationContext", c => c.DestinationContext), ("CallerID", c => c.CallerId), ("Channel", c => c.Channel),
            ("DestinationChannel", c => c.DestinationChannel), ("LastApplication", c => c.LastApplication),
            ("LastData", c => c.LastData), ("StartTime", c => c.StartTime.Text), ("AnswerTime", c => c.AnswerTime?.Text),
            ("EndTime", c => c.EndTime.Text), ("Duration", c => c.Duration.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("BillableSeconds", c => c.BillableSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("Disposition", c => c.DispositionText), ("AMAFlags", c => c.AmaFlags), ("UniqueID", c => c.UniqueId),
            ("UserField", c => c.UserField), ("LinkedID", c => c.LinkedId), ("Sequence", c => c.Sequence),
            ("PeerAccount", c => c.PeerAccount),
        };
        var random = new Random(20261123);
        for (var round = 0; round < 500; round++)
        {
            var headers = Headers.FullCdr().OrderBy(_ => random.Next()).ToList();
            for (var n = random.Next(0, 4); n > 0; n--)
            {
                var (key, _) = fields[random.Next(fields.Length)];
                var value = key switch
                {
                    "StartTime" or "AnswerTime" or "EndTime" => "2026-01-10 10:00:0" + n,
                    "Duration" or "BillableSeconds" or "Sequence" => n.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    "Disposition" => "BUSY",
                    _ => "copy-" + n,
                };
                headers.Insert(random.Next(headers.Count + 1), new(random.Next(2) == 0 ? key : key.ToLowerInvariant(), value));
            }
            var cdr = CdrRecordFactory.Parse(headers, TimeZoneInfo.Utc).GetValueOrThrow();
            foreach (var (key, of) in fields)
            {
                var first = headers.First(h => h.Key.Equals(key, StringComparison.OrdinalIgnoreCase)).Value;
                Assert.True(first == of(cdr), $"round {round}: {key} is '{of(cdr)}', first value '{first}'");
            }
            Assert.Empty(cdr.MappedFields);
        }
    }

    [Fact]
    public void Every_header_of_the_cdr_event_lands_in_its_field_with_times_in_utc_and_as_sent()
    {
        var headers = Headers.FullCdr().With("Foo", "bar");
        var cdr = CdrRecordFactory.Parse(headers, Paris).GetValueOrThrow();

        Assert.Equal("acct-1", cdr.AccountCode);
        Assert.Equal("100", cdr.Source);
        Assert.Equal("200", cdr.Destination);
        Assert.Equal("default", cdr.DestinationContext);
        Assert.Equal("\"Alice\" <100>", cdr.CallerId);
        Assert.Equal("PJSIP/alice-00000001", cdr.Channel);
        Assert.Equal("PJSIP/bob-00000002", cdr.DestinationChannel);
        Assert.Equal("Dial", cdr.LastApplication);
        Assert.Equal("PJSIP/bob,30", cdr.LastData);
        // January: Paris is UTC+1.
        Assert.Equal("2026-01-10 10:00:00", cdr.StartTime.Text);
        Assert.Equal(new DateTimeOffset(2026, 1, 10, 9, 0, 0, TimeSpan.Zero), cdr.StartTime.Utc);
        Assert.Equal(new DateTimeOffset(2026, 1, 10, 9, 0, 5, TimeSpan.Zero), cdr.AnswerTime!.Utc);
        Assert.Equal(new DateTimeOffset(2026, 1, 10, 9, 1, 5, TimeSpan.Zero), cdr.EndTime.Utc);
        Assert.Equal(TimeSpan.Zero, cdr.StartTime.Utc.Offset);
        Assert.Equal(65, cdr.Duration);
        Assert.Equal(60, cdr.BillableSeconds);
        Assert.Equal("ANSWERED", cdr.DispositionText);
        Assert.Equal(CallDisposition.Answered, cdr.Disposition);
        Assert.Equal("BILLING", cdr.AmaFlags);
        Assert.Equal("1768039200.1", cdr.UniqueId);
        Assert.Equal("uf", cdr.UserField);
        Assert.Equal("1768039200.0", cdr.LinkedId);
        Assert.Equal("42", cdr.Sequence);
        Assert.Equal("acct-2", cdr.PeerAccount);
        Assert.Equal([new KeyValuePair<string, string>("Foo", "bar")], cdr.MappedFields);
        Assert.Equal(headers, cdr.Headers);
    }

    [Fact]
    public void A_real_unanswered_cdr_has_no_answer_time_and_no_mapped_extras()
    {
        var cdr = Captures.Cdr("dial-busy").First(c => c.DestinationChannel.Length > 0);

        Assert.Null(cdr.AnswerTime);
        Assert.Equal(CallDisposition.Busy, cdr.Disposition);
        Assert.Equal("Local/busy@test-0000000c;1", cdr.DestinationChannel);
        Assert.Null(cdr.LinkedId);
        Assert.Null(cdr.Sequence);
        Assert.Null(cdr.PeerAccount);
        Assert.Empty(cdr.MappedFields);
    }

    [Fact]
    public void Every_cdr_of_every_capture_parses()
    {
        var all = Captures.WithCel().SelectMany(Captures.Cdr).ToList();
        Assert.True(all.Count >= 20);
        Assert.All(all, c => Assert.NotNull(c.Disposition));
    }

    [Theory]
    // Summer time, UTC+2.
    [InlineData("2026-07-14 18:00:00", "2026-07-14T16:00:00Z", false)]
    // Winter time, UTC+1.
    [InlineData("2026-12-24 23:30:00", "2026-12-24T22:30:00Z", false)]
    // The last second before clocks go forward on 2026-03-29 (02:00 CET -> 03:00 CEST) and the first after.
    [InlineData("2026-03-29 01:59:59", "2026-03-29T00:59:59Z", false)]
    [InlineData("2026-03-29 03:00:00", "2026-03-29T01:00:00Z", false)]
    // 2026-10-25 02:30 happens twice (03:00 CEST -> 02:00 CET): taken as the first, summer-time one, and flagged.
    [InlineData("2026-10-25 02:30:00", "2026-10-25T00:30:00Z", true)]
    [InlineData("2026-10-25 03:00:00", "2026-10-25T02:00:00Z", false)]
    public void Local_cdr_times_are_converted_with_the_nodes_zone_across_daylight_saving(string local, string utc, bool ambiguous)
    {
        var cdr = CdrRecordFactory.Parse(Headers.FullCdr().With("StartTime", local).With("AnswerTime", ""), Paris).GetValueOrThrow();

        Assert.Equal(DateTimeOffset.Parse(utc, System.Globalization.CultureInfo.InvariantCulture), cdr.StartTime.Utc);
        Assert.Equal(local, cdr.StartTime.Text);
        Assert.Equal(ambiguous, cdr.StartTime.WasAmbiguous);
    }

    [Fact]
    public void A_call_across_the_spring_change_lasts_its_real_length_in_utc()
    {
        // 01:59:30 CET to 03:00:30 CEST is 60 seconds, not an hour and a minute.
        var cdr = CdrRecordFactory.Parse(Headers.FullCdr()
            .With("StartTime", "2026-03-29 01:59:30").With("AnswerTime", "2026-03-29 01:59:35")
            .With("EndTime", "2026-03-29 03:00:30").With("Duration", "60").With("BillableSeconds", "55"), Paris).GetValueOrThrow();

        Assert.Equal(TimeSpan.FromSeconds(60), cdr.EndTime.Utc - cdr.StartTime.Utc);
        Assert.Equal(TimeSpan.FromSeconds(55), cdr.EndTime.Utc - cdr.AnswerTime!.Utc);
    }

    [Fact]
    public void A_local_time_inside_the_spring_gap_is_refused_as_a_zone_mistake()
    {
        var result = CdrRecordFactory.Parse(Headers.FullCdr().With("EndTime", "2026-03-29 02:30:00"), Paris);

        Assert.False(result.IsValid);
        Assert.Equal(ValidationErrorCode.NonexistentLocalTime, result.Error.Code);
        Assert.Equal("EndTime", result.Error.Field);
        Assert.Contains("Europe/Paris", result.Error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("UniqueID", null, ValidationErrorCode.MissingField)]
    [InlineData("StartTime", null, ValidationErrorCode.MissingField)]
    [InlineData("EndTime", null, ValidationErrorCode.MissingField)]
    [InlineData("Duration", null, ValidationErrorCode.MissingField)]
    [InlineData("BillableSeconds", null, ValidationErrorCode.MissingField)]
    [InlineData("Disposition", null, ValidationErrorCode.MissingField)]
    [InlineData("StartTime", "2026-01-10", ValidationErrorCode.UnparsableTime)]
    [InlineData("AnswerTime", "soon", ValidationErrorCode.UnparsableTime)]
    [InlineData("EndTime", "2026-01-10 25:00:00", ValidationErrorCode.UnparsableTime)]
    [InlineData("Duration", "abc", ValidationErrorCode.UnparsableNumber)]
    [InlineData("BillableSeconds", "-1", ValidationErrorCode.UnparsableNumber)]
    [InlineData("Duration", "1.5", ValidationErrorCode.UnparsableNumber)]
    public void A_malformed_cdr_is_refused_with_the_field_and_a_reason(string header, string? value, ValidationErrorCode code)
    {
        var headers = value is null ? Headers.FullCdr().Without(header) : Headers.FullCdr().With(header, value);
        var result = CdrRecordFactory.Parse(headers, Paris);

        Assert.False(result.IsValid);
        Assert.Equal(code, result.Error.Code);
        Assert.Equal(header, result.Error.Field);
        Assert.Throws<InvalidOperationException>(() => result.GetValueOrThrow());
    }

    [Fact]
    public void A_cel_handed_to_the_cdr_factory_is_refused()
    {
        Assert.Equal(ValidationErrorCode.WrongEventKind, CdrRecordFactory.Parse(Headers.FullCel(), Paris).Error!.Code);
    }
}
