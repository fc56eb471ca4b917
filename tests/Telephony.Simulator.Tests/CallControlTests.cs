using Telephony.Ami.Protocol;
using Telephony.Simulator.Tests.Fixtures;

namespace Telephony.Simulator.Tests;

/// <summary>Actions on live calls: listings, AMI Hangup (the queue-hungup-by-ami scenario), Originate variants.</summary>
public sealed class CallControlTests
{
    [Fact]
    public async Task A_caller_removed_from_the_queue_by_AMI_Hangup_plays_out_as_in_the_capture()
    {
        var capture = Capture.Load("queue-hungup-by-ami");
        var status = Capture.Load("status-during-queue-call");
        // Real time: the status connection lists the channels while the agents ring (15 s in the capture); at the fast
        // tests' 100x the rings timed out and the call moved on while a slow machine was still logging in to list.
        await using var sim = await AsteriskSimulator.StartAsync(TestOptions.Fast with { TimeScale = 1 });
        await using var caller = await AmiTestClient.ConnectAsync(sim.Port);
        foreach (var action in capture.Sent.SkipLast(1)) await caller.SendRawAsync(action.RawBytes);
        // The call waits in the queue; both agents ring.
        var join = await caller.NextAsync(m => m.EventName == "QueueCallerJoin");
        await caller.NextAsync(m => m.EventName == "DialState" && m["DestChannel"]!.StartsWith("Local/agent1"));

        // Second connection, Events: off, as in status-during-queue-call.sent; its Hangup names our caller channel.
        await using var observer = await AmiTestClient.ConnectAsync(sim.Port);
        foreach (var action in status.Sent)
        {
            var bytes = action["Action"] == "Hangup" && action.ActionId == "hangup-live"
                ? new AmiMessageWriter().Add("Action", "Hangup").Add("ActionID", "hangup-live")
                    .Add("Channel", join["Channel"]).Add("Cause", "16").ToArray()
                : action.RawBytes.ToArray();
            await observer.SendRawAsync(bytes);
        }
        var observed = (await observer.UntilClosedAsync()).Where(m => m.Kind != AmiMessageKind.Banner).ToList();
        await caller.NextAsync(m => m["EventName"] == "LINKEDID_END");
        await caller.WaitUntilAsync(r => r.Count(m => m.EventName == "Cdr") == 5);

        // The status connection saw what the real one saw: six channels, the caller in the queue, then the hangups.
        var realObserved = status.Received.Where(m => m.Kind != AmiMessageKind.Banner).ToList();
        Assert.Equal(realObserved.Select(m => m.EventName ?? $"{m.ResponseStatus} {m.MessageText}"),
            observed.Select(m => m.EventName ?? $"{m.ResponseStatus} {m.MessageText}"));
        Assert.Equal(6, observed.Count(m => m.EventName == "CoreShowChannel"));
        Assert.Equal(join["Channel"], observed.Single(m => m.EventName == "QueueEntry")["Channel"]);
        Assert.Equal("1", observed.Single(m => m.EventName == "QueueParams")["Calls"]);
        Assert.Equal("6", observed.Single(m => m.ActionId == "corestatus-live")["CoreCurrentCalls"]);
        Assert.Equal(realObserved.Single(m => m.EventName == "CoreShowChannel" && m["Channel"]!.Contains("agent1") && m["Channel"]!.EndsWith(";2")).Headers.Select(h => h.Key),
            observed.Single(m => m.EventName == "CoreShowChannel" && m["Channel"]!.Contains("agent1") && m["Channel"]!.EndsWith(";2")).Headers.Select(h => h.Key));
        Assert.DoesNotContain(observed, m => m.EventName is "CEL" or "Cdr");

        // The caller's connection got the real call's CEL sequence and Cdr dispositions.
        var simulated = CallOutcome.Of(caller.Received);
        Assert.Equal(capture.Outcome.CelSequences, simulated.CelSequences);
        Assert.Equal(capture.Outcome.CdrDispositions, simulated.CdrDispositions);
        Assert.Empty(sim.Node.LiveChannels);
    }

