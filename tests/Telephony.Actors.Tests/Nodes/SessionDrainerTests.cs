using Akka.Actor;
using Akka.TestKit.Xunit2;
using Telephony.Actors.Calls;
using Telephony.Actors.Nodes;
using Telephony.Actors.Nodes.HandOver;
using Telephony.Ami.Client;
using Telephony.Simulator;

namespace Telephony.Actors.Tests;

/// <summary>
/// A node handed over while its calls' shard is out of reach (a shard still moving off a member that died, which Akka
/// holds for its hand-off timeout): the session kept reading for the hand-over cannot get the events it holds
/// acknowledged. They were read from Asterisk and must not be lost: they go to the new owner to deliver.
/// </summary>
public class SessionDrainerTests : TestKit
{
    private static readonly DateTimeOffset ReadAt = new(2026, 11, 22, 22, 31, 52, TimeSpan.Zero);

    [Fact]
    public async Task Events_whose_calls_never_acknowledge_go_to_the_new_owner_before_its_done_and_leave_no_gap()
    {
        await using var sim = await AsteriskSimulator.StartAsync(new SimulatorOptions { Port = 0, TimeZone = TimeZoneInfo.Utc });
        var settings = new AsteriskNodeSettings
        {
            Name = "pbx1", Host = "127.0.0.1", Port = sim.Port, Username = "admin", Secret = "secret",
            AuthType = AmiAuthType.Md5, TimeZone = TimeZoneInfo.Utc,
        };
        var client = new AmiClient(settings.ToClientOptions());
        client.Start();
        await client.Notifications.ReadAsync(); // logged in (or the drainer would report the session lost)

        // The node's outboxes at its hand-off: one call's first event in flight, the rest of two calls waiting.
        var router = new NodeEventRouter("pbx1", TimeZoneInfo.Utc, new ChannelLinkedIds());
        var outboxes = new CallOutboxes("pbx1", router, 1000, TimeSpan.FromSeconds(10));
        var dial = NodeCaptures.Events("dial-answered.ami", "CEL");
        var busy = NodeCaptures.Events("busy.ami", "CEL");
        string Hold(Ami.Protocol.AmiMessage m)
        {
            var route = router.Route(m, ReadAt);
            outboxes.Hold(route.LinkedId!, route.Held, route.Held.At);
            return route.LinkedId!;
        }
        var dialCall = Hold(dial[0]);
        outboxes.Send(dialCall, ReadAt);
        outboxes.Outgoing.Clear();
        foreach (var m in dial.Skip(1).Take(3)) Hold(m);
        var busyCall = "";
        foreach (var m in busy.Take(2)) busyCall = Hold(m);

        var calls = CreateTestProbe(); // the call region: it receives, its shard never answers
        var others = CreateTestProbe();
        var handedOffAt = DateTimeOffset.UtcNow;
        var session = new DrainSession(settings, client, router, outboxes, null, [], [], handedOffAt);
        var drainer = Sys.ActorOf(NodeSessionDrainer.Props(session, new RegionTarget(Sys, calls.Ref), new RegionTarget(Sys, others.Ref),
            new RegionTarget(Sys, others.Ref), new RegionTarget(Sys, others.Ref), TimeSpan.FromMilliseconds(500),
            waitForOwner: TimeSpan.FromSeconds(2), tail: TimeSpan.FromMilliseconds(100), finishTimeout: TimeSpan.FromSeconds(1)));
        Watch(drainer);

        var redelivered = calls.ExpectMsg<RecordCallEvents>(); // the node's delivery in flight goes again
        Assert.Equal(dialCall, redelivered.LinkedId);

        var owner = CreateTestProbe(); // the new owner, logged in on another member
        drainer.Tell(new TakingOverNode("pbx1", DateTimeOffset.UtcNow), owner.Ref);
        Assert.True(owner.ExpectMsg<HandOverAnswer>().Holds);

        var handed = new Dictionary<string, IReadOnlyList<RecordedEvent>>();
        HandOverDone? done = null;
        owner.FishForMessage(m =>
        {
            if (m is HandedOverCallEvents h) handed[h.LinkedId] = h.Events;
            if (m is HandOverDone d) done = d;
            return m is HandOverDone;
        }, TimeSpan.FromSeconds(10));
        ExpectTerminated(drainer);

        Assert.Equal([.. dial.Take(4)], handed[dialCall].Select(e => e.Message!));
        Assert.Equal([.. busy.Take(2)], handed[busyCall].Select(e => e.Message!));
        Assert.All(handed.Values.SelectMany(e => e), e => Assert.Equal(ReadAt, e.ReceivedAt));
        Assert.True(done!.ReadUntil > handedOffAt, "the previous session read on past its hand-off: the new owner journals no gap");
        Assert.Contains("6 events unacknowledged, handed over", done.Reason);
    }
}
