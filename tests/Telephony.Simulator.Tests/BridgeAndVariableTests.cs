using Telephony.Ami.Protocol;
using Telephony.Simulator.Tests.Fixtures;

namespace Telephony.Simulator.Tests;

/// <summary>Bridge of two live calls as in two-nodes/vq-local-originate-bridge.a, and Setvar/Getvar on channels and
/// globals.</summary>
public sealed class BridgeAndVariableTests
{
    [Fact]
    public async Task Bridging_two_live_channels_raises_the_captured_bridge_events_and_a_hangup_dissolves_the_bridge()
    {
        var capture = Capture.Load("two-nodes/vq-local-originate-bridge.a");
        await using var sim = await AsteriskSimulator.StartAsync(TestOptions.Fast with { TimeScale = 0.25 });
        await using var client = await AmiTestClient.LoginAsync(sim.Port);
        // The caller and the agent: two long calls, as the capture's caller on music and originated agent. An async
        // Originate allocates its channel after the response (as Asterisk does), so the second waits for the first's
        // outcome: the caller is Local/...-00000000, the agent -00000001.
        var originated = 0;
        foreach (var (id, job) in new[] { ("caller", "job-8"), ("agent", "job-9") })
        {
            await client.ActionAsync(("Action", "Originate"), ("ActionID", id), ("Channel", "Local/long@test"), ("Context", "hold"),
                ("Exten", "s"), ("ChannelId", $"{job}-a"), ("OtherChannelId", $"{job}-b"), ("Async", "true"));
            originated++;
            await client.WaitUntilAsync(r => r.Count(m => m.EventName == "OriginateResponse") == originated);
        }

        var bridged = await client.ActionAsync(("Action", "Bridge"), ("ActionID", "bridge-1"),
            ("Channel1", "Local/long@test-00000000;2"), ("Channel2", "Local/long@test-00000001;1"));
        var listed = sim.Node.LiveChannels.Where(l => l.BridgeId.Length > 0).Select(l => l.Uniqueid).Order().ToList();
        await client.ActionAsync(("Action", "Hangup"), ("ActionID", "h"), ("Channel", "Local/long@test-00000001;1"));
        await client.WaitUntilAsync(r => r.Count(m => m["EventName"] == "LINKEDID_END") == 1);

        Assert.Equal(Words(capture.Received.Single(m => m.ActionId == "bridge-1")), Words(bridged));
        Assert.Equal(["job-8-b", "job-9-a"], listed);
        var real = capture.Received.Where(m => m.EventName?.StartsWith("Bridge") == true).ToList();
        var ours = client.Received.Where(m => m.EventName?.StartsWith("Bridge") == true).ToList();
        Assert.Equal(real.Select(Layout), ours.Select(Layout));
        Assert.Equal(real.Select(m => m["BridgeNumChannels"]), ours.Select(m => m["BridgeNumChannels"]));
        // Entered caller first, then the agent; the agent, hung up, leaves first.
        Assert.Equal(["job-8-b", "job-9-a", "job-9-a", "job-8-b"],
            ours.Where(m => m.Has("Uniqueid")).Select(m => m["Uniqueid"]!));
        Assert.Single(ours.Select(m => m["BridgeUniqueid"]).Distinct());
        var received = client.Received.ToList();
        Assert.True(received.IndexOf(ours[^1]) < received.FindIndex(m => m.EventName == "Hangup" && m["Uniqueid"] == "job-9-a"));
        Assert.Contains(sim.Node.LiveChannels, l => l.Uniqueid == "job-8-b" && l.BridgeId.Length == 0);
    }

    [Fact]
    public async Task Bridge_names_the_channel_that_does_not_exist()
    {
        await using var sim = await AsteriskSimulator.StartAsync(TestOptions.Fast with { TimeScale = 0.25 });
        await using var client = await AmiTestClient.LoginAsync(sim.Port);
        await client.ActionAsync(("Action", "Originate"), ("ActionID", "o"), ("Channel", "Local/long@test"), ("Context", "hold"),
            ("Exten", "s"), ("Async", "true"));
        await client.NextAsync(m => m.EventName == "OriginateResponse");

        var first = await client.ActionAsync(("Action", "Bridge"), ("ActionID", "b1"), ("Channel1", "SIP/gone"),
            ("Channel2", "Local/long@test-00000000;2"));
        var second = await client.ActionAsync(("Action", "Bridge"), ("ActionID", "b2"), ("Channel1", "Local/long@test-00000000;2"),
            ("Channel2", "SIP/gone"));

        Assert.Equal(("Error", "Channel1 does not exist: SIP/gone"), (first.ResponseStatus!, first.MessageText!));
        Assert.Equal(("Error", "Channel2 does not exist: SIP/gone"), (second.ResponseStatus!, second.MessageText!));
        Assert.DoesNotContain(client.Received, m => m.EventName == "BridgeCreate");
    }

    [Fact]
    public async Task Setvar_sets_channel_or_global_variables_that_Getvar_reads_back()
    {
        await using var sim = await AsteriskSimulator.StartAsync(TestOptions.Fast with { TimeScale = 0.25 });
        await using var client = await AmiTestClient.LoginAsync(sim.Port);
        await client.ActionAsync(("Action", "Originate"), ("ActionID", "o"), ("Channel", "Local/long@test"), ("Context", "hold"),
            ("Exten", "s"), ("Variable", "JOB=17"), ("Async", "true"));
        await client.NextAsync(m => m.EventName == "OriginateResponse");
        const string channel = "Local/long@test-00000000;2";

        var global = await client.ActionAsync(("Action", "Setvar"), ("ActionID", "s1"), ("Variable", "SITE"), ("Value", "paris"));
        var set = await client.ActionAsync(("Action", "Setvar"), ("ActionID", "s2"), ("Channel", channel), ("Variable", "NOTE"),
            ("Value", "vip"));
        var missing = await client.ActionAsync(("Action", "Setvar"), ("ActionID", "s3"), ("Channel", "SIP/gone"), ("Variable", "X"),
            ("Value", "1"));
        var reads = new List<AmiMessage>();
        foreach (var (chan, name) in new[] { (channel, "NOTE"), (channel, "JOB"), (channel, "SITE"), (channel, "UNSET"), ("", "SITE"), ("", "NOTE") })
            reads.Add(await client.ActionAsync(("Action", "Getvar"), ("ActionID", $"g-{chan}-{name}"), ("Channel", chan), ("Variable", name)));

        Assert.Equal(["Variable Set", "Variable Set"], new[] { global.MessageText!, set.MessageText! });
        Assert.Equal(("Error", "No such channel"), (missing.ResponseStatus!, missing.MessageText!));
        Assert.Equal(["vip", "17", "paris", "", "paris", ""], reads.Select(r => r["Value"]!));
        Assert.All(reads, r => Assert.Equal(["Response", "ActionID", "Variable", "Value"], r.Headers.Select(h => h.Key)));
        var varSets = client.Received.Where(m => m.EventName == "VarSet" && m["Variable"] is "SITE" or "NOTE").ToList();
        Assert.Equal([("none", "SITE"), (channel, "NOTE")], varSets.Select(m => (m["Channel"]!, m["Variable"]!)));
    }

    private static string Layout(AmiMessage m) => string.Join(",", m.Headers.Select(h => h.Key));

    private static string Words(AmiMessage m) => $"{Layout(m)} {m.ResponseStatus} {m.MessageText}";
}
