using Telephony.Ami.Protocol;
using Telephony.Simulator.Queue;

namespace Telephony.Simulator.Tests;

/// <summary>Virtual queue behaviour the captures describe without a file of their own (README of two-nodes): busy
/// agent, caller hang-up while the agent rings, agent phone UserEvents, the ledger's checks, a restart with a
/// waiting caller.</summary>
public sealed class VirtualQueueBehaviourTests
{
    [Fact]
    public async Task A_busy_agent_gives_an_immediate_BUSY_with_the_trunk_leg_hung_up_with_cause_17_and_the_caller_back_on_music()
    {
        await using var sim = await AsteriskSimulator.StartAsync(VirtualQueueParityTests.TwoNodes);
        await using var nodeA = await AmiTestClient.LoginAsync(sim.Nodes[0].Port);
        var caller = sim.Nodes[0].StartQueueCaller("sales", 2)!;
        await caller.Joined;

        var redirect = await nodeA.ActionAsync(("Action", "Redirect"), ("ActionID", "r"), ("Channel", caller.Channel),
            ("Context", "vq-connect"), ("Exten", "b-1003"), ("Priority", "1"));
        var result = await nodeA.NextAsync(m => m["UserEvent"] == "TelephonyConnectResult");
        await nodeA.NextAsync(m => m.EventName == "MusicOnHoldStart");

        Assert.Equal("Redirect successful", redirect.MessageText);
        Assert.Equal(("sales", "b-1003", "BUSY"), (result["Queue"]!, result["Agent"]!, result["DialStatus"]!));
        var received = nodeA.Received.ToList();
        Assert.Contains(received, m => m.EventName == "DialEnd" && m["DialStatus"] == "BUSY");
        Assert.Contains(received, m => m.EventName == "Hangup" && m["Channel"]!.StartsWith("IAX2/asterisk-2-") && m["Cause"] == "17");
        Assert.DoesNotContain(received, m => m.EventName == "DialState");
        // Back on music is back in the ledger's waiting count; the count follows the MusicOnHoldStart a moment later.
        await nodeA.WaitUntilAsync(_ => sim.VirtualQueue.Ledger.WaitingOn("asterisk-1") == 1);
        Assert.Empty(sim.VirtualQueue.Ledger.Connections);
    }

    [Fact]
    public async Task Getvar_BRIDGEPEER_of_a_caller_is_empty_on_music_and_names_the_trunk_leg_while_it_talks_to_the_agent()
    {
        // What a queue asks when it missed a connect's answer (vq-remote-answer sets BRIDGEPEER on the caller ;2).
        await using var sim = await AsteriskSimulator.StartAsync(VirtualQueueParityTests.TwoNodes with { TimeScale = 0.1 });
        await using var nodeA = await AmiTestClient.LoginAsync(sim.Nodes[0].Port);
        var caller = sim.Nodes[0].StartQueueCaller("sales", 2)!;
        await caller.Joined;
        var onMusic = await nodeA.ActionAsync(("Action", "Getvar"), ("ActionID", "g1"), ("Channel", caller.Channel), ("Variable", "BRIDGEPEER"));

        await nodeA.ActionAsync(("Action", "Redirect"), ("ActionID", "r"), ("Channel", caller.Channel),
            ("Context", "vq-connect"), ("Exten", "b-1001"), ("Priority", "1"));
        var answered = await nodeA.NextAsync(m => m.EventName == "DialEnd" && m["DialStatus"] == "ANSWER");
        await nodeA.NextAsync(m => m.EventName == "VarSet" && m["Variable"] == "BRIDGEPEER" && m["Channel"] == caller.Channel);
        var talking = await nodeA.ActionAsync(("Action", "Getvar"), ("ActionID", "g2"), ("Channel", caller.Channel), ("Variable", "BRIDGEPEER"));

        Assert.Equal(("Success", ""), (onMusic["Response"]!, onMusic["Value"]!));
        Assert.Equal("Success", talking["Response"]);
        Assert.Equal(answered["DestChannel"], talking["Value"]);
        Assert.StartsWith("IAX2/asterisk-2-", talking["Value"]);
    }

