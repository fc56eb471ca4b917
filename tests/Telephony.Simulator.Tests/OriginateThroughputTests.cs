using System.Diagnostics;
using Telephony.Ami.Protocol;
using Xunit.Abstractions;

namespace Telephony.Simulator.Tests;

/// <summary>
/// What a benchmark of an action queue needs from the simulator: 10 000 pipelined Originates across four nodes, each
/// call answered and hung up at once (Application Echo, time scale 1e-5), every one answered and every ChannelId
/// counted once. The rate is printed; it is asserted only when TELEPHONY_SIM_MIN_ORIGINATES_PER_SECOND asks for a
/// floor, because a shared CI machine's load, not the simulator, decides it there.
/// </summary>
public sealed class OriginateThroughputTests(ITestOutputHelper output)
{
    private const int Nodes = 4;
    private const int PerNode = 2_500;

    [Fact]
    public async Task Four_nodes_take_thousands_of_Originates_per_second_and_count_each_ChannelId_once()
    {
        await using var sim = await AsteriskSimulator.StartAsync(TestOptions.Fast with { Nodes = Nodes, TimeScale = 0.00001 });
        var clients = new List<AmiTestClient>();
        foreach (var node in sim.Nodes) clients.Add(await AmiTestClient.LoginAsync(node.Port, events: "call"));
        try
        {
            var clock = Stopwatch.StartNew();
            await Task.WhenAll(clients.Select((c, n) => c.SendRawAsync(Originates(n))));
            // The simulator's side: every call played out (the clients' parsing is not what is measured).
            while (sim.Nodes.Any(n => n.CallsCompleted < PerNode) && clock.Elapsed < TimeSpan.FromSeconds(90))
                await Task.Delay(5);
            var elapsed = clock.Elapsed;
            await Task.WhenAll(clients.Select((c, n) => c.WaitUntilAsync(
                r => r.Any(m => m.IsEvent && m.ActionId == $"o-{n}-{PerNode - 1}"), TimeSpan.FromSeconds(60))));

            var rate = Nodes * PerNode / elapsed.TotalSeconds;
            output.WriteLine($"{Nodes * PerNode} Originates answered in {elapsed.TotalMilliseconds:0} ms: {rate:0}/s " +
                             $"(peak per node {string.Join(", ", sim.Nodes.Select(n => n.ActionRate.PeakPerSecond))} actions/s)");
            Assert.All(clients, c => Assert.All(c.Received.Where(m => m.EventName == "OriginateResponse"),
                m => Assert.Equal("Success", m["Response"])));
            Assert.All(sim.Nodes, n => Assert.Equal((PerNode, 0), (n.OriginatesByChannelId.ChannelIds, n.OriginatesByChannelId.DuplicateChannelIds.Count)));
            Assert.All(sim.Nodes, n => Assert.Equal(0, n.CallFaults));
            if (double.TryParse(Environment.GetEnvironmentVariable("TELEPHONY_SIM_MIN_ORIGINATES_PER_SECOND"),
                    System.Globalization.CultureInfo.InvariantCulture, out var floor))
                Assert.True(rate >= floor, $"only {rate:0} Originates/s, {floor:0} asked");
        }
        finally
        {
            foreach (var c in clients) await c.DisposeAsync();
        }
    }

    /// <summary>One node's Originates written in one go, as a pipelining client would.</summary>
    private static byte[] Originates(int node)
    {
        var bytes = new List<byte>();
        for (var i = 0; i < PerNode; i++)
            bytes.AddRange(new AmiMessageWriter().Add("Action", "Originate").Add("ActionID", $"o-{node}-{i}")
                .Add("Channel", "Local/answer@test").Add("Application", "Echo").Add("ChannelId", $"bench-{node}-{i}-a")
                .Add("OtherChannelId", $"bench-{node}-{i}-b").Add("Async", "true").ToArray());
        return bytes.ToArray();
    }
}
