namespace Telephony.Simulator.Tests;

public sealed class LoadTests
{
    [Fact]
    public async Task Several_nodes_on_their_own_ports_generate_calls_within_the_concurrency_limit()
    {
        await using var sim = await AsteriskSimulator.StartAsync(TestOptions.Fast with
        {
            Nodes = 3,
            Load = new Load.LoadOptions
            {
                CallsPerSecond = 100,
                MaxConcurrent = 4,
                Duration = Load.DurationDistribution.Uniform(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(8)),
                Scripts = [new("answered", 3), new("busy", 1)],
                Seed = 42,
            },
        });
        await using var client = await AmiTestClient.LoginAsync(sim.Nodes[1].Port);

        var peak = 0;
        while (sim.Nodes.Any(n => n.CallsCompleted < 10))
        {
            peak = Math.Max(peak, sim.Nodes.Max(n => n.ActiveCalls));
            await Task.Delay(5);
        }
        await client.WaitUntilAsync(r => r.Count(m => m["EventName"] == "LINKEDID_END") >= 5);

        Assert.Equal(3, sim.Nodes.Select(n => n.Port).Distinct().Count());
        Assert.Equal(["asterisk-1", "asterisk-2", "asterisk-3"], sim.Nodes.Select(n => n.Name));
        Assert.InRange(peak, 1, 4);
        Assert.All(sim.Nodes, n => Assert.Equal(0, n.CallFaults));
        var linkedids = client.Received.Where(m => m["EventName"] == "LINKEDID_END").Select(m => m["LinkedID"]).ToList();
        Assert.Equal(linkedids.Count, linkedids.Distinct().Count());
        // Stretched calls keep their shape: an answered call's Cdr lasts what the distribution drew.
        Assert.All(client.Received.Where(m => m.EventName == "Cdr" && m["Disposition"] == "ANSWERED"),
            c => Assert.InRange(int.Parse(c["Duration"]!), 1, 8));
    }

    [Fact]
    public async Task A_call_can_be_stretched_to_a_given_duration()
    {
        await using var sim = await AsteriskSimulator.StartAsync(TestOptions.Fast);
        await using var client = await AmiTestClient.LoginAsync(sim.Port);

        var call = sim.Node.StartCall("answered", new Calls.CallOptions { Duration = TimeSpan.FromSeconds(30) })!;
        await call.Completion.WaitAsync(AmiTestClient.Patience);
        await client.WaitUntilAsync(r => r.Count(m => m.EventName == "Cdr") == 2);

        Assert.All(client.Received.Where(m => m.EventName == "Cdr"), c => Assert.Equal("30", c["Duration"]));
    }
}