    [Fact]
    public async Task A_caller_hung_up_while_the_agent_rings_is_a_CANCEL_on_both_nodes()
    {
        // No Dial timeout, and 1002's own Wait(120) lasts 12 s of wall time: the Hangup comes while it rings.
        await using var sim = await AsteriskSimulator.StartAsync(VirtualQueueParityTests.TwoNodes with
        {
            TimeScale = 0.1, VirtualQueue = new VirtualQueueOptions { RingTimeout = TimeSpan.FromHours(1) },
        });
        await using var nodeA = await AmiTestClient.LoginAsync(sim.Nodes[0].Port);
        await using var nodeB = await AmiTestClient.LoginAsync(sim.Nodes[1].Port);
        var caller = sim.Nodes[0].StartQueueCaller()!;
        await caller.Joined;

        await nodeA.ActionAsync(("Action", "Redirect"), ("ActionID", "r"), ("Channel", caller.Channel),
            ("Context", "vq-connect"), ("Exten", "b-1002"), ("Priority", "1"));
        await nodeA.NextAsync(m => m.EventName == "DialState" && m["DialStatus"] == "RINGING");
        var hangup = await nodeA.ActionAsync(("Action", "Hangup"), ("ActionID", "h"), ("Channel", caller.Channel));
        await nodeA.SeenAsync(m => m["EventName"] == "LINKEDID_END");
        await nodeB.NextAsync(m => m["EventName"] == "LINKEDID_END");
        await caller.Completion;

        Assert.Equal("Channel Hungup", hangup.MessageText);
        Assert.Contains(nodeA.Received, m => m.EventName == "DialEnd" && m["DialStatus"] == "CANCEL");
        Assert.Contains(nodeB.Received, m => m.EventName == "DialEnd" && m["DialStatus"] == "CANCEL");
        Assert.All(nodeA.Received.Where(m => m.EventName == "Hangup" && m["Channel"]!.StartsWith("Local/vq@")),
            m => Assert.Equal("0", m["Cause"]));
        Assert.DoesNotContain(nodeA.Received, m => m["UserEvent"] == "TelephonyConnectResult");
        Assert.Equal((QueueCallerOutcome.HungUp, 1L), (caller.Outcome!.Value, sim.VirtualQueue.Ledger.Abandoned));
    }

    [Fact]
    public async Task An_agent_phone_raises_login_logout_and_pause_UserEvents_laid_out_like_the_join()
    {
        await using var sim = await AsteriskSimulator.StartAsync(VirtualQueueParityTests.TwoNodes);
        await using var nodeB = await AmiTestClient.LoginAsync(sim.Nodes[1].Port);
        sim.Nodes[1].RaiseAgentEvent("2001", "TelephonyAgentLogin", "shift start");
        sim.Nodes[1].RaiseAgentEvent("2001", "TelephonyAgentPause", "lunch");
        sim.Nodes[1].RaiseAgentEvent("2001", "TelephonyAgentLogout", "shift end");
        await nodeB.WaitUntilAsync(r => r.Count(m => m.EventName == "UserEvent") == 3);

        var events = nodeB.Received.Where(m => m.EventName == "UserEvent").ToList();
        var join = Fixtures.Capture.Load("two-nodes/vq-remote-answer.a").Received.Single(m => m["UserEvent"] == "TelephonyQueueJoin");
        var snapshot = join.Headers.Select(h => h.Key).TakeWhile(k => k != "UserEvent").Append("UserEvent").Append("Agent").Append("Reason");
        Assert.All(events, e => Assert.Equal(snapshot, e.Headers.Select(h => h.Key)));
        Assert.Equal([("TelephonyAgentLogin", "shift start"), ("TelephonyAgentPause", "lunch"), ("TelephonyAgentLogout", "shift end")],
            events.Select(e => (e["UserEvent"]!, e["Reason"]!)));
        Assert.All(events, e => Assert.Equal("2001", e["Agent"]));
    }

