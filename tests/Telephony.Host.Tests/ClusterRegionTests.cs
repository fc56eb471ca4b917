using System.Collections.Concurrent;
using System.Diagnostics;
using Xunit.Abstractions;

namespace Telephony.Host.Tests;

/// <summary>Two regions on one machine: members m1 and m2 carry role <c>region-a</c>, m3 <c>region-b</c>; pbx-1 and
/// pbx-2 are in region a, pbx-3 in region b, pbx-4 in none, which only members with the AMI role <c>ami</c> (m1, m3)
/// run; the billing projections run only on the <c>billing</c> member (m3). An operator makes a member leave under load
/// with pbm.</summary>
public class ClusterRegionTests(ITestOutputHelper output)
{
    private static readonly Dictionary<string, string> Regions = new() { ["pbx-1"] = "a", ["pbx-2"] = "a", ["pbx-3"] = "b" };

    [Fact]
    public async Task Nodes_run_only_in_their_region_and_pbm_cluster_leave_under_load_hands_them_over_with_exact_billing()
    {
        await using var scenario = await ClusterScenario.StartAsync(output.WriteLine);
        var environment = scenario.Environment(Regions);
        environment["TELEPHONY__CLUSTER__AMIROLE"] = "ami";
        environment["TELEPHONY__CLUSTER__BILLINGROLE"] = "billing";
        environment["Logging__LogLevel__Akka"] = "Information";
        using var cluster = await HostCluster.StartAsync(
            [("m1", ["region-a", "ami"]), ("m2", ["region-a", "api"]), ("m3", ["region-b", "ami", "billing"])], environment);
        await cluster.WaitForUpAsync(3, TimeSpan.FromMinutes(3));
        var m3 = cluster["m3"];
        bool InRegion(string node, string member) => Regions.GetValueOrDefault(node) switch
        {
            "a" => member == cluster["m1"].Address || member == cluster["m2"].Address,
            "b" => member == m3.Address,
            _ => member != cluster["m2"].Address, // no ami role
        };
        // Spread as the allocation strategy leaves it: pbx-1 and pbx-2 on different region-a members.
        var owners = await ClusterScenario.WaitForNodesAsync(cluster, m3, InRegion, "every node is connected in its region",
            o => o["pbx-1"] != o["pbx-2"]);
        output.WriteLine("before: " + string.Join(", ", owners.Select(o => $"{o.Key} on {o.Value}")));

        // Which process really holds each AMI session, sampled from the kernel's socket table all along.
        var sessionsSeen = new ConcurrentDictionary<(string Node, string Member), int>();
        using var stopSampling = new CancellationTokenSource();
        var sampling = Task.Run(async () =>
        {
            while (!stopSampling.IsCancellationRequested)
            {
                foreach (var node in scenario.Simulator.Nodes)
                {
                    var portOwners = AmiSessions.ClientPortOwners(node.Port, cluster.Members.Select(m => m.Process.Id));
                    foreach (var session in node.Sessions.All.Where(s => s.IsLoggedInNow))
                        if (portOwners.TryGetValue(int.Parse(session.RemoteEndPoint.Split(':')[^1]), out var pid))
                            sessionsSeen.AddOrUpdate((node.Name, cluster.Members.Single(m => m.Process.Id == pid).Name), 1, (_, n) => n + 1);
                }
                await Task.Delay(500);
            }
        });

        // The billing projections singleton lives on the billing member only.
        foreach (var member in cluster.Members)
        {
            var tree = (await HostCluster.GetAsync(member, "/actors?path=/user&depth=2")).GetProperty("root");
            var paths = tree.GetProperty("shown").EnumerateArray()
                .SelectMany(c => c.GetProperty("shown").EnumerateArray().Append(c)).Select(c => c.GetProperty("path").GetString()!).ToList();
            Assert.Equal(member.Name == "m3", paths.Any(p => p.EndsWith("/user/billing-projections/billing-projections", StringComparison.Ordinal)));
        }

        var loadStarted = DateTimeOffset.UtcNow;
        await using var load = new ClusterLoad(scenario.Simulator, callsPerSecondPerNode: 4, seed: 23);
        await cluster.WaitUntilAsync(async () => await scenario.BilledCallsAsync() >= 150, "calls are billed", TimeSpan.FromMinutes(3));

        // The region-a member running pbx-1 leaves; the operator asks another member (region b) to make it leave.
        var leaver = cluster.Members.Single(m => m.Address == owners["pbx-1"]);
        var stayer = cluster.Members.Single(m => m.Name != leaver.Name && m.Roles.Contains("region-a"));
        var clock = Stopwatch.StartNew();
        var leave = await Pbm.RunAsync(m3.Endpoint, "cluster", "leave", leaver.Address);
        Assert.True(leave.ExitCode == 0, leave.ToString());
        Assert.Equal([$"leave requested: {leaver.Address}"], leave.Lines);
        Assert.True(leaver.Process.WaitForExit(TimeSpan.FromMinutes(2)), $"{leaver} should stop after leaving\n{cluster.Diagnostics()}");
        Assert.Equal(0, leaver.Process.ExitCode);
        output.WriteLine($"{leaver.Name} left and exited after {clock.Elapsed.TotalSeconds:0.0} s");

        var after = await ClusterScenario.WaitForNodesAsync(cluster, m3, (node, member) => member != leaver.Address && InRegion(node, member),
            "every node is connected again in its region");
        output.WriteLine($"all nodes connected again {clock.Elapsed.TotalSeconds:0.0} s after the leave: " +
                         string.Join(", ", after.Select(o => $"{o.Key} on {o.Value}")));
        Assert.Equal(stayer.Address, after["pbx-1"]);
        Assert.Equal(stayer.Address, after["pbx-2"]);
        Assert.Equal(m3.Address, after["pbx-3"]);
        var show = await Pbm.RunAsync(m3.Endpoint, "node", "show", "pbx-1");
        Assert.True(show.ExitCode == 0, show.ToString());
        Assert.Contains(show.Lines, l => l.StartsWith("Member", StringComparison.Ordinal) && l.EndsWith(stayer.Address, StringComparison.Ordinal));

        var billedAtHandover = await scenario.BilledCallsAsync();
        await cluster.WaitUntilAsync(async () => await scenario.BilledCallsAsync() >= billedAtHandover + 250,
            "calls keep being billed after the handover", TimeSpan.FromMinutes(3));
        // Planned hand-overs (the leave, and the rebalances as members joined) are make-before-break: no gap at all,
        // so every call is billed, the ones across the hand-over too.
        await scenario.StopLoadAndCheckBillingAsync(load, cluster, byJournaledGaps: true);
        var gaps = await scenario.JournaledGapsAsync();
        Assert.True(gaps.Count == 0, "gaps journaled:\n" + string.Join("\n", gaps.Select(g => $"  {g.Node} {g.From:HH:mm:ss.fff}-{g.To:HH:mm:ss.fff} {g.Reason}")));
        await stopSampling.CancelAsync();
        await sampling;

        output.WriteLine("AMI sessions seen (node, member: samples): " +
                         string.Join(", ", sessionsSeen.OrderBy(s => s.Key).Select(s => $"{s.Key.Node} {s.Key.Member}: {s.Value}")));
        foreach (var node in scenario.Simulator.Nodes)
        {
            Assert.Contains(sessionsSeen.Keys, k => k.Node == node.Name); // the sampler did find the owner of each node
            Assert.True(AmiSessions.MaxConcurrentLoggedInSince(node.Sessions, ClusterScenario.User, loadStarted) <= 2,
                $"{node.Name}: three sessions logged in at once");
            var overlap = AmiSessions.LongestOverlapSince(node.Sessions, ClusterScenario.User, loadStarted, DateTimeOffset.UtcNow);
            output.WriteLine($"{node.Name}: longest overlap of two sessions {overlap.TotalSeconds:0.000} s");
            Assert.True(overlap < TimeSpan.FromSeconds(15), $"{node.Name}: two sessions logged in at once for {overlap}");
        }
        Assert.All(sessionsSeen.Keys.Where(k => Regions.GetValueOrDefault(k.Node) == "a"), k => Assert.NotEqual("m3", k.Member));
        Assert.All(sessionsSeen.Keys.Where(k => k.Node == "pbx-3"), k => Assert.Equal("m3", k.Member));
        Assert.All(sessionsSeen.Keys.Where(k => k.Node == "pbx-4"), k => Assert.NotEqual("m2", k.Member));

        // The last region-a member leaves too: its nodes wait for one, and node list says so instead of timing out.
        var last = await Pbm.RunAsync(m3.Endpoint, "cluster", "leave", stayer.Address);
        Assert.True(last.ExitCode == 0, last.ToString());
        Assert.True(stayer.Process.WaitForExit(TimeSpan.FromMinutes(2)), $"{stayer} should stop after leaving\n{cluster.Diagnostics()}");
        PbmRun list = null!;
        await cluster.WaitUntilAsync(async () =>
        {
            list = await Pbm.RunAsync(m3.Endpoint, "node", "list");
            return list.Lines.Count(l => l.Contains("no member has role region-a", StringComparison.Ordinal)) == 2;
        }, "node list names the missing role for pbx-1 and pbx-2", TimeSpan.FromMinutes(1));
        Assert.Contains(list.Lines, l => l.StartsWith("pbx-3 | Connected", StringComparison.Ordinal));
    }
}
