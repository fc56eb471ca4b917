using Telephony.Actors.Calls;
using Telephony.Actors.Nodes;
using Xunit;

namespace Telephony.Actors.Tests;

/// <summary>A call in progress keeps its journaled CEL only as parsed records (the bytes are in the journal), and
/// bills exactly as it would from the events as received.</summary>
public sealed class CallStateMemoryTests
{
    private static readonly DateTimeOffset ReadAt = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_call_keeps_parsed_records_without_their_bytes_and_bills_the_same()
    {
        var router = new NodeEventRouter("pbx1", TimeZoneInfo.Utc, new ChannelLinkedIds());
        var events = new List<RecordedEvent>();
        string? linkedId = null;
        foreach (var message in NodeCaptures.Events("dial-answered.ami", "CEL"))
        {
            var route = router.Route(message, ReadAt);
            linkedId ??= route.LinkedId;
            events.Add(router.Identify(route.Held, out var quarantined)!);
            Assert.Null(quarantined);
        }
        Assert.NotNull(linkedId);
        Assert.All(events, e => Assert.NotNull(e.Message));
        var fromReceived = CallBilling.Derive(linkedId!, events, TimeZoneInfo.Utc);

        var state = new CallState();
        state.Apply(new CallEventsRecorded("pbx1", linkedId!, events));

        Assert.Equal(events.Count, state.CelCount);
        Assert.All(state.Events, e =>
        {
            Assert.True(e.IsSlim);
            Assert.Null(e.Message);
            Assert.Contains("slimmed", Assert.Throws<InvalidOperationException>(() => e.Headers).Message);
        });
        Assert.Equal(events.Select(e => (e.Identity, e.EventName)), state.Events.Select(e => (e.Identity, e.EventName)));
        Assert.True(state.LinkedIdEnded);
        Assert.Equal(0, state.LiveChannels);
        var fromKept = CallBilling.Derive(linkedId!, state.Events, TimeZoneInfo.Utc);
        Assert.NotEmpty(fromKept);
        Assert.True(CallBilling.SameRecords(fromReceived, fromKept));
    }

    [Fact]
    public void A_calls_events_share_one_string_per_channel_with_the_nodes_channel_map()
    {
        // Each CEL arrives with its own copy of its UniqueID and LinkedID; the call keeps the parsed CEL until it is
        // billed, and the node's channel map keeps these values anyway: one instance each, not one per event.
        var router = new NodeEventRouter("pbx1", TimeZoneInfo.Utc, new ChannelLinkedIds());
        var cels = NodeCaptures.Events("dial-answered.ami", "CEL")
            .Select(m => router.Identify(router.Route(m, ReadAt).Held, out _)!.ParsedCel!)
            .ToList();
        Assert.True(cels.Select(c => c.UniqueId).Distinct().Count() >= 2);
        foreach (var channel in cels.GroupBy(c => c.UniqueId))
            Assert.All(channel, c => Assert.Same(channel.First().UniqueId, c.UniqueId));
        Assert.All(cels, c => Assert.Same(cels[0].LinkedId, c.LinkedId));
        Assert.Same(cels[0].UniqueId, cels[0].LinkedId); // the first channel names the call
    }

    [Fact]
    public void Events_recovered_from_the_journal_are_kept_whole()
    {
        // A recovered event has not been parsed: it keeps its headers, and billing parses it when it needs to.
        var recovered = new RecordedEvent(RecordedEventKind.Cel, "cel1:0123456789abcdef0123456789abcdef", ReadAt,
            [new("Event", "CEL"), new("EventName", "CHAN_START"), new("UniqueID", "1.1"), new("LinkedID", "1.1")]);
        var state = new CallState();
        state.Apply(new CallEventsRecorded("pbx1", "1.1", [recovered]));
        Assert.Same(recovered, Assert.Single(state.Events));
        Assert.Equal(1, state.LiveChannels);
    }
}
