using Telephony.Actors.Calls;
using Telephony.Actors.Nodes;
using Telephony.Domain.Cdr;
using Telephony.Domain.Cel;
using Telephony.Domain.Identity;

namespace Telephony.Actors.Tests;

/// <summary>The node's routing of real captured events: a Dial to a Local channel, answered (one call, LinkedID
/// 1795386708.18, three Cdr; Asterisk's Cdr carry no LinkedID, as without the cdr_manager.conf mapping).</summary>
public class NodeEventRouterTests
{
    private const string Capture = "dial-answered.ami";
    private const string Call = "1795386708.18";
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 22, 31, 52, TimeSpan.Zero);

    private static NodeEventRouter Router(ChannelLinkedIds? channels = null) =>
        new("pbx1", TimeZoneInfo.Utc, channels ?? new ChannelLinkedIds());

    [Fact]
    public void A_cel_goes_to_its_call_as_received_and_is_decoded_and_identified_when_it_leaves()
    {
        var router = Router();
        var cel = NodeCaptures.Events(Capture, "CEL")[0];

        var route = router.Route(cel, Now);

        Assert.Equal(NodeRouteKind.Routed, route.Kind);
        Assert.Equal(Call, route.LinkedId);
        Assert.Same(cel, route.Held.Cel);
        Assert.Null(route.Held.Event);

        var recorded = router.Identify(route.Held, out var refused);
        Assert.Null(refused);
        Assert.Equal(RecordedEventKind.Cel, recorded!.Kind);
        Assert.Same(cel, recorded.Message);
        var parsed = CelEventFactory.Parse(cel.Headers, TimeZoneInfo.Utc).GetValueOrThrow();
        Assert.Equal(EventIdentity.ForCel(parsed).Value, recorded.Identity);
        Assert.Equal(parsed.EventName, recorded.ParsedCel!.EventName);
    }

    [Fact]
    public void A_cel_without_linkedid_is_quarantined_with_the_reason_and_its_headers()
    {
        var router = Router();
        var cel = NodeCaptures.Without(NodeCaptures.Events(Capture, "CEL")[0], "LinkedID");

        var route = router.Route(cel, Now);

        Assert.Equal(NodeRouteKind.Quarantined, route.Kind);
        Assert.Null(route.LinkedId);
        Assert.Equal("CEL rejected: CEL event has no LinkedID", route.Quarantined!.Reason);
        Assert.Equal("pbx1", route.Quarantined.Node);
        Assert.Equal(cel.Headers, route.Quarantined.Headers);
        Assert.Equal((1, 1, 1), (router.EventsIn, router.Cel, router.Quarantined));
    }

    [Fact]
    public void A_cel_that_cannot_be_decoded_is_routed_and_refused_only_when_it_leaves()
    {
        var router = Router();
        var cel = NodeCaptures.With(NodeCaptures.Events(Capture, "CEL")[0], "EventTime", "yesterday");

        var route = router.Route(cel, Now);
        Assert.Equal(NodeRouteKind.Routed, route.Kind);

        Assert.Null(router.Identify(route.Held, out var refused));
        Assert.StartsWith("CEL rejected: ", refused!.Reason);
        Assert.Contains("yesterday", refused.Reason);
        Assert.Equal(1, router.Quarantined);
    }

    [Fact]
    public void A_cdr_without_linkedid_goes_to_the_call_its_channel_was_seen_in()
    {
        var router = Router();
        var routes = NodeCaptures.Events(Capture).Select(m => (m.EventName, Route: router.Route(m, Now))).ToList();

        var cdrs = routes.Where(r => r.EventName == "Cdr").Select(r => r.Route).ToList();
        Assert.Equal(3, cdrs.Count);
        Assert.All(cdrs, r =>
        {
            Assert.Equal(NodeRouteKind.Routed, r.Kind);
            Assert.Equal(Call, r.LinkedId);
            Assert.Equal(RecordedEventKind.Cdr, r.Held.Event!.Kind); // a Cdr is identified when routed
        });
        Assert.Equal(routes.Count, router.EventsIn);
        Assert.Equal(23, router.Cel);
        Assert.Equal(3, router.Cdr);
        Assert.Equal(23, router.EventsByType["CEL"]);
        Assert.All(routes.Where(r => r.EventName is not ("CEL" or "Cdr")), r =>
            Assert.Contains(r.Route.Kind, new[] { NodeRouteKind.Ignored, NodeRouteKind.Learned }));
    }

    [Fact]
    public void A_cdr_of_a_channel_never_seen_is_quarantined_with_the_mapping_to_configure()
    {
        var router = Router();
        var cdr = NodeCaptures.Events(Capture, "Cdr")[0];

        var route = router.Route(cdr, Now);

        Assert.Equal(NodeRouteKind.Quarantined, route.Kind);
        Assert.Equal($"Cdr for channel {cdr["UniqueID"]} has no LinkedID and no CEL of that channel was seen " +
                     "(map linkedid in cdr_manager.conf [mappings])", route.Quarantined!.Reason);
        Assert.Equal(cdr.Headers, route.Quarantined.Headers);
    }

    [Fact]
    public void A_newchannel_teaches_the_call_of_its_channel()
    {
        var channels = new ChannelLinkedIds();
        var router = Router(channels);
        var cdr = NodeCaptures.Events(Capture, "Cdr")[0];
        var newchannel = NodeCaptures.Events(Capture, "Newchannel").Single(m => m["Uniqueid"] == cdr["UniqueID"]);

        Assert.Equal(NodeRouteKind.Learned, router.Route(newchannel, Now).Kind);
        Assert.Equal(Call, channels.LinkedIdOf(cdr["UniqueID"]!));
        Assert.Equal(Call, router.Route(cdr, Now).LinkedId);
    }

    [Fact]
    public void Repeated_identical_events_are_numbered_in_the_order_they_are_identified()
    {
        var router = Router();
        var cel = NodeCaptures.Events(Capture, "CEL")[0];
        var content = EventIdentity.ForCel(CelEventFactory.Parse(cel.Headers, TimeZoneInfo.Utc).GetValueOrThrow());
        var first = router.Route(cel, Now).Held;
        var second = router.Route(cel, Now).Held;

        // Numbered when they leave, not when they arrive: the one that leaves first is the first occurrence.
        Assert.Equal(content.Value, router.Identify(second, out _)!.Identity);
        Assert.Equal(content.Occurrence(1).Value, router.Identify(first, out _)!.Identity);

        var cdrMessage = NodeCaptures.Events(Capture, "Cdr")[0];
        var cdr = CdrRecordFactory.Parse(cdrMessage.Headers, TimeZoneInfo.Utc).GetValueOrThrow();
        foreach (var m in NodeCaptures.Events(Capture, "CEL")) router.Route(m, Now); // learn the channels
        Assert.Equal(EventIdentity.ForCdr(cdr).Value, router.Route(cdrMessage, Now).Held.Event!.Identity);
        Assert.Equal(EventIdentity.ForCdr(cdr).Occurrence(1).Value, router.Route(cdrMessage, Now).Held.Event!.Identity);
    }
}
