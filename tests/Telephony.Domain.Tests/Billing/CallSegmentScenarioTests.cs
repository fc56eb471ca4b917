using Telephony.Domain.Billing;
using Telephony.Domain.Billing.Interpretation;
using Telephony.Domain.Tests.Support;

namespace Telephony.Domain.Tests.Billing;

/// <summary>
/// Given the CEL rows of a table in tests/fixtures/cel-tables, the call segments are those its expect blocks list
/// (<c>segment.count</c>, <c>segment.N.a</c>, <c>.b</c>, <c>.start</c>, <c>.answer</c>, <c>.end</c>, <c>.billsec</c>,
/// <c>.duration</c>, <c>.began</c>, <c>.ended</c>...). One scenario per shape the segment rules handle; each table's
/// header says the shape, what is expected and where Asterisk's own Cdr differs.
/// </summary>
public sealed class CallSegmentScenarioTests
{
    [Fact]
    public void Plain_dial_one_segment_with_the_phone_that_answered_none_with_the_phone_that_only_rang()
    {
        var call = Single(SegmentsOf("plain-dial.txt"));
        Assert.DoesNotContain(call.Segments, s => s.PartyB.Channel.StartsWith("SIP/bob-", StringComparison.Ordinal));
    }

    [Fact]
    public void Blind_transfer_the_caller_talks_to_the_transferer_then_to_the_target() =>
        Assert.Equal([SegmentCause.Dial, SegmentCause.Transfer], Single(SegmentsOf("blind-transfer.txt")).Segments.Select(s => s.BeganBy));

    [Fact]
    public void Attended_transfer_the_consultation_is_a_segment_of_its_own_between_transferer_and_target()
    {
        var consultation = Single(SegmentsOf("attended-transfer.txt")).Segments[1];
        Assert.Equal(("SIP/bob-00000002", "SIP/carol-00000003"), (consultation.PartyA.Channel, consultation.PartyB.Channel));
    }

    /// <summary>With manager Timestamps the bridges are merged milliseconds before ATTENDEDTRANSFER is published: the
    /// transfer still ends the consultation and begins the caller's talk with the target, and seconds are exact.</summary>
    [Fact]
    public void Attended_transfer_with_manager_timestamps_is_related_to_the_bridge_moves_made_just_before_it()
    {
        var call = Single(SegmentsOf("attended-transfer-timestamps.txt"));
        Assert.Equal(SecondsPrecision.ManagerTimestamp, call.Precision);
        Assert.Equal([SegmentCause.Transfer, SegmentCause.Transfer, SegmentCause.Hangup], call.Segments.Select(s => s.EndedBy));
    }

    [Fact]
    public void Transfer_chain_every_conversation_of_the_caller_and_the_consultation_in_order_of_answer()
    {
        var segments = Single(SegmentsOf("transfer-chain.txt")).Segments;
        Assert.Equal(["SIP/bob-00000081", "SIP/carol-00000082", "SIP/dave-00000084", "SIP/dave-00000084"],
            segments.Select(s => s.PartyB.Channel));
    }

    [Fact]
    public void Park_retrieved_by_a_third_phone_the_retriever_talks_to_the_parked_caller_and_its_own_linkedid_has_no_talk()
    {
        var records = SegmentsOf("park-retrieve.txt");
        var retrieved = records["1768050000.1"].Segments[1];
        Assert.Equal((SegmentCause.Park, "SIP/carol-00000012"), (retrieved.BeganBy, retrieved.PartyB.Channel));
        Assert.Empty(records["1768050030.3"].Segments);
        Assert.Equal(1, records["1768050030.3"].BillableSeconds); // the record's ParkedCall() answer, not talk
    }

    [Fact]
    public void Pickup_the_picking_up_phone_talks_to_the_caller_the_ringing_one_never_did()
    {
        var records = SegmentsOf("pickup.txt");
        Assert.Equal(SegmentCause.Pickup, Assert.Single(records["1768053600.1"].Segments).BeganBy);
        Assert.Empty(records["1768053608.3"].Segments);
    }

    [Fact]
    public void Local_optimisation_neither_splits_nor_doubles_the_conversation() =>
        Assert.Single(Single(SegmentsOf("local-optimize.txt")).Segments);

    [Fact]
    public void Local_optimisation_whose_far_half_was_under_another_linkedid_renames_the_party_instead_of_splitting()
    {
        var caller = SegmentsOf("local-optimize-bridged-agent.txt")["1768132800.1"];
        var segment = Assert.Single(caller.Segments);
        Assert.Equal(("SIP/1004-00000092", SegmentCause.Bridge), (segment.PartyB.Channel, segment.BeganBy));
    }

    [Fact]
    public void Queue_call_agents_rung_who_never_spoke_have_no_segment()
    {
        var call = Single(SegmentsOf("queue-agents-rung.txt"));
        Assert.Equal(3, call.Queue!.AgentsRung.Count);
        Assert.Equal("SIP/agent2-00000072", Assert.Single(call.Segments).PartyB.Channel);
    }

    [Fact]
    public void Damaged_bridge_events_bridges_found_from_the_peer_header_and_a_lost_exit_ended_by_the_hangup() =>
        Assert.Equal(SegmentCause.Hangup, Assert.Single(Single(SegmentsOf("bridge-events-damaged.txt")).Segments).EndedBy);

    /// <summary>Interprets a table and checks every call's segments against its expect block, which must describe
    /// them completely: the count, and for each segment its parties, times, seconds and causes.</summary>
    private static Dictionary<string, BillingRecord> SegmentsOf(string table)
    {
        var fixture = CelTable.Load(table);
        var records = new CelBillingInterpreter().InterpretAll(fixture.Events).ToDictionary(r => r.LinkedId);
        Assert.Equal(fixture.Expectations.Keys.Order(), records.Keys.Order());

        var mismatches = new List<string>();
        foreach (var (linkedId, expected) in fixture.Expectations)
        {
            if (!expected.TryGetValue("segment.count", out var count))
            {
                mismatches.Add($"{linkedId}: no segment.count");
                continue;
            }
            for (var n = 1; n <= int.Parse(count, System.Globalization.CultureInfo.InvariantCulture); n++)
                foreach (var key in DescribingKeys)
                    if (!expected.ContainsKey($"segment.{n}.{key}"))
                        mismatches.Add($"{linkedId}: segment.{n}.{key} not expected");
            var actual = BillingView.Of(records[linkedId]);
            foreach (var (key, value) in expected.Where(e => e.Key.StartsWith("segment.", StringComparison.Ordinal)))
                if (actual.GetValueOrDefault(key) != value)
                    mismatches.Add($"{linkedId}: {key} expected '{value}', got '{actual.GetValueOrDefault(key) ?? "(none)"}'");
        }
        Assert.True(mismatches.Count == 0, $"{table}:{Environment.NewLine}{string.Join(Environment.NewLine, mismatches)}");
        return records;
    }

    private static readonly string[] DescribingKeys = ["a", "b", "start", "answer", "end", "billsec", "duration", "began", "ended"];

    private static BillingRecord Single(Dictionary<string, BillingRecord> records) => Assert.Single(records.Values);
}
