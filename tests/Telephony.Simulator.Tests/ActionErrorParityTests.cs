using System.Text;
using Telephony.Ami.Protocol;
using Telephony.Simulator.Tests.Fixtures;

namespace Telephony.Simulator.Tests;

/// <summary>
/// two-nodes/action-errors.a: a caller is up with ChannelId/OtherChannelId, then the probe sends actions on missing
/// channels, Originates reusing the live ChannelId, an Originate to a missing extension, Setvar/Getvar, Status and
/// CoreShowChannels. The simulator's caller is Local/long@test with the same ids; the capture's actions are sent as
/// they are, with the caller's channel name replaced by ours, and must get the captured answers.
/// </summary>
public sealed class ActionErrorParityTests
{
    private const string CapturedCaller = "Local/vq@queue-in-0000000a";
    private const string OurCaller = "Local/long@test-00000000";
    private const string CallerId = "0e1f2a3b-8000-4c5d-9e6f-00000000a001";

    // Login and Logoff are not the point; the caller is originated by the test; the last Redirect ends the real call.
    private static readonly HashSet<string> NotReplayed = ["login-1", "orig-008", "redirect-bad-exten", "logoff-1"];

    [Fact]
    public async Task Actions_on_missing_channels_duplicate_ChannelIds_and_variables_get_the_captured_answers()
    {
        var capture = Capture.Load("two-nodes/action-errors.a");
        await using var sim = await AsteriskSimulator.StartAsync(TestOptions.Fast with { TimeScale = 0.25 });
        await using var client = await AmiTestClient.LoginAsync(sim.Port);
        await client.ActionAsync(("Action", "Originate"), ("ActionID", "orig-008"), ("Channel", "Local/long@test"),
            ("Context", "hold"), ("Exten", "s"), ("Priority", "1"), ("ChannelId", CallerId),
            ("OtherChannelId", "0e1f2a3b-8000-4c5d-9e6f-00000000a002"), ("CallerID", "\"Caller 008\" <5550008>"),
            ("Variable", "VQ_QUEUE=sales"), ("Async", "true"));
        await client.NextAsync(m => m.EventName == "OriginateResponse" && m.ActionId == "orig-008");

        foreach (var action in capture.Sent.Where(a => !NotReplayed.Contains(a.ActionId!)))
        {
            var text = Encoding.UTF8.GetString(action.RawBytes.Span).Replace(CapturedCaller, OurCaller);
            await client.ResponseAsync(SendRaw(client, text, action.ActionId!));
        }
        await client.NextAsync(m => m.EventName == "CoreShowChannelsComplete");
        await client.WaitUntilAsync(r => r.Any(m => m.EventName == "OriginateResponse" && m.ActionId == "orig-dup-async"));

        foreach (var id in capture.Sent.Select(a => a.ActionId!).Where(id => !NotReplayed.Contains(id)))
        {
            var real = capture.Received.Single(m => m.IsResponse && m.ActionId == id);
            var ours = client.Received.Single(m => m.IsResponse && m.ActionId == id);
            Assert.Equal(Shape(real), Shape(ours).Replace(OurCaller, CapturedCaller));
        }
        // The failed duplicate's OriginateResponse is the captured one, header for header.
        Assert.Equal(capture.Received.Single(m => m.EventName == "OriginateResponse" && m.ActionId == "orig-dup-async").Headers,
            client.Received.Single(m => m.EventName == "OriginateResponse" && m.ActionId == "orig-dup-async").Headers);
        Assert.DoesNotContain(client.Received, m => m.ActionId == "orig-bad-exten" && m.IsEvent);
        // Setvar's VarSet follows its response, with the captured layout.
        var realVarSet = capture.Received.Single(m => m.EventName == "VarSet" && m["Variable"] == "VQ_NOTE");
        var received = client.Received.ToList();
        var varSet = received.FindIndex(m => m.EventName == "VarSet" && m["Variable"] == "VQ_NOTE");
        Assert.True(varSet > received.FindIndex(m => m.IsResponse && m.ActionId == "setvar-1"));
        Assert.Equal(Keys(realVarSet), Keys(received[varSet]));
        // Status and CoreShowChannels list the live caller as in the capture.
        foreach (var name in new[] { "Status", "StatusComplete", "CoreShowChannel", "CoreShowChannelsComplete" })
            Assert.Equal(capture.Received.Where(m => m.EventName == name).Select(Keys),
                client.Received.Where(m => m.EventName == name).Select(Keys));
        // The live call was not touched by the duplicates.
        Assert.Contains(sim.Node.LiveChannels, l => l.Uniqueid == CallerId);
        Assert.DoesNotContain(client.Received, m => m.EventName == "Hangup");
        Assert.Equal(3, sim.Node.OriginatesByChannelId.OriginatesReceived(CallerId));
        Assert.Equal([CallerId], sim.Node.OriginatesByChannelId.DuplicateChannelIds);
    }

    private static async Task<string> SendRaw(AmiTestClient client, string text, string actionId)
    {
        await client.SendRawAsync(Encoding.UTF8.GetBytes(text));
        return actionId;
    }

    private static string Keys(AmiMessage m) => string.Join(",", m.Headers.Select(h => h.Key));

    /// <summary>A response's header layout and its words (values of Response, Message, Variable, Value).</summary>
    private static string Shape(AmiMessage m) =>
        $"[{Keys(m)}] " + string.Join(" ", m.Headers.Where(h => h.Key is "Response" or "Message" or "Variable" or "Value")
            .Select(h => $"{h.Key}={h.Value}"));
}
