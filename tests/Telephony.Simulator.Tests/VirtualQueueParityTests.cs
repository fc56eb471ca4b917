using Telephony.Ami.Protocol;
using Telephony.Simulator.Tests.Fixtures;

namespace Telephony.Simulator.Tests;

/// <summary>
/// The virtual queue flows of two-nodes/vq-*: the captures' own actions go to two simulated nodes over TCP (node 1
/// plays pbx-a, node 2 pbx-b) and both nodes' streams must tell the captured story event for event, channel for
/// channel (ids, times and IAX2 call numbers aside), with the captured Linkedid relationships.
/// </summary>
public sealed class VirtualQueueParityTests
{
    internal static SimulatorOptions TwoNodes => TestOptions.Fast with { Nodes = 2, CdrLinkedIdAndSequence = true };

    /// <summary>Time scale 0.1 here: the captured caller holds 60 s before its phone hangs up, and the test's Redirect
    /// must reach it first; at 0.01 that was 0.6 s of wall clock, and the first test of a fresh process, compiling
    /// its code on first use, sometimes sent it later ("Channel does not exist", then nothing on node B).</summary>
    private static SimulatorOptions Parity => TwoNodes with { TimeScale = 0.1 };

    [Fact]
    public async Task Redirect_to_a_remote_agent_that_answers_plays_vq_remote_answer_on_both_nodes()
    {
        var a = Capture.Load("two-nodes/vq-remote-answer.a");
        var b = Capture.Load("two-nodes/vq-remote-answer.b");
        await using var sim = await AsteriskSimulator.StartAsync(Parity);
        await using var nodeA = await AmiTestClient.LoginAsync(sim.Nodes[0].Port);
        await using var nodeB = await AmiTestClient.LoginAsync(sim.Nodes[1].Port);

        await nodeA.SendRawAsync(Sent(a, "orig-001"));
        await nodeA.NextAsync(m => m["UserEvent"] == "TelephonyQueueJoin");
        await nodeA.SendRawAsync(Sent(a, "redirect-1"));
        await nodeA.NextAsync(m => m["EventName"] == "LINKEDID_END");
        await nodeB.NextAsync(m => m["EventName"] == "LINKEDID_END");
        await nodeA.WaitForAsync(r => QueueFlowShape.Of(r).Count >= QueueFlowShape.Of(a.Received).Count);
        await nodeB.WaitForAsync(r => QueueFlowShape.Of(r).Count >= QueueFlowShape.Of(b.Received).Count);

        Assert.Equal(QueueFlowShape.Of(a.Received), QueueFlowShape.Of(nodeA.Received));
        Assert.Equal(QueueFlowShape.Of(b.Received), QueueFlowShape.Of(nodeB.Received));
        Assert.Equal(Responses(a), Responses(nodeA.Received));
        LinkedidsAreOnePerServer(nodeA.Received, nodeB.Received);
        var connection = Assert.Single(sim.VirtualQueue.Ledger.Connections);
        Assert.Equal(("asterisk-1", "1001", "asterisk-2", "Redirect"), (connection.CallerNode, connection.AgentId, connection.AgentNode, connection.Via));
        Assert.NotNull(connection.End);
        Assert.Equal(ConnectResult(a.Received), ConnectResult(nodeA.Received));
    }

    [Fact]
    public async Task The_join_UserEvent_has_the_snapshot_first_and_the_users_Priority_last()
    {
        var a = Capture.Load("two-nodes/vq-remote-answer.a");
        await using var sim = await AsteriskSimulator.StartAsync(Parity);
        await using var nodeA = await AmiTestClient.LoginAsync(sim.Nodes[0].Port);
        await nodeA.SendRawAsync(Sent(a, "orig-001"));
        var join = await nodeA.NextAsync(m => m["UserEvent"] == "TelephonyQueueJoin");
        var real = a.Received.Single(m => m["UserEvent"] == "TelephonyQueueJoin");

        Assert.Equal(real.Headers.Select(h => h.Key), join.Headers.Select(h => h.Key));
        Assert.Equal(["5", "3"], join.Headers.Where(h => h.Key == "Priority").Select(h => h.Value));
        Assert.Equal(real.Headers.Where(h => h.Key is not ("Uniqueid" or "Linkedid" or "Channel")),
            join.Headers.Where(h => h.Key is not ("Uniqueid" or "Linkedid" or "Channel")));
    }

