using System.Globalization;
using Telephony.Domain.Billing;
using Telephony.Domain.Billing.Interpretation;
using Telephony.Domain.Cdr;
using Telephony.Domain.Cel;
using Telephony.Domain.Tests.Support;
using Xunit.Abstractions;

namespace Telephony.Domain.Tests.Billing;

/// <summary>
/// Billable seconds to the second, against Asterisk's own Master.csv (cdr_csv) for real traffic recorded with
/// <c>timestampevents = yes</c> (tests/fixtures/ami-captures/timestamps: 82 calls, 56 answered with random fractional
/// talk times). A call's record is compared with the Master.csv row of its originating channel (uniqueid = linkedid).
/// </summary>
public sealed class TimestampBillingTests(ITestOutputHelper output)
{
    private static readonly CelBillingInterpreter Interpreter = new();

    public static TheoryData<string> TimestampCaptures => new() { "ts-load-80", "ts-dtmf-repeated", "ts-blind-transfer" };

    [Theory]
    [MemberData(nameof(TimestampCaptures))]
    public void With_manager_timestamps_every_call_bills_exactly_what_asterisk_billed(string capture)
    {
        var master = MasterCsv.ByUniqueId();
        var calls = Calls(capture, stripTimestamps: false);
        foreach (var (linkedId, cels) in calls)
        {
            var record = Interpreter.InterpretCall(cels);
            var asterisk = master[linkedId];
            Assert.Equal(SecondsPrecision.ManagerTimestamp, record.Precision);
            Assert.True(asterisk.Duration == record.DurationSeconds && asterisk.BillSec == record.BillableSeconds,
                $"{capture} call {linkedId}: derived {record.DurationSeconds}/{record.BillableSeconds} s, Asterisk {asterisk.Duration}/{asterisk.BillSec} s");
        }
        output.WriteLine($"{capture}: {calls.Count} calls, all exact");
    }

    [Theory]
    [MemberData(nameof(TimestampCaptures))]
    public void Without_timestamps_the_originating_channels_cdr_gives_the_exact_seconds(string capture)
    {
        var master = MasterCsv.ByUniqueId();
        var calls = Calls(capture, stripTimestamps: true);
        var cdrs = Captures.Cdr("timestamps/" + capture);
        foreach (var (linkedId, cels) in calls)
        {
            var record = Interpreter.InterpretCall(cels, cdrs.Where(c => c.LinkedId == linkedId).ToList());
            var asterisk = master[linkedId];
            Assert.Equal(SecondsPrecision.AsteriskCdr, record.Precision);
            Assert.Equal((asterisk.Duration, asterisk.BillSec), (record.DurationSeconds, record.BillableSeconds));
        }
    }

    [Fact]
    public void Without_timestamps_a_segment_takes_its_billsec_from_the_cdr_of_the_same_two_channels()
    {
        var cdrs = Captures.Cdr("timestamps/ts-load-80");
        var exact = Calls("ts-load-80", stripTimestamps: false).ToDictionary(c => c.Key, c => Interpreter.InterpretCall(c.Value).Segments);
        int segments = 0, fromCdr = 0;
        foreach (var (linkedId, cels) in Calls("ts-load-80", stripTimestamps: true))
        {
            var derived = Interpreter.InterpretCall(cels, cdrs.Where(c => c.LinkedId == linkedId).ToList()).Segments;
            Assert.Equal(exact[linkedId].Count, derived.Count);
            for (var i = 0; i < derived.Count; i++)
            {
                segments++;
                var (d, e) = (derived[i], exact[linkedId][i]);
                Assert.Equal(SecondsPrecision.ManagerTimestamp, e.Precision);
                if (d.Precision == SecondsPrecision.AsteriskCdr)
                {
                    fromCdr++;
                    Assert.Equal(e.BillableSeconds, d.BillableSeconds);
                }
                else
                {
                    Assert.Equal(SecondsPrecision.WholeSeconds, d.Precision);
                    Assert.InRange(d.BillableSeconds - e.BillableSeconds, 0, 1);
                }
            }
        }
        output.WriteLine($"ts-load-80 without timestamps: {fromCdr} of {segments} segments billed from Asterisk's Cdr of the same two channels");
        Assert.True(fromCdr >= 18, "every Dial() segment has a Cdr of the same two channels over the same talk");
    }

