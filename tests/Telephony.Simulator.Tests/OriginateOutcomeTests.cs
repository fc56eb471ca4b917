using Telephony.Ami.Protocol;

namespace Telephony.Simulator.Tests;

/// <summary>The routes an action-queue test drives with ChannelId: busy, no answer, answered and hung up, and a long
/// call that is still up after a client crash; duplicate ChannelIds and missing extensions.</summary>
public sealed class OriginateOutcomeTests
{
    [Theory]
    [InlineData("Local/busy@test", "Failure", "5")]
    [InlineData("Local/noanswer@test", "Failure", "3")]
    [InlineData("Local/answer@test", "Success", "4")]
    public async Task An_Originate_with_ChannelId_ends_with_its_outcome_and_names_the_ChannelId(string channel,
        string response, string reason)
    {
        await using var sim = await AsteriskSimulator.StartAsync(TestOptions.Fast);
        await using var client = await AmiTestClient.LoginAsync(sim.Port);

        await client.ActionAsync(("Action", "Originate"), ("ActionID", "o"), ("Channel", channel), ("Context", "hold"),
            ("Exten", "s"), ("Priority", "1"), ("ChannelId", "job-1-a"), ("OtherChannelId", "job-1-b"), ("Async", "true"));
        var outcome = await client.NextAsync(m => m.EventName == "OriginateResponse");
        await client.NextAsync(m => m["EventName"] == "LINKEDID_END");

        Assert.Equal((response, reason, "job-1-a"), (outcome["Response"]!, outcome["Reason"]!, outcome["Uniqueid"]!));
        var created = client.Received.Where(m => m.EventName == "Newchannel").ToList();
        Assert.Equal(["job-1-a", "job-1-b"], created.Select(m => m["Uniqueid"]!).Order());
        Assert.All(created, m => Assert.Equal("job-1-a", m["Linkedid"]));
        if (reason == "4")
        {
            // Answered, talked a little, hung up: both channels' Hangup come after the OriginateResponse.
            var received = client.Received.ToList();
            var answeredAt = received.IndexOf(outcome);
            Assert.Equal(2, received.Skip(answeredAt).Count(m => m.EventName == "Hangup"));
        }
    }

    [Fact]
    public async Task A_long_call_is_still_listed_after_its_originator_crashed_and_ends_on_an_AMI_Hangup()
    {
        // long@test lasts 60 s of script time: 15 s here, so a loaded machine still finds it up (at 0.05, 3 s, a CI run
        // did not).
        await using var sim = await AsteriskSimulator.StartAsync(TestOptions.Fast with { TimeScale = 0.25 });
        await using (var originator = await AmiTestClient.LoginAsync(sim.Port))
        {
            await originator.ActionAsync(("Action", "Originate"), ("ActionID", "o"), ("Channel", "Local/long@test"),
                ("Application", "Echo"), ("ChannelId", "job-2-a"), ("Async", "true"));
            await originator.ActionAsync(("Action", "Originate"), ("ActionID", "o"), ("Channel", "Local/long@test"),
                ("Context", "hold"), ("Exten", "s"), ("ChannelId", "job-3-a"), ("Async", "true"));
            var answered = await originator.NextAsync(m => m.EventName == "OriginateResponse");
            Assert.Equal(("Success", "4", "job-3-a"), (answered["Response"]!, answered["Reason"]!, answered["Uniqueid"]!));
        } // the client goes away without Logoff

        await using var recovered = await AmiTestClient.LoginAsync(sim.Port);
        await recovered.ActionAsync(("Action", "CoreShowChannels"), ("ActionID", "csc"));
        var listed = await recovered.UntilAsync(m => m.EventName == "CoreShowChannelsComplete");
        var hangup = await recovered.ActionAsync(("Action", "Hangup"), ("Channel", "Local/long@test-00000000;1"), ("ActionID", "h"));
        await recovered.WaitUntilAsync(r => r.Any(m => m["EventName"] == "LINKEDID_END") && r.Count(m => m.EventName == "Cdr") >= 2);

        var channel = Assert.Single(listed, m => m.EventName == "CoreShowChannel" && m["Uniqueid"] == "job-3-a");
        Assert.Equal(("Up", "job-3-a"), (channel["ChannelStateDesc"]!, channel["Linkedid"]!));
        Assert.Equal("Channel Hungup", hangup.MessageText);
        Assert.Equal(2, recovered.Received.Count(m => m.EventName == "Cdr"));
        Assert.Equal("2", listed.Last()["ListItems"]); // the Application: Echo one has no route: nothing is up for it
        Assert.Equal(0, sim.Node.CallFaults);
    }