    [Fact]
    public async Task Hanging_up_an_answered_call_mid_way_ends_every_channel_with_a_Cdr_and_LINKEDID_END()
    {
        await using var sim = await AsteriskSimulator.StartAsync(TestOptions.Fast with { TimeScale = 1 });
        await using var client = await AmiTestClient.LoginAsync(sim.Port);
        await client.ActionAsync(("Action", "Originate"), ("Channel", "Local/answer@test"), ("Context", "hold"),
            ("Exten", "s"), ("Priority", "1"), ("CallerID", "\"Ann\" <200>"), ("Async", "true"), ("ActionID", "o1"));
        await client.NextAsync(m => m.EventName == "OriginateResponse");
        var coreShow = await client.ActionAsync(("Action", "CoreShowChannels"), ("ActionID", "csc"));
        var listed = await client.UntilAsync(m => m.EventName == "CoreShowChannelsComplete");

        var hangup = await client.ActionAsync(("Action", "Hangup"), ("Channel", "Local/answer@test-00000000;1"), ("ActionID", "h1"));
        await client.SeenAsync(m => m["EventName"] == "LINKEDID_END");

        Assert.Equal("Channels will follow", coreShow.MessageText);
        Assert.Equal(2, listed.Count(m => m.EventName == "CoreShowChannel"));
        Assert.Equal("Channel Hungup", hangup.MessageText);
        var cdrs = client.Received.Where(m => m.EventName == "Cdr").ToList();
        Assert.Equal(2, cdrs.Count);
        Assert.All(cdrs, c => Assert.Equal("ANSWERED", c["Disposition"]));
        Assert.All(cdrs, c => Assert.Equal("200", c["Source"]));
        Assert.Equal(2, client.Received.Count(m => m.EventName == "Hangup"));
        Assert.Empty(sim.Node.LiveChannels);
    }

    [Fact]
    public async Task Hangup_of_a_channel_that_does_not_exist_says_so()
    {
        await using var sim = await AsteriskSimulator.StartAsync(TestOptions.Fast);
        await using var client = await AmiTestClient.LoginAsync(sim.Port);

        var reply = await client.ActionAsync(("Action", "Hangup"), ("Channel", "Local/nosuch@test-ffffffff;1"), ("ActionID", "h"));
        var redirect = await client.ActionAsync(("Action", "Redirect"), ("Channel", "SIP/none"), ("Exten", "s"), ("ActionID", "r"));

        Assert.Equal(("Error", "No such channel"), (reply.ResponseStatus!, reply.MessageText!));
        Assert.Equal("Channel does not exist: SIP/none", redirect.MessageText);
    }

    [Fact]
    public async Task Redirect_moves_a_live_channel_and_says_so()
    {
        await using var sim = await AsteriskSimulator.StartAsync(TestOptions.Fast with { TimeScale = 1 });
        await using var client = await AmiTestClient.LoginAsync(sim.Port);
        var call = sim.Node.StartCall("answered")!;
        await client.NextAsync(m => m["EventName"] == "ANSWER");

        var reply = await client.ActionAsync(("Action", "Redirect"), ("Channel", "Local/answer@test-00000000;1"),
            ("Context", "hold"), ("Exten", "short"), ("Priority", "1"), ("ActionID", "r"));
        await client.WaitUntilAsync(r => r.Any(m => m.EventName == "Newexten" && m["Exten"] == "short"));
        var moved = client.Received.First(m => m.EventName == "Newexten" && m["Exten"] == "short");

        Assert.Equal("Redirect successful", reply.MessageText);
        Assert.Equal(call.Linkedid, moved["Linkedid"]);
    }

    [Fact]
    public async Task Originate_with_ChannelId_makes_those_the_uniqueid_and_linkedid_everywhere()
    {
        await using var sim = await AsteriskSimulator.StartAsync(TestOptions.Fast);
        await using var client = await AmiTestClient.LoginAsync(sim.Port);

        await client.ActionAsync(("Action", "Originate"), ("Channel", "Local/answer@test"), ("Context", "hold"),
            ("Exten", "s"), ("Async", "true"), ("ChannelId", "call-42-a"), ("OtherChannelId", "call-42-b"), ("ActionID", "o"));
        await client.NextAsync(m => m["EventName"] == "LINKEDID_END");
        Assert.Null(sim.Node.LastCallFault);
        await client.WaitUntilAsync(r => r.Count(m => m.EventName == "Cdr") == 2);

        var events = client.Received.Where(m => m.IsEvent && m.EventName is "CEL" or "Cdr" or "Newchannel" or "Hangup").ToList();
        Assert.All(events.Where(m => m.Has("LinkedID") || m.Has("Linkedid")), m => Assert.Equal("call-42-a", m["LinkedID"]));
        Assert.Equal(["call-42-a", "call-42-b"], events.Where(m => m.EventName == "Cdr").Select(m => m["UniqueID"]!).Order());
        Assert.Equal("call-42-a", client.Received.Single(m => m.EventName == "OriginateResponse")["Uniqueid"]);
    }

