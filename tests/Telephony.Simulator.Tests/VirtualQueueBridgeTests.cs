using System.Text;
using Regex = System.Text.RegularExpressions.Regex;
using Telephony.Ami.Protocol;
using Telephony.Simulator.Tests.Fixtures;

namespace Telephony.Simulator.Tests;

/// <summary>two-nodes/vq-local-originate-bridge: the agent originated on the caller's node (Application Wait,
/// ChannelId/OtherChannelId), then Bridge caller ;2 with agent ;1; the agent hangs up and the caller goes on to
/// Hangup.</summary>
public sealed class VirtualQueueBridgeTests
{
    [Fact]
    public async Task Originate_then_Bridge_plays_the_captured_bridge_and_the_caller_hangs_up_after_the_agent()
    {
        var a = Capture.Load("two-nodes/vq-local-originate-bridge.a");
        // Time 10 times faster (not 100): the Bridge has to come within the agent's 8.5 s talk, as the probe's did.
        await using var sim = await AsteriskSimulator.StartAsync(VirtualQueueParityTests.TwoNodes with { TimeScale = 0.1 });
        await using var nodeA = await AmiTestClient.LoginAsync(sim.Nodes[0].Port);

        await nodeA.SendRawAsync(VirtualQueueParityTests.Sent(a, "orig-006"));
        var join = await nodeA.NextAsync(m => m["UserEvent"] == "TelephonyQueueJoin");
        await nodeA.SendRawAsync(VirtualQueueParityTests.Sent(a, "orig-agent-1004"));
        var answered = await nodeA.NextAsync(m => m.EventName == "OriginateResponse" && m.ActionId == "orig-agent-1004");
        var agent = answered["Channel"]!;
        var bridge = Regex.Replace(Encoding.UTF8.GetString(VirtualQueueParityTests.Sent(a, "bridge-1").Span),
            @"Local/vq@queue-in-[0-9a-f]{8};2", join["Channel"]!);
        await nodeA.SendRawAsync(Encoding.UTF8.GetBytes(Regex.Replace(bridge, @"Local/1004@agents-[0-9a-f]{8};1", agent)));
        await nodeA.WaitUntilAsync(r => r.Count(m => m["EventName"] == "LINKEDID_END") == 2);
        await nodeA.WaitForAsync(r => QueueFlowShape.Of(r).Count >= QueueFlowShape.Of(a.Received).Count);

        Assert.Equal(VirtualQueueParityTests.Responses(a), VirtualQueueParityTests.Responses(nodeA.Received));
        Assert.Equal(Header(a.Received, "orig-agent-1004"), Header(nodeA.Received, "orig-agent-1004"));
        // The whole story as a multiset, and event for event from the agent's Hangup() on (before it, the agent's
        // own Newexten and the bridge interleave by timing).
        Assert.Equal(QueueFlowShape.Of(a.Received).Order(), QueueFlowShape.Of(nodeA.Received).Order());
        const string agentHangsUp = "Newexten agents,1004,9 Local/1004@agents-L;2";
        Assert.Equal(QueueFlowShape.From(a.Received, agentHangsUp), QueueFlowShape.From(nodeA.Received, agentHangsUp));
        // The agent ;1 takes the caller's Linkedid when it enters; its ;2 keeps the ChannelId: two LINKEDID_END.
        var enter = nodeA.Received.Where(m => m.EventName == "BridgeEnter").ToList();
        Assert.Equal([join["Linkedid"], join["Linkedid"]], enter.Select(m => m["Linkedid"]));
        var connection = Assert.Single(sim.VirtualQueue.Ledger.Connections);
        Assert.Equal(("1004", "asterisk-1", "Bridge", join["Uniqueid"]), (connection.AgentId, connection.AgentNode, connection.Via, connection.CallerUniqueid));
        Assert.NotNull(connection.End);
        Assert.Empty(sim.Nodes[0].LiveChannels);
    }

    [Fact]
    public async Task An_originated_agent_that_never_answers_or_is_busy_fails_with_Reason_3_or_5()
    {
        await using var sim = await AsteriskSimulator.StartAsync(VirtualQueueParityTests.TwoNodes with
        {
            VirtualQueue = new Queue.VirtualQueueOptions
            {
                Agents = [Queue.AgentBehavior.NeverAnswers("1002", 1), Queue.AgentBehavior.IsBusy("1003", 1)],
            },
        });
        await using var nodeA = await AmiTestClient.LoginAsync(sim.Nodes[0].Port);
        foreach (var n in new[] { "1002", "1003" })
            await nodeA.ActionAsync(("Action", "Originate"), ("ActionID", $"o-{n}"), ("Channel", $"Local/{n}@agents"),
                ("Application", "Wait"), ("Data", "30"), ("ChannelId", $"agent-{n}"), ("Async", "true"), ("Timeout", "15000"));
        await nodeA.WaitUntilAsync(r => r.Count(m => m.EventName == "OriginateResponse") == 2);

        var responses = nodeA.Received.Where(m => m.EventName == "OriginateResponse").ToDictionary(m => m.ActionId!);
        Assert.Equal(("Failure", "3", "agent-1002"), (responses["o-1002"]["Response"]!, responses["o-1002"]["Reason"]!, responses["o-1002"]["Uniqueid"]!));
        Assert.Equal(("Failure", "5", "agent-1003"), (responses["o-1003"]["Response"]!, responses["o-1003"]["Reason"]!, responses["o-1003"]["Uniqueid"]!));
        await nodeA.WaitUntilAsync(_ => sim.Nodes[0].LiveChannels.Count == 0);
    }

    private static string Header(IEnumerable<AmiMessage> messages, string actionId) =>
        string.Join(",", messages.Single(m => m.EventName == "OriginateResponse" && m.ActionId == actionId).Headers.Select(h => h.Key));
}
