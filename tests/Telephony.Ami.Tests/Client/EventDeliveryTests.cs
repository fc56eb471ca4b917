using Telephony.Ami.Actions;
using Telephony.Ami.Client;
using Telephony.Ami.Events;
using static Telephony.Ami.Tests.Client.ClientTestKit;

namespace Telephony.Ami.Tests.Client;

/// <summary>Events reach the consumer in order, through a bounded buffer the socket reader never waits on.</summary>
public class EventDeliveryTests
{
    [Fact]
    public async Task The_events_of_a_real_call_arrive_in_capture_order_however_the_bytes_are_cut()
    {
        var expected = CaptureReplay.Messages("queue-answered.ami").Where(m => m.IsEvent).ToList();
        await using var peer = new ScriptedAmiPeer
        {
            AfterLogin = c => c.SendRawAsync(CaptureReplay.EventBytes("queue-answered.ami"), chunk: 333),
        };
        await using var client = await ConnectedClientAsync(peer);

        var received = await client.ReadEventsAsync(expected.Count);

        Assert.Equal(expected.Select(m => m.RawBytes.ToArray()), received.Select(m => m.RawBytes.ToArray()));
        Assert.Equal(expected.Count(m => m.EventName == "CEL"), client.Counters.EventsOfType("CEL"));
        Assert.Equal(expected.Count, client.Counters.EventsIn);
        Assert.Equal(0, client.Counters.EventsDropped);
    }

    [Fact]
    public async Task A_consumer_can_await_an_action_while_handling_an_event_which_deadlocks_AsterNET()
    {
        await using var peer = new ScriptedAmiPeer
        {
            AfterLogin = c => c.SendAsync(("Event", "FullyBooted"), ("Privilege", "system,all"), ("Status", "Fully Booted")),
        };
        await using var client = await ConnectedClientAsync(peer);

        var pong = await HandleFirstEventAsync().WaitAsync(Patience);

        Assert.Equal("Pong", pong["Ping"]);

        async Task<Telephony.Ami.Protocol.AmiMessage> HandleFirstEventAsync()
        {
            await foreach (var evt in client.ReadTypedEventsAsync())
            {
                if (evt is FullyBootedEvent)
                    return await client.SendActionAsync(AmiActions.Ping()); // AsterNET: handler on the reader thread waits for itself
            }
            throw new InvalidOperationException("no event");
        }
    }

    [Fact]
    public async Task A_consumer_that_falls_a_whole_buffer_behind_loses_the_newest_events_counted_and_reported()
    {
        await using var peer = new ScriptedAmiPeer();
        peer.Handlers["UserEvent"] = async (c, a) =>
        {
            for (var i = 1; i <= 50; i++) await c.SendAsync(("Event", "UserEvent"), ("UserEvent", "tick"), ("N", i.ToString()));
            await c.RespondAsync(a, ("Response", "Success"));
        };
        await using var client = await ConnectedClientAsync(peer, Options(peer) with { EventBufferCapacity = 10 });

        await client.SendActionAsync(AmiActions.UserEvent("flood")); // the reader keeps answering while the buffer is full

        var started = await client.Notifications.WaitForAsync<AmiEventOverflowStarted>();
        Assert.Equal(10, started.Capacity);
        Assert.Equal(40, client.Counters.EventsDropped);
        Assert.Equal(1, client.Counters.OverflowIncidents);
        var kept = await client.ReadEventsAsync(10);
        Assert.Equal(Enumerable.Range(1, 10).Select(i => i.ToString()), kept.Select(e => e["N"]));

        await client.SendActionAsync(AmiActions.UserEvent("flood")); // delivery resumes: the gap is reported
        var lost = await client.Notifications.WaitForAsync<AmiEventsLost>();
        Assert.Equal(40, lost.Count);
        Assert.Equal(1, lost.Session);
        Assert.Equal("1", (await client.ReadEventsAsync(1))[0]["N"]);
    }

    [Fact]
    public async Task A_consumer_that_reads_nothing_does_not_stall_the_reader_or_the_actions()
    {
        await using var peer = new ScriptedAmiPeer();
        peer.Handlers["UserEvent"] = async (c, a) =>
        {
            var burst = string.Concat(Enumerable.Range(0, 2000).Select(i => $"Event: UserEvent\r\nUserEvent: tick\r\nN: {i}\r\n\r\n"));
            await c.SendRawAsync(burst);
            await c.RespondAsync(a, ("Response", "Success"));
        };
        await using var client = await ConnectedClientAsync(peer, Options(peer) with { EventBufferCapacity = 100 });

        for (var round = 0; round < 3; round++)
            Assert.True((await client.SendActionAsync(AmiActions.UserEvent("burst"))).IsSuccess);

        Assert.Equal(6000, client.Counters.EventsIn);
        Assert.Equal(5900, client.Counters.EventsDropped);
        Assert.Equal(1, client.Counters.OverflowIncidents);
    }

    [Fact]
    public async Task Malformed_and_oversized_messages_are_counted_and_skipped_without_losing_the_next_event()
    {
        await using var peer = new ScriptedAmiPeer
        {
            AfterLogin = async c =>
            {
                await c.SendRawAsync("this line has no colon\r\nEvent: Broken\r\n\r\n");
                await c.SendRawAsync("Event: UserEvent\r\nPayload: " + new string('x', 5000) + "\r\n\r\n");
                await c.SendAsync(("Event", "UserEvent"), ("UserEvent", "after"));
            },
        };
        await using var client = await ConnectedClientAsync(peer, Options(peer) with { MaxMessageBytes = 1024 });

        var events = await client.ReadEventsAsync(1);

        Assert.Equal("after", events[0]["UserEvent"]);
        Assert.Equal(1, client.Counters.MalformedMessages);
        Assert.Equal(1, client.Counters.OversizedMessages);
        Assert.True((await client.PingAsync()).IsSuccess);
    }

    [Fact]
    public async Task A_connection_dropped_mid_message_delivers_no_half_event_and_the_next_connection_carries_on()
    {
        var bytes = CaptureReplay.EventBytes("answered.ami", m => m.EventName == "Newchannel");
        await using var peer = new ScriptedAmiPeer
        {
            AfterLogin = async c =>
            {
                if (c.Number == 1)
                {
                    await c.SendRawAsync(bytes[..(bytes.Length / 3)]);
                    c.Close();
                }
                else
                {
                    await c.SendAsync(("Event", "UserEvent"), ("UserEvent", "second connection"));
                }
            },
        };
        await using var client = await ConnectedClientAsync(peer);

        var events = await client.ReadEventsAsync(1);

        Assert.Equal("second connection", events[0]["UserEvent"]);
        Assert.Equal(0, client.Counters.EventsOfType("Newchannel"));
        Assert.Equal(0, client.Counters.MalformedMessages);
    }

    [Fact]
    public async Task Events_flow_on_across_a_reconnect_in_one_ordered_stream()
    {
        await using var peer = new ScriptedAmiPeer();
        peer.AfterLogin = async c =>
        {
            await c.SendAsync(("Event", "UserEvent"), ("UserEvent", "hello"), ("Connection", c.Number.ToString()));
            if (c.Number == 1) c.Close();
        };
        await using var client = await ConnectedClientAsync(peer);

        var events = await client.ReadEventsAsync(2);

        Assert.Equal(["1", "2"], events.Select(e => e["Connection"]));
        await client.Notifications.WaitForAsync<AmiReconnected>();
    }
}