    [Fact]
    public async Task An_Originate_reusing_a_live_ChannelId_fails_and_leaves_the_live_call_alone()
    {
        await using var sim = await AsteriskSimulator.StartAsync(TestOptions.Fast with { TimeScale = 0.25 });
        await using var client = await AmiTestClient.LoginAsync(sim.Port);
        await client.ActionAsync(("Action", "Originate"), ("ActionID", "live"), ("Channel", "Local/long@test"),
            ("Context", "hold"), ("Exten", "s"), ("ChannelId", "job-4-a"), ("OtherChannelId", "job-4-b"), ("Async", "true"));
        // Sent before the first call's channels exist: the id is taken from the Originate on.
        var queued = await client.ActionAsync(("Action", "Originate"), ("ActionID", "again-async"), ("Channel", "Local/answer@test"),
            ("Context", "hold"), ("Exten", "s"), ("ChannelId", "job-4-a"), ("Async", "true"));
        var failed = await client.NextAsync(m => m.EventName == "OriginateResponse" && m.ActionId == "again-async");
        await client.WaitUntilAsync(r => r.Any(m => m.EventName == "OriginateResponse" && m.ActionId == "live"));
        var sync = await client.ActionAsync(("Action", "Originate"), ("ActionID", "again-sync"), ("Channel", "Local/answer@test"),
            ("Context", "hold"), ("Exten", "s"), ("ChannelId", "job-5-a"), ("OtherChannelId", "job-4-b"));

        Assert.Equal("Originate successfully queued", queued.MessageText);
        Assert.Equal(("Failure", "0", "Local/answer@test", "job-4-a"),
            (failed["Response"]!, failed["Reason"]!, failed["Channel"]!, failed["Uniqueid"]!));
        Assert.Equal(("Error", "Originate failed"), (sync.ResponseStatus!, sync.MessageText!));
        Assert.Equal(["job-4-a", "job-4-b"], sim.Node.LiveChannels.Select(l => l.Uniqueid).Order());
        Assert.DoesNotContain(client.Received, m => m.EventName is "Hangup" or "SoftHangupRequest");
        Assert.Equal(2, sim.Node.OriginatesByChannelId.OriginatesReceived("job-4-a"));
        Assert.Equal(1, sim.Node.OriginatesByChannelId.OriginatesReceived("job-5-a"));
        Assert.Equal(["job-4-a"], sim.Node.OriginatesByChannelId.DuplicateChannelIds);
    }

    [Fact]
    public async Task An_Originate_to_a_missing_extension_is_refused_at_once_even_when_async()
    {
        await using var sim = await AsteriskSimulator.StartAsync(TestOptions.Fast);
        await using var client = await AmiTestClient.LoginAsync(sim.Port);

        var refused = await client.ActionAsync(("Action", "Originate"), ("ActionID", "bad"), ("Channel", "Local/answer@test"),
            ("Context", "hold"), ("Exten", "no-such-exten"), ("ChannelId", "job-6-a"), ("Async", "true"));
        var unknownChannel = await client.ActionAsync(("Action", "Originate"), ("ActionID", "nobody"), ("Channel", "SIP/nobody"),
            ("Context", "hold"), ("Exten", "s"), ("ChannelId", "job-7-a"), ("Async", "true"));
        var failed = await client.NextAsync(m => m.EventName == "OriginateResponse");

        Assert.Equal(("Error", "Extension does not exist."), (refused.ResponseStatus!, refused.MessageText!));
        Assert.Equal("Originate successfully queued", unknownChannel.MessageText);
        Assert.Equal(("nobody", "Failure", "0", "job-7-a"), (failed.ActionId!, failed["Response"]!, failed["Reason"]!, failed["Uniqueid"]!));
        Assert.Equal(1, sim.Node.OriginatesByChannelId.OriginatesReceived("job-6-a"));
    }

    [Fact]
    public async Task The_node_counts_Originates_per_ChannelId_and_its_busiest_second_of_actions()
    {
        await using var sim = await AsteriskSimulator.StartAsync(TestOptions.Fast with { Nodes = 2 });
        await using var client = await AmiTestClient.LoginAsync(sim.Nodes[1].Port);

        foreach (var id in new[] { "a", "b", "a", "c", "a" })
            await client.ActionAsync(("Action", "Originate"), ("ActionID", id), ("Channel", "Local/busy@test"),
                ("Context", "hold"), ("Exten", "s"), ("ChannelId", $"job-{id}"), ("Async", "true"));
        for (var i = 0; i < 20; i++) await client.SendAsync(("Action", "Ping"), ("ActionID", $"p{i}"));
        await client.NextAsync(m => m.ActionId == "p19");

        var ledger = sim.Nodes[1].OriginatesByChannelId;
        Assert.Equal(new Dictionary<string, long> { ["job-a"] = 3, ["job-b"] = 1, ["job-c"] = 1 }, ledger.Snapshot());
        Assert.Equal(["job-a"], ledger.DuplicateChannelIds);
        Assert.Equal(0, sim.Nodes[0].OriginatesByChannelId.ChannelIds);
        var rate = sim.Nodes[1].ActionRate;
        Assert.Equal(26, rate.Count); // Login, 5 Originates, 20 Pings
        Assert.Equal(20, rate.Peak(TimeSpan.FromSeconds(1), "Ping"));
        Assert.InRange(rate.PeakPerSecond, 20, 26);
        Assert.Equal(5, rate.Timestamps("Originate").Count);
        Assert.NotNull(rate.PeakWindowEnd);
        Assert.Equal(0, sim.Nodes[0].ActionRate.PeakPerSecond);
        Assert.Contains("job-a×3", ledger.Summary());
    }
}