    [Fact]
    public async Task The_ledger_finds_an_agent_connected_to_two_callers_at_once()
    {
        // One scaled clock for the node's queue calls: with a clock per call, two callers started a few milliseconds
        // apart under load had connection times the ledger could not compare (a flaky miss in CI).
        // A tenth of real time, not the fast tests' hundredth: at 100x the two Redirects raced the first call's progress
        // on a loaded machine (the second connect sometimes never came, or the clocks could not be compared).
        await using var sim = await AsteriskSimulator.StartAsync(VirtualQueueParityTests.TwoNodes with { SubSecondTimes = true, TimeScale = 0.1 });
        await using var nodeA = await AmiTestClient.LoginAsync(sim.Nodes[0].Port);
        sim.VirtualQueue.SetAgent(AgentBehavior.Answers("2001", 2, 1, TimeSpan.FromDays(1).TotalSeconds));
        var first = sim.Nodes[0].StartQueueCaller()!;
        var second = sim.Nodes[0].StartQueueCaller("support", 1)!;
        await Task.WhenAll(first.Joined, second.Joined);

        // A queue manager that forgot the agent is busy: both callers go to 2001 on node 2.
        foreach (var c in new[] { first, second })
            await nodeA.ActionAsync(("Action", "Redirect"), ("ActionID", c.Channel), ("Channel", c.Channel),
                ("Context", "vq-connect"), ("Exten", "asterisk-2-2001"), ("Priority", "1"));
        await nodeA.WaitUntilAsync(_ => sim.VirtualQueue.Ledger.Connections.Count == 2);
        // Both talk a while before the hang-ups: the ledger compares each call's own clock, and their random sub-second
        // wait fractions leave them up to a second or two apart; 500 ms of wall clock is 5 simulated seconds here.
        await Task.Delay(500);
        foreach (var c in new[] { first, second })
            await nodeA.ActionAsync(("Action", "Hangup"), ("ActionID", "h" + c.Channel), ("Channel", c.Channel));
        await Task.WhenAll(first.Completion, second.Completion);

        var ledger = sim.VirtualQueue.Ledger;
        Assert.Equal(2, ledger.Connections.Count);
        Assert.True(ledger.Overlaps().Count == 1, string.Join("; ", ledger.Connections.Select(c => $"{c.CallerUniqueid} {c.Start:HH:mm:ss.ffffff}-{c.End:HH:mm:ss.ffffff}")));
        var (one, other) = Assert.Single(ledger.Overlaps());
        Assert.Equal(("2001", "2001"), (one.AgentId, other.AgentId));
        Assert.Empty(ledger.CallersConnectedMoreThanOnce());
        Assert.Equal([QueueCallerOutcome.Connected, QueueCallerOutcome.Connected], new[] { first.Outcome!.Value, second.Outcome!.Value });
        Assert.Single(first.Connections);
        Assert.Equal((0, 0L, 2L), (ledger.Waiting, ledger.Abandoned, ledger.Joined));
    }

    [Fact]
    public async Task A_restart_hangs_up_the_waiting_caller_with_the_shutdown_cause_and_Shutdown_comes_last()
    {
        await using var sim = await AsteriskSimulator.StartAsync(VirtualQueueParityTests.TwoNodes with
        {
            VirtualQueue = new VirtualQueueOptions { MaxWait = TimeSpan.FromDays(1) },
        });
        await using var nodeA = await AmiTestClient.LoginAsync(sim.Nodes[0].Port);
        var caller = sim.Nodes[0].StartQueueCaller()!;
        await caller.Joined;

        await sim.Nodes[0].Faults.RestartAsync(TimeSpan.Zero);
        var all = await nodeA.UntilClosedAsync();

        var received = nodeA.Received.Where(m => m.IsEvent).ToList();
        Assert.Equal("Shutdown", received[^1].EventName);
        var local = received.Where(m => m["Channel"]?.StartsWith("Local/vq@") == true).ToList();
        Assert.Equal(["4", "4"], local.Where(m => m.EventName == "SoftHangupRequest").Select(m => m["Cause"]!));
        Assert.Equal(["0", "0"], local.Where(m => m.EventName == "Hangup").Select(m => m["Cause"]!));
        Assert.Equal(0, sim.VirtualQueue.Ledger.Waiting);
        Assert.Empty(sim.Nodes[0].LiveChannels);
        Assert.NotEmpty(all);
    }
}
