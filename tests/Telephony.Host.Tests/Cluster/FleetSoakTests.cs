using System.Diagnostics;
using Telephony.Host.Tests.Queues;
using Telephony.Simulator;
using Telephony.Simulator.Queue;
using Xunit.Abstractions;

namespace Telephony.Host.Tests.Cluster;

/// <summary>
/// The short form of the fleet soak (issue 19): three members on a MariaDB journal, four simulated Asterisk nodes,
/// ordinary calls on two of them and a virtual queue's callers and agents on the other two, while members die and
/// AMI connections drop on a seeded schedule. The accounting at the end is total: every ordinary call billed exactly
/// once unless it ran while no member held its node's session, every caller connected once, abandoned by its own
/// patience, or (never, here) timed out, no agent on two calls, never two sessions of one node at once.
/// Runs alone (three members and a simulator are the whole machine's work on 2 cores).
/// </summary>
[Collection(SingleHostProcesses.Name)]
public class FleetSoakTests(ITestOutputHelper output)
{
    private const string Queue = "sales";
    private const int Seed = 19;
    private const int AgentsPerNode = 8;
    private const int Callers = 120;

    [Fact]
    public async Task A_cluster_whose_members_die_and_whose_AMI_connections_drop_loses_no_caller_books_no_agent_twice_and_bills_every_observed_call_once()
    {
        var random = new Random(Seed);
        // Agents on pbx-3 and pbx-4 (behaviour ids <node><nnn>), answering after 1-3 s and talking 40-200 s of
        // simulated time (x0.05: 0.05-0.15 s and 2-10 s of wall clock).
        var agents = Enumerable.Range(0, AgentsPerNode * 2).Select(i =>
        {
            var node = 3 + i % 2;
            return AgentBehavior.Answers($"{node}{i / 2 + 1:000}", node, 1 + random.NextDouble() * 2, 40 + random.NextDouble() * 160);
        }).ToList();
        // A caller without patience gives up only after 120 s of wall clock: with agents to spare, only a caller the
        // queue lost gets there.
        await using var scenario = await ClusterScenario.StartAsync(output,
            new VirtualQueueOptions { Agents = agents, MaxWait = TimeSpan.FromSeconds(2400) });
        var sim = scenario.Simulator;
        var ledger = sim.VirtualQueue.Ledger;
        await using var watch = new LedgerWatch(ledger);
        var environment = scenario.Environment();
        environment[$"TELEPHONY__QUEUES__{Queue}__STRATEGY"] = "leastrecent";
        environment["Logging__LogLevel__Akka"] = "Information"; // node hand-overs and queue recoveries, for a failure's diagnosis
        foreach (var a in agents)
        {
            environment[$"TELEPHONY__AGENTS__{a.Id}__NODE"] = sim.Nodes[a.Node - 1].Name;
            environment[$"TELEPHONY__AGENTS__{a.Id}__EXTENSION"] = new AgentRoute(a.Node, a.Id).Extension;
            environment[$"TELEPHONY__AGENTS__{a.Id}__QUEUES"] = Queue;
            environment[$"TELEPHONY__AGENTS__{a.Id}__LOGGEDIN"] = "true";
        }
        using var cluster = await HostCluster.StartAsync([("m1", []), ("m2", []), ("m3", [])], environment);
        await cluster.WaitForUpAsync(3, TimeSpan.FromMinutes(3));
        await ClusterScenario.WaitForNodesAsync(cluster, cluster["m1"], (_, _) => true, "every node is connected");
        await cluster.WaitUntilAsync(async () => await QueueAsync(cluster) is { } q && q.Available == agents.Count,
            $"the queue sees its {agents.Count} agents available", TimeSpan.FromMinutes(2));

        // ---------------------------------------------------------------- load and faults
        var billedNodes = new[] { sim.Nodes[0], sim.Nodes[1] };
        var queueNodes = new[] { sim.Nodes[2], sim.Nodes[3] };
        var loadStarted = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        await using var load = new ClusterLoad(sim, callsPerSecondPerNode: 3, seed: Seed, billedNodes);
        var callers = new List<QueueCaller>();
        var joinedAt = new System.Collections.Concurrent.ConcurrentDictionary<QueueCaller, DateTimeOffset>();
        var arrivals = Task.Run(async () =>
        {
            // 120 callers over ~60 s, alternating between the two queue nodes; 30 % hang up after 60-300 s simulated.
            var draw = new Random(Seed + 1);
            for (var i = 0; i < Callers; i++)
            {
                TimeSpan? patience = draw.NextDouble() < 0.3 ? TimeSpan.FromSeconds(60 + draw.NextDouble() * 240) : null;
                if (queueNodes[i % 2].StartQueueCaller(Queue, priority: draw.NextDouble() < 0.2 ? 5 : 3, patience) is { } c)
                {
                    lock (callers) callers.Add(c);
                    _ = c.Joined.ContinueWith(_ => joinedAt[c] = DateTimeOffset.UtcNow, TaskScheduler.Default);
                }
                await Task.Delay(500);
            }
        });

        var schedule = new List<string>();
        void Note(string what)
        {
            var line = $"{clock.Elapsed.TotalSeconds,6:0.0}s {what}";
            schedule.Add(line);
            output.WriteLine(line);
        }
        var drops = 0;
        void Drop(SimulatedNode node)
        {
            node.Faults.DropConnectionsMidMessage();
            drops++;
            Note($"AMI connections of {node.Name} dropped mid-message");
        }
        async Task KillAndRestart(string name)
        {
            var victim = cluster[name];
            victim.Process.KillHard();
            var killedAt = clock.Elapsed;
            Note($"SIGKILL {victim}");
            var survivor = cluster.Running.First();
            await cluster.WaitUntilAsync(async () => (await HostCluster.MemberStatusAsync(survivor)).Keys.All(a => a != victim.Address),
                $"{name} is downed and removed", TimeSpan.FromMinutes(2));
            await ClusterScenario.WaitForNodesAsync(cluster, survivor, (_, member) => member != victim.Address, "the survivors own every node");
            Note($"{name} downed by the survivors; every node connected on them {(clock.Elapsed - killedAt).TotalSeconds:0.0} s after the kill");
            var restarted = await cluster.RestartAsync(victim);
            Note($"{name} restarted (pid {restarted.Process.Id})");
            await cluster.WaitForUpAsync(3, TimeSpan.FromMinutes(3));
            await ClusterScenario.WaitForNodesAsync(cluster, survivor, (_, _) => true, "every node is connected again");
            Note("3 members up, every node connected");
        }

        await Task.Delay(TimeSpan.FromSeconds(8));
        Drop(sim.Nodes[0]);
        Drop(sim.Nodes[2]);
        await Task.Delay(TimeSpan.FromSeconds(4));
        await KillAndRestart("m1"); // the first seed, the only one in every member's seed list
        Drop(sim.Nodes[1]);
        await Task.Delay(TimeSpan.FromSeconds(3));
        Drop(sim.Nodes[3]);
        await Task.Delay(TimeSpan.FromSeconds(3));
        await KillAndRestart("m2");
        Drop(sim.Nodes[2]);
        await arrivals;
        Note($"{callers.Count} callers started");

        // ---------------------------------------------------------------- drain
        await scenario.StopLoadAndCheckBillingAsync(load, cluster, billedNodes.Select(n => n.Name).ToHashSet(), byJournaledGaps: true);
        Note("ordinary calls: every call outside its node's journaled gaps is billed, once");
        var all = Task.WhenAll(callers.Select(c => c.Completion));
        Assert.True(await Task.WhenAny(all, Task.Delay(TimeSpan.FromMinutes(3))) == all,
            $"{callers.Count(c => !c.Completion.IsCompleted)} queue callers still up 3 minutes after the last arrival");
        QueueHttp.Queue? final = null;
        await cluster.WaitUntilAsync(async () => (final = await QueueAsync(cluster)) is { Waiting.Count: 0, Connected.Count: 0 },
            "the queue holds nobody", TimeSpan.FromMinutes(3)); // a talk whose end fell in a kill window: the queue's check of
                                                                 // connected calls (every minute, calls up a minute) finds it
        Note("every caller's call over, the queue empty");

        // ---------------------------------------------------------------- the accounting
        var gaps = (await scenario.JournaledGapsAsync()).GroupBy(g => g.Node).ToDictionary(g => g.Key, g => g.Count());
        var connections = ledger.Connections;
        var byCaller = connections.GroupBy(c => (c.CallerNode, c.CallerUniqueid)).ToDictionary(g => g.Key, g => g.Count());
        int ConnectionsOf(QueueCaller c) => byCaller.GetValueOrDefault((c.NodeName, c.Uniqueid));
        var connected = callers.Count(c => c.Outcome == QueueCallerOutcome.Connected);
        var abandoned = callers.Count(c => c.Outcome == QueueCallerOutcome.Abandoned && c.Patience is not null);
        // A join is the dialplan's UserEvent: one that happened while no member held its node's AMI session was
        // never read, and its caller can only time out (the issue's "calls in gaps", for callers). Margins as for
        // billing: a session's first second, and the last 8 s before it ended (what a member had read but not yet
        // handed on when it died).
        var now = DateTimeOffset.UtcNow;
        var observed = sim.Nodes.ToDictionary(n => n.Name, n => AmiSessions.Observed(n.Sessions, ClusterScenario.User, now));
        bool Seen(QueueCaller c) => joinedAt.TryGetValue(c, out var t) && observed[c.NodeName].Any(w =>
            w.From + TimeSpan.FromSeconds(1) <= t && t + TimeSpan.FromSeconds(8) <= w.To);
        var unseen = callers.Where(c => !Seen(c)).ToList();
        var lost = callers.Where(Seen).Where(c => c.Outcome != QueueCallerOutcome.Connected && c.Patience is null).ToList();
        var wallOverlaps = watch.Overlaps();
        output.WriteLine($"schedule (seed {Seed}):\n  " + string.Join("\n  ", schedule));
        output.WriteLine($"callers joined while their node was unobserved: {unseen.Count} (connected {unseen.Count(c => c.Outcome == QueueCallerOutcome.Connected)}, " +
                         $"abandoned {unseen.Count(c => c.Outcome == QueueCallerOutcome.Abandoned && c.Patience is not null)}, " +
                         $"timed out {unseen.Count(c => c.Outcome == QueueCallerOutcome.Abandoned && c.Patience is null)})");
        output.WriteLine($"callers {callers.Count}: connected {connected}, abandoned {abandoned}, lost {lost.Count} " +
                         $"({string.Join(", ", lost.Select(c => $"{c.NodeName}/{c.Uniqueid} {c.Outcome}"))}); connections {connections.Count}, " +
                         $"agents on two calls at once (wall clock) {wallOverlaps.Count}, callers connected twice {ledger.CallersConnectedMoreThanOnce().Count}");
        output.WriteLine($"host: {final!.Statistics}; AMI drops {drops}; gaps {string.Join(", ", gaps.Select(g => $"{g.Key} {g.Value}"))}");

        Assert.Empty(lost);                                        // nobody seen joining without patience left unconnected
        Assert.Empty(wallOverlaps);                                // no agent on two calls
        Assert.Empty(ledger.CallersConnectedMoreThanOnce());       // nobody connected twice
        Assert.All(callers, c => Assert.Equal(c.Outcome == QueueCallerOutcome.Connected ? 1 : 0, ConnectionsOf(c)));
        Assert.Equal(0, callers.Count(c => c.Outcome == QueueCallerOutcome.HungUp)); // nobody hung up by the system
        Assert.Equal(callers.Count - unseen.Count, callers.Where(Seen).Count(c => c.Outcome == QueueCallerOutcome.Connected
            || c.Patience is not null && c.Outcome == QueueCallerOutcome.Abandoned));
        foreach (var node in sim.Nodes)                            // never two clusters: two sessions only for a hand-over's overlap
        {
            var overlap = AmiSessions.LongestOverlapSince(node.Sessions, ClusterScenario.User, loadStarted, DateTimeOffset.UtcNow);
            output.WriteLine($"{node.Name}: longest overlap of two sessions {overlap.TotalSeconds:0.000} s");
            Assert.True(AmiSessions.MaxConcurrentLoggedInSince(node.Sessions, ClusterScenario.User, loadStarted) <= 2 &&
                        overlap < TimeSpan.FromSeconds(15),
                $"{node.Name}: sessions logged in at once beyond a hand-over's overlap ({overlap}):\n" + string.Join("\n", node.Sessions.All
                    .Where(r => r.LoggedInAt is not null && (r.EndedAt is null || r.EndedAt > loadStarted))
                    .Select(r => $"  {r.RemoteEndPoint} logged in {r.LoggedInAt:HH:mm:ss.fff} (events {(r.EventsAtLogin ? "on" : "off")}), " +
                                 $"ended {r.EndedAt:HH:mm:ss.fff} ({r.CloseReason})")));
        }
    }

    private static async Task<QueueHttp.Queue?> QueueAsync(HostCluster cluster)
    {
        using var http = new QueueHttp(cluster.Running.First().Endpoint);
        return await http.QueueAsync(Queue);
    }
}
