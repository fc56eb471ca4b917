using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Telephony.Domain.Billing;
using Telephony.Domain.Billing.Interpretation;
using Telephony.Domain.Cel;
using Telephony.Domain.Tests.Support;
using Telephony.Domain.Time;

namespace Telephony.Domain.Tests.Billing;

/// <summary>What holds for the segments of every call we have — each CEL table and each real capture — and for the
/// record that carries them.</summary>
public sealed class CallSegmentInvariantTests
{
    public static TheoryData<string> EveryCall()
    {
        var data = new TheoryData<string>();
        foreach (var table in CelTable.All()) data.Add("table:" + table);
        foreach (var capture in Captures.WithCel()) data.Add("capture:" + capture);
        data.Add("capture:timestamps/ts-blind-transfer");
        data.Add("capture:timestamps/ts-dtmf-repeated");
        data.Add("capture:timestamps/ts-load-80");
        data.Add("capture:two-nodes/vq-local-originate-bridge.a");
        return data;
    }

    [Theory]
    [MemberData(nameof(EveryCall))]
    public void Segments_are_numbered_in_order_of_answer_and_their_seconds_are_asterisks_floor(string source)
    {
        foreach (var record in Interpret(source, out _))
        {
            Assert.Equal(Enumerable.Range(1, record.Segments.Count), record.Segments.Select(s => s.Number));
            Assert.Equal(record.Segments.OrderBy(s => s.Answer).Select(s => s.Number), record.Segments.Select(s => s.Number));
            Assert.All(record.Segments, s =>
            {
                Assert.True(s.Start <= s.Answer && s.Answer <= s.End, $"{source} segment {s.Number}: {s.Start:O} {s.Answer:O} {s.End:O}");
                Assert.Equal(AsteriskDurations.WholeSecondsBetween(s.Answer, s.End), s.BillableSeconds);
                Assert.Equal(AsteriskDurations.WholeSecondsBetween(s.Start, s.End), s.DurationSeconds);
                Assert.NotEqual(s.PartyA.UniqueId, s.PartyB.UniqueId);
                Assert.True(record.IsComplete == (s.EndedBy != SegmentCause.Unfinished), $"{source} segment {s.Number}: {s.EndedBy}");
            });
        }
    }

    /// <summary>Channels that only rang (Dial() legs not answered, queue members that never took the call) are in no
    /// segment: each party's channel entered a bridge under the segment's LinkedID.</summary>
    [Theory]
    [MemberData(nameof(EveryCall))]
    public void Every_party_was_bridged_under_the_calls_linkedid(string source)
    {
        var records = Interpret(source, out var events);
        foreach (var record in records)
        {
            var bridged = events.Where(e => e.LinkedId == record.LinkedId && e.Type == CelEventType.BridgeEnter)
                .Select(e => e.UniqueId).ToHashSet();
            Assert.All(record.Segments, s =>
            {
                Assert.Contains(s.PartyA.UniqueId, bridged);
                Assert.Contains(s.PartyB.UniqueId, bridged);
            });
        }
    }

    /// <summary>A conversation is never counted twice: two segments of the same two parties never overlap.</summary>
    [Theory]
    [MemberData(nameof(EveryCall))]
    public void Segments_of_the_same_two_parties_never_overlap(string source)
    {
        foreach (var record in Interpret(source, out _))
            foreach (var pair in record.Segments.GroupBy(s => (s.PartyA.UniqueId, s.PartyB.UniqueId)))
            {
                var ordered = pair.OrderBy(s => s.Answer).ToList();
                for (var i = 1; i < ordered.Count; i++) Assert.True(ordered[i - 1].End <= ordered[i].Answer, source);
            }
    }

    [Fact]
    public void A_call_interpreted_before_its_end_leaves_its_open_segment_unfinished_at_the_last_event()
    {
        var partial = Captures.Cel("dial-answered").TakeWhile(c => c.Type != CelEventType.BridgeExit).ToList();

        var segment = Assert.Single(new CelBillingInterpreter().InterpretCall(partial).Segments);

        Assert.Equal(SegmentCause.Unfinished, segment.EndedBy);
        Assert.Equal(partial.Max(c => c.EventTime.Utc), segment.End);
    }

    /// <summary>The journal keeps records as camelCase JSON with string enums: segments survive the round trip, and a
    /// record written before segments existed reads back with none.</summary>
    [Fact]
    public void Segments_round_trip_through_the_journals_json_and_an_older_record_reads_back_with_none()
    {
        var options = new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.CamelCase, Converters = { new JsonStringEnumConverter() } };
        var record = new CelBillingInterpreter().InterpretAll(CelTable.Load("transfer-chain.txt").Events).Single();

        var json = JsonSerializer.Serialize(record, options);
        var back = JsonSerializer.Deserialize<BillingRecord>(json, options)!;
        Assert.Equal(json, JsonSerializer.Serialize(back, options));
        Assert.Contains("\"beganBy\":\"Transfer\"", json, StringComparison.Ordinal);

        var older = JsonNode.Parse(json)!.AsObject();
        older.Remove("segments");
        Assert.Empty(JsonSerializer.Deserialize<BillingRecord>(older.ToJsonString(), options)!.Segments);
    }

    private static IReadOnlyList<BillingRecord> Interpret(string source, out IReadOnlyList<CelEvent> events)
    {
        var (kind, name) = (source[..source.IndexOf(':')], source[(source.IndexOf(':') + 1)..]);
        events = kind == "table" ? CelTable.Load(name).Events : Captures.Cel(name);
        return new CelBillingInterpreter().InterpretAll(events);
    }
}