    [Fact]
    public async Task An_agent_that_does_not_answer_sends_the_caller_back_to_music_and_the_next_Redirect_connects()
    {
        var a = Capture.Load("two-nodes/vq-remote-noanswer-then-answer.a");
        var b = Capture.Load("two-nodes/vq-remote-noanswer-then-answer.b");
        await using var sim = await AsteriskSimulator.StartAsync(Parity);
        await using var nodeA = await AmiTestClient.LoginAsync(sim.Nodes[0].Port);
        await using var nodeB = await AmiTestClient.LoginAsync(sim.Nodes[1].Port);

        await nodeA.SendRawAsync(Sent(a, "orig-002"));
        var join = await nodeA.NextAsync(m => m["UserEvent"] == "TelephonyQueueJoin");
        await nodeA.SendRawAsync(Sent(a, "redirect-1", join));
        await nodeA.NextAsync(m => m["UserEvent"] == "TelephonyConnectResult");
        await nodeA.NextAsync(m => m.EventName == "MusicOnHoldStart");
        await nodeA.SendRawAsync(Sent(a, "redirect-2", join));
        await nodeA.NextAsync(m => m["EventName"] == "LINKEDID_END");
        await nodeB.WaitUntilAsync(r => r.Count(m => m["EventName"] == "LINKEDID_END") == 2);
        await nodeA.WaitForAsync(r => QueueFlowShape.Of(r).Count >= QueueFlowShape.Of(a.Received).Count);
        await nodeB.WaitForAsync(r => QueueFlowShape.Of(r).Count >= QueueFlowShape.Of(b.Received).Count);

        Assert.Equal(ConnectResult(a.Received), ConnectResult(nodeA.Received));
        Assert.Equal(Cdrs(a.Received), Cdrs(nodeA.Received));
        Assert.Equal(Cdrs(b.Received), Cdrs(nodeB.Received));
        // pbx-b sees the timeout as a CANCEL; pbx-a as NOANSWER with the trunk leg hung up with Cause 0. (The order
        // of the caller's two halves' Hangup is not stable between Asterisk runs: compared as a set.)
        Assert.Equal(Dials(a.Received).Order(), Dials(nodeA.Received).Order());
        Assert.Equal(Dials(b.Received).Order(), Dials(nodeB.Received).Order());
        Assert.Equal(Responses(a), Responses(nodeA.Received));
        var connection = Assert.Single(sim.VirtualQueue.Ledger.Connections);
        Assert.Equal("1001", connection.AgentId);
    }

    [Fact]
    public async Task A_caller_with_patience_abandons_and_the_agent_node_sees_nothing()
    {
        var a = Capture.Load("two-nodes/vq-abandon-waiting.a");
        await using var sim = await AsteriskSimulator.StartAsync(Parity);
        await using var nodeA = await AmiTestClient.LoginAsync(sim.Nodes[0].Port);
        await using var nodeB = await AmiTestClient.LoginAsync(sim.Nodes[1].Port);

        await nodeA.SendRawAsync(Sent(a, a.Sent.Single(m => m["Action"] == "Originate").ActionId!));
        await nodeA.NextAsync(m => m["EventName"] == "LINKEDID_END");
        await nodeA.WaitForAsync(r => QueueFlowShape.Of(r).Count >= QueueFlowShape.Of(a.Received).Count);

        const string music = "Newexten hold,5,3 Local/vq@queue-in-L;1"; // the phone hangs up (the join before varies in order)
        Assert.Equal(QueueFlowShape.From(a.Received, music), QueueFlowShape.From(nodeA.Received, music));
        Assert.Equal(QueueFlowShape.Of(a.Received).Order(), QueueFlowShape.Of(nodeA.Received).Order());
        Assert.Empty(QueueFlowShape.Of(nodeB.Received));
        Assert.Equal(1, sim.VirtualQueue.Ledger.Abandoned);
        Assert.Equal(0, sim.VirtualQueue.Ledger.Waiting);
        Assert.Empty(sim.VirtualQueue.Ledger.Connections);
    }

