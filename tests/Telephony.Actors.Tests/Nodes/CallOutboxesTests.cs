using Telephony.Actors.Calls;
using Telephony.Actors.Nodes;
using Telephony.Ami.Protocol;

namespace Telephony.Actors.Tests;

/// <summary>How a node's events leave for their call entities: real captured CEL of two calls, held, sent, acknowledged
/// and redelivered by hand.</summary>
public class CallOutboxesTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 22, 31, 52, TimeSpan.Zero);
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private readonly NodeEventRouter _router = new("pbx1", TimeZoneInfo.Utc, new ChannelLinkedIds());
    private readonly IReadOnlyList<AmiMessage> _dial = NodeCaptures.Events("dial-answered.ami", "CEL");
    private readonly IReadOnlyList<AmiMessage> _busy = NodeCaptures.Events("busy.ami", "CEL");

    private CallOutboxes Outboxes(int inFlightLimit = 1000) => new("pbx1", _router, inFlightLimit, Timeout);

    /// <summary>Routes a captured event into the outboxes and returns its call.</summary>
    private string Hold(CallOutboxes outboxes, AmiMessage message)
    {
        var route = _router.Route(message, Now);
        Assert.Equal(NodeRouteKind.Routed, route.Kind);
        outboxes.Hold(route.LinkedId!, route.Held, Now);
        return route.LinkedId!;
    }

    private static List<RecordCallEvents> TakeOutgoing(CallOutboxes outboxes)
    {
        var sent = outboxes.Outgoing.ToList();
        outboxes.Outgoing.Clear();
        return sent;
    }

    private static CallEventsAccepted Ack(RecordCallEvents d) => new(d.Node, d.LinkedId, d.DeliveryId, d.Events.Count, 0);

    [Fact]
    public void A_call_with_a_delivery_in_flight_holds_new_events_until_the_ack_then_sends_them_as_one_delivery()
    {
        var outboxes = Outboxes();
        var call = Hold(outboxes, _dial[0]);
        outboxes.Send(call, Now);
        var first = Assert.Single(TakeOutgoing(outboxes));
        Assert.Single(first.Events);

        Hold(outboxes, _dial[1]);
        Hold(outboxes, _dial[2]);
        outboxes.Send(call, Now);
        Assert.Empty(outboxes.Outgoing); // one delivery in flight per call
        Assert.Equal((3, 1), (outboxes.Held, outboxes.InFlight));

        Assert.True(outboxes.Accept(Ack(first), Now));
        var second = Assert.Single(TakeOutgoing(outboxes));
        Assert.Equal(call, second.LinkedId);
        Assert.Equal([_dial[1], _dial[2]], second.Events.Select(e => e.Message!));
        Assert.True(second.DeliveryId > first.DeliveryId);
        Assert.Equal((2, 2, 1L), (outboxes.Held, outboxes.InFlight, outboxes.Journaled));

        Assert.True(outboxes.Accept(Ack(second), Now));
        Assert.Empty(outboxes.Outgoing);
        Assert.Equal((0, 0, 0, 3L), (outboxes.Held, outboxes.InFlight, outboxes.DeliveriesInFlight, outboxes.Journaled));
        Assert.Equal(2, outboxes.InFlightPeak);
    }

    [Fact]
    public void Past_the_in_flight_limit_a_call_waits_its_turn_and_goes_first_when_an_ack_frees_room()
    {
        var outboxes = Outboxes(inFlightLimit: 2);
        var dial = Hold(outboxes, _dial[0]);
        Hold(outboxes, _dial[1]);
        outboxes.Send(dial, Now);
        var first = Assert.Single(TakeOutgoing(outboxes));
        Assert.Equal(2, outboxes.InFlight);

        var busy = Hold(outboxes, _busy[0]);
        outboxes.Send(busy, Now);
        Assert.Empty(outboxes.Outgoing);
        Assert.Equal(1, outboxes.CallsWaiting);
        Hold(outboxes, _dial[2]);

        outboxes.Accept(Ack(first), Now);
        var sent = TakeOutgoing(outboxes);
        Assert.Equal([busy, dial], sent.Select(d => d.LinkedId)); // the call that waited goes before the one acknowledged
        Assert.Equal(0, outboxes.CallsWaiting);
        Assert.Equal(2, outboxes.InFlight);
    }

    [Fact]
    public void An_unacknowledged_delivery_is_resent_after_the_timeout_until_it_is_acknowledged()
    {
        var outboxes = Outboxes();
        var call = Hold(outboxes, _dial[0]);
        outboxes.Send(call, Now);
        var delivery = Assert.Single(TakeOutgoing(outboxes));

        Assert.Equal(0, outboxes.Redeliver(Now + Timeout - TimeSpan.FromMilliseconds(1)));
        Assert.Empty(outboxes.Outgoing);

        Assert.Equal(1, outboxes.Redeliver(Now + Timeout));
        Assert.Same(delivery, Assert.Single(TakeOutgoing(outboxes))); // the same delivery: the entity drops the copy
        Assert.Equal(0, outboxes.Redeliver(Now + Timeout + Timeout / 2)); // the timeout counts from the resend

        Assert.True(outboxes.Accept(Ack(delivery), Now + Timeout * 2));
        Assert.Equal(0, outboxes.Redeliver(Now + Timeout * 5));
        Assert.Empty(outboxes.Outgoing);
    }

    [Fact]
    public void An_answer_to_a_delivery_already_answered_changes_nothing()
    {
        var outboxes = Outboxes();
        var call = Hold(outboxes, _dial[0]);
        outboxes.Send(call, Now);
        var delivery = Assert.Single(TakeOutgoing(outboxes));
        Assert.True(outboxes.Accept(new CallEventsAccepted("pbx1", call, delivery.DeliveryId, 1, 0), Now));

        Assert.False(outboxes.Accept(new CallEventsAccepted("pbx1", call, delivery.DeliveryId, 0, 1), Now));
        Assert.Equal((1L, 0L, 0), (outboxes.Journaled, outboxes.Duplicates, outboxes.Held));
    }

    [Fact]
    public void A_cel_refused_when_it_leaves_is_quarantined_and_the_rest_of_the_call_goes_on()
    {
        var outboxes = Outboxes();
        var call = Hold(outboxes, _dial[0]);
        Hold(outboxes, NodeCaptures.With(_dial[1], "EventTime", "yesterday"));
        Hold(outboxes, _dial[2]);

        outboxes.Send(call, Now);

        var delivery = Assert.Single(TakeOutgoing(outboxes));
        Assert.Equal([_dial[0], _dial[2]], delivery.Events.Select(e => e.Message!));
        var refused = Assert.IsType<EventQuarantined>(Assert.Single(outboxes.Quarantine));
        Assert.StartsWith("CEL rejected: ", refused.Reason);
        Assert.Equal((2, 2), (outboxes.Held, outboxes.InFlight));
    }

    [Fact]
    public void A_call_whose_only_events_are_refused_sends_nothing()
    {
        var outboxes = Outboxes();
        var call = Hold(outboxes, NodeCaptures.With(_dial[0], "EventTime", "yesterday"));

        outboxes.Send(call, Now);

        Assert.Empty(outboxes.Outgoing);
        Assert.Single(outboxes.Quarantine);
        Assert.Equal((0, 0, 0), (outboxes.Held, outboxes.DeliveriesInFlight, outboxes.Redeliver(Now + Timeout)));
    }

    [Fact]
    public void A_hand_over_that_must_end_takes_every_unacknowledged_event_in_read_order_and_leaves_nothing_to_redeliver()
    {
        var outboxes = Outboxes(inFlightLimit: 2);
        var dial = Hold(outboxes, _dial[0]);
        outboxes.Send(dial, Now);
        TakeOutgoing(outboxes); // in flight, never acknowledged: the call's shard is out of reach
        Hold(outboxes, _dial[1]);
        Hold(outboxes, NodeCaptures.With(_dial[2], "EventTime", "yesterday"));
        Hold(outboxes, _dial[3]);
        var busy = Hold(outboxes, _busy[0]);
        Hold(outboxes, _busy[1]);
        outboxes.Send(busy, Now);
        TakeOutgoing(outboxes);

        var taken = outboxes.TakeUnacknowledged().ToDictionary(t => t.LinkedId, t => t.Events);

        Assert.Equal([_dial[0], _dial[1], _dial[3]], taken[dial].Select(e => e.Message!));
        Assert.Equal([_busy[0], _busy[1]], taken[busy].Select(e => e.Message!));
        Assert.Single(outboxes.Quarantine); // the refused CEL is not lost either
        Assert.Equal((0, 0, 0, 0), (outboxes.Held, outboxes.InFlight, outboxes.DeliveriesInFlight, outboxes.CallsWaiting));
        Assert.Equal(0, outboxes.Redeliver(Now + Timeout));
        Assert.Empty(outboxes.TakeUnacknowledged());
    }

    [Fact]
    public void The_node_claims_to_have_observed_only_until_its_oldest_unacknowledged_event()
    {
        var outboxes = Outboxes();
        Assert.Null(outboxes.OldestHeldAt());
        var route = _router.Route(_dial[0], Now);
        outboxes.Hold(route.LinkedId!, route.Held, Now);
        outboxes.Send(route.LinkedId!, Now);
        var first = Assert.Single(TakeOutgoing(outboxes));
        var later = _router.Route(_busy[0], Now.AddSeconds(30));
        outboxes.Hold(later.LinkedId!, later.Held, Now.AddSeconds(30));

        Assert.Equal(Now, outboxes.OldestHeldAt()); // read first, still in flight

        outboxes.Accept(Ack(first), Now.AddSeconds(31));
        Assert.Equal(Now.AddSeconds(30), outboxes.OldestHeldAt()); // only the later call's event is left
    }

    [Fact]
    public void A_backlog_routed_late_is_claimed_from_when_it_was_read_not_from_when_it_was_routed()
    {
        // Read while the session start waited for the journal (a database outage), routed 70 s later: were the member
        // to die now, its successor's gap must start before these events, not at the moment they were routed.
        var outboxes = Outboxes();
        var readSince = Now;
        var routedAt = Now.AddSeconds(70);
        var route = _router.Route(_dial[0], routedAt);
        outboxes.Hold(route.LinkedId!, route.Held, readSince);
        Assert.Equal(readSince, outboxes.OldestHeldAt());
        outboxes.Send(route.LinkedId!, routedAt);
        var delivery = Assert.Single(TakeOutgoing(outboxes));
        Assert.Equal(readSince, outboxes.OldestHeldAt()); // in flight: still the moment it was read

        outboxes.Accept(Ack(delivery), routedAt.AddSeconds(1));
        Assert.Null(outboxes.OldestHeldAt());
    }
}