    [Fact]
    public void With_whole_second_times_alone_the_record_says_so_and_is_never_below_asterisk()
    {
        var master = MasterCsv.ByUniqueId();
        int calls = 0, over = 0;
        foreach (var (linkedId, cels) in Calls("ts-load-80", stripTimestamps: true))
        {
            var record = Interpreter.InterpretCall(cels);
            var asterisk = master[linkedId];
            Assert.Equal(SecondsPrecision.WholeSeconds, record.Precision);
            Assert.InRange(record.BillableSeconds - asterisk.BillSec, 0, 1);
            Assert.InRange(record.DurationSeconds - asterisk.Duration, 0, 1);
            calls++;
            if (record.BillableSeconds != asterisk.BillSec || record.DurationSeconds != asterisk.Duration) over++;
        }
        output.WriteLine($"whole seconds only: {over} of {calls} calls one second over Asterisk");
        Assert.True(over > 0, "the capture's random fractional talk times should show the whole-second error");
    }

    [Fact]
    public void A_timestamp_hours_from_eventtime_means_a_wrong_zone_and_whole_seconds_are_used_with_a_note()
    {
        // The node configured for Europe/Paris while the server ran in UTC: EventTime read an hour off the Timestamp.
        var paris = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");
        var cels = Captures.Events("timestamps/ts-dtmf-repeated", "CEL")
            .Select(m => CelEventFactory.Parse(m.Headers, paris).GetValueOrThrow()).ToList();
        var record = Interpreter.InterpretCall(cels);
        Assert.Equal(SecondsPrecision.WholeSeconds, record.Precision);
        Assert.Contains(record.Notes, n => n.Contains("time zone", StringComparison.Ordinal));
    }

    [Fact]
    public void A_call_with_one_event_lacking_its_timestamp_is_not_billed_from_a_mix()
    {
        var cels = Calls("ts-dtmf-repeated", stripTimestamps: false).Single().Value.ToList();
        var i = cels.FindIndex(c => c.EventName == "HANGUP");
        cels[i] = cels[i] with { Timestamp = null };
        Assert.Equal(SecondsPrecision.WholeSeconds, Interpreter.InterpretCall(cels).Precision);
    }

    /// <summary>Each call's CEL (by LinkedID), optionally without their Timestamp headers.</summary>
    private static Dictionary<string, List<CelEvent>> Calls(string capture, bool stripTimestamps) =>
        Captures.Events("timestamps/" + capture, "CEL")
            .Select(m => m.Headers.Where(h => !stripTimestamps || !h.Key.Equals("Timestamp", StringComparison.OrdinalIgnoreCase)).ToList())
            .Select(h => CelEventFactory.Parse(h, Captures.Zone).GetValueOrThrow())
            .GroupBy(c => c.LinkedId)
            .ToDictionary(g => g.Key, g => g.ToList());

    /// <summary>Asterisk's cdr_csv Master.csv of the same captures (columns in the folder's README).</summary>
    private static class MasterCsv
    {
        public sealed record Row(string UniqueId, string LinkedId, int Duration, int BillSec, string Disposition);

        public static Dictionary<string, Row> ByUniqueId()
        {
            var rows = new Dictionary<string, Row>();
            foreach (var line in File.ReadLines(Path.Combine(Captures.Directory, "timestamps", "master.csv")))
            {
                var f = SplitCsv(line);
                var row = new Row(f[16], f[19], int.Parse(f[12], CultureInfo.InvariantCulture), int.Parse(f[13], CultureInfo.InvariantCulture), f[14]);
                rows.TryAdd(row.UniqueId, row); // a channel with several rows (a split Cdr): its first
            }
            return rows;
        }

        private static List<string> SplitCsv(string line)
        {
            var fields = new List<string>();
            var current = new System.Text.StringBuilder();
            var quoted = false;
            for (var i = 0; i < line.Length; i++)
            {
                var c = line[i];
                if (quoted)
                {
                    if (c == '"' && i + 1 < line.Length && line[i + 1] == '"') { current.Append('"'); i++; }
                    else if (c == '"') quoted = false;
                    else current.Append(c);
                }
                else if (c == '"') quoted = true;
                else if (c == ',') { fields.Add(current.ToString()); current.Clear(); }
                else current.Append(c);
            }
            fields.Add(current.ToString());
            return fields;
        }
    }
}