    internal static ReadOnlyMemory<byte> Sent(Capture capture, string actionId) =>
        capture.Sent.Single(m => m.ActionId == actionId).RawBytes;

    /// <summary>The captured action with the captured caller's channel replaced by ours (each capture's Local
    /// counter went on from the one before).</summary>
    internal static byte[] Sent(Capture capture, string actionId, AmiMessage join) =>
        System.Text.Encoding.UTF8.GetBytes(System.Text.RegularExpressions.Regex.Replace(
            System.Text.Encoding.UTF8.GetString(Sent(capture, actionId).Span), @"Local/vq@queue-in-[0-9a-f]{8};2", join["Channel"]!));

    internal static List<string> Responses(Capture capture) => Responses(capture.Received.Where(m => m.ActionId != "login-1" && m.ActionId != "logoff-1"));

    internal static List<string> Responses(IEnumerable<AmiMessage> messages) =>
        messages.Where(m => m.IsResponse && m.ActionId is not ("login-1" or "logoff-1"))
            .Select(m => $"{m.ActionId} {m.ResponseStatus} {m.MessageText}").ToList();

    internal static List<string> ConnectResult(IEnumerable<AmiMessage> messages) =>
        messages.Where(m => m["UserEvent"] == "TelephonyConnectResult")
            .Select(m => $"{m["Queue"]} {m["Agent"]} {m["DialStatus"]}").ToList();

    private static List<string> Cdrs(IEnumerable<AmiMessage> messages) =>
        messages.Where(m => m.EventName == "Cdr").Select(m => $"{m["Disposition"]} {m["LastApplication"]} {m["Destination"]}").Order().ToList();

    private static List<string> Dials(IEnumerable<AmiMessage> messages) =>
        messages.Where(m => m.EventName is "DialEnd" or "Hangup").Select(QueueFlowShape.Describe)
            .Zip(messages.Where(m => m.EventName is "DialEnd" or "Hangup").Select(m => m["Cause"] ?? ""), (d, c) => $"{d} {c}").ToList();

    /// <summary>One conversation = one Linkedid per server: the caller's first channel on the caller node, the
    /// incoming trunk leg on the agent node (Linkedid does not cross the IAX2 hop; the strings can still be equal,
    /// as Uniqueids collide between servers).</summary>
    internal static void LinkedidsAreOnePerServer(IEnumerable<AmiMessage> callerNode, IEnumerable<AmiMessage> agentNode)
    {
        var a = callerNode.Where(m => m.IsEvent && m["Linkedid"] is not null).Select(m => m["Linkedid"]).Distinct().ToList();
        var b = agentNode.Where(m => m.IsEvent && m["Linkedid"] is not null).Select(m => m["Linkedid"]).Distinct().ToList();
        Assert.Single(a);
        Assert.Single(b);
        Assert.Equal(a[0], callerNode.First(m => m.EventName == "Newchannel")["Uniqueid"]);
        var trunk = agentNode.First(m => m.EventName == "Newchannel");
        Assert.Equal((b[0], true), (trunk["Uniqueid"], trunk["Channel"]!.StartsWith("IAX2/asterisk-1-", StringComparison.Ordinal)));
    }
}