    [Fact]
    public async Task Originate_to_a_channel_the_dialplan_does_not_know_fails_with_reason_0()
    {
        await using var sim = await AsteriskSimulator.StartAsync(TestOptions.Fast);
        await using var client = await AmiTestClient.LoginAsync(sim.Port);

        var queued = await client.ActionAsync(("Action", "Originate"), ("Channel", "SIP/nobody"), ("Context", "hold"),
            ("Exten", "s"), ("Async", "true"), ("ActionID", "o"));
        var response = await client.NextAsync(m => m.EventName == "OriginateResponse");

        Assert.Equal("Originate successfully queued", queued.MessageText);
        Assert.Equal(("Failure", "0", "<unknown>", "o"), (response["Response"]!, response["Reason"]!, response["Uniqueid"]!, response.ActionId!));
    }

    [Fact]
    public async Task A_synchronous_Originate_is_answered_when_the_call_is_answered_or_fails()
    {
        await using var sim = await AsteriskSimulator.StartAsync(TestOptions.Fast);
        await using var client = await AmiTestClient.LoginAsync(sim.Port);

        var answered = await client.ActionAsync(("Action", "Originate"), ("Channel", "Local/answer@test"), ("Context", "hold"),
            ("Exten", "s"), ("ActionID", "sync-1"));
        var busy = await client.ActionAsync(("Action", "Originate"), ("Channel", "Local/busy@test"), ("Context", "hold"),
            ("Exten", "s"), ("ActionID", "sync-2"));

        Assert.Equal(("Success", "Originate successfully queued"), (answered.ResponseStatus!, answered.MessageText!));
        Assert.Equal(("Error", "Originate failed"), (busy.ResponseStatus!, busy.MessageText!));
        Assert.DoesNotContain(client.Received, m => m.EventName == "OriginateResponse");
    }

    [Fact]
    public async Task Cdr_mappings_add_LinkedID_and_a_growing_Sequence()
    {
        await using var sim = await AsteriskSimulator.StartAsync(TestOptions.Fast with { CdrLinkedIdAndSequence = true });
        await using var client = await AmiTestClient.LoginAsync(sim.Port);

        var call = sim.Node.StartCall("dial-answered")!;
        await call.Completion.WaitAsync(AmiTestClient.Patience);
        await client.WaitUntilAsync(r => r.Count(m => m.EventName == "Cdr") == 3);

        var cdrs = client.Received.Where(m => m.EventName == "Cdr").ToList();
        Assert.All(cdrs, c => Assert.Equal(call.Linkedid, c["LinkedID"]));
        Assert.Equal(["0", "1", "2"], cdrs.Select(c => c["Sequence"]!));
        Assert.Equal(["UserField", "LinkedID", "Sequence"], cdrs[0].Headers.TakeLast(3).Select(h => h.Key));
    }

    [Fact]
    public async Task Queue_status_follows_the_queue_events()
    {
        await using var sim = await AsteriskSimulator.StartAsync(TestOptions.Fast);
        await using var client = await AmiTestClient.LoginAsync(sim.Port);

        await sim.Node.StartCall("queue-answered")!.Completion.WaitAsync(AmiTestClient.Patience);
        await sim.Node.StartCall("queue-abandoned")!.Completion.WaitAsync(AmiTestClient.Patience);
        await client.ActionAsync(("Action", "QueueStatus"), ("ActionID", "qs"));
        var list = await client.UntilAsync(m => m.EventName == "QueueStatusComplete");

        var queue = list.Single(m => m.EventName == "QueueParams");
        Assert.Equal(("1", "1", "0"), (queue["Completed"]!, queue["Abandoned"]!, queue["Calls"]!));
        var agentOne = list.Single(m => m.EventName == "QueueMember" && m["Name"] == "Agent One");
        Assert.Equal("1", agentOne["CallsTaken"]);
        var memberStatus = client.Received.Last(m => m.EventName == "QueueMemberStatus" && m["MemberName"] == "Agent One");
        Assert.Equal("1", memberStatus["CallsTaken"]);
        Assert.Equal(sim.Node.StartedAt.ToUnixTimeSeconds().ToString(), memberStatus["LoginTime"]);
    }
}
