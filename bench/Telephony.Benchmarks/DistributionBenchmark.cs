using System.Diagnostics;
using System.Globalization;
using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Telephony.Actors.Hosting;
using Telephony.Actors.Nodes;
using Telephony.Actors.Persistence;
using Telephony.Actors.Queues;
using Telephony.Domain.Queues;
using Telephony.Domain.Queues.Agents;
using Telephony.Domain.Queues.Strategies;
using Telephony.Simulator;
using Telephony.Simulator.Load;
using Telephony.Simulator.Queue;
using Percentiles = Telephony.Benchmarks.ActionsBenchmark.Percentiles;

namespace Telephony.Benchmarks;

/// <summary>
/// Call distribution (issue 18): the queue and agent entities of one host (SQLite journal) connect callers waiting on
/// k simulated Asterisk nodes to the simulator's load agents (250 per node by default, all configured in the
/// <see cref="QueueDirectory"/> with their route extensions), time compressed. Callers arrive at a fixed rate, spread
/// round-robin over the nodes, into <c>sales</c> (2/3) and <c>support</c> (1/3); a share has a patience and hangs up
/// when it runs out; agents are in one queue or both; a share of them never answers or is busy.
/// Measured: the decision latency (the moment a decision became possible, see <see cref="Latency"/>, to the
/// simulator's receipt of the connect Redirect), assignments per second (connect Redirects received), the same
/// decisions made by the pure domain in one thread, and from the simulator's ledger the callers lost and any agent
/// or caller connected twice.
/// </summary>
internal static partial class DistributionBenchmark
{
    internal sealed class Args
    {
        public int Callers = 3_600;
        public int Agents = 2_000;
        public int Nodes = 8;
        public double TimeScale = 0.01;
        public int Seed = 1;
        public double ArrivalRate = 1_200; // callers per second, wall clock: above the issue's 1,000 assignments/s goal
        public double PatienceShare = 0.2;
        public double PatienceSeconds = 120; // simulated, exponential mean
        public double TalkSeconds = 180; // simulated, exponential mean
        public double NoAnswerShare = 0.05;
        public double BusyShare = 0.02;
        public string ExtraHocon = "";
        public bool MariaDb; // --journal mariadb: the cluster's journal (a server, another process) instead of SQLite
    }

    public static readonly string[] QueueList = ["sales", "support"];

    // The blocking collections of this run, for the report's split of the decisions.
    private static GcPauses? s_pauses;

    // One clock for the bench's own stamps and the simulator's receipts (which it keeps as origin + Stopwatch).
    private static readonly DateTimeOffset Origin = DateTimeOffset.UtcNow;
    private static readonly long OriginTicks = Stopwatch.GetTimestamp();
    internal static DateTimeOffset Now() => Origin + Stopwatch.GetElapsedTime(OriginTicks);

    public static async Task<int> RunAsync(string[] argv)
    {
        var a = Parse(argv);
        using var pauses = s_pauses = new GcPauses();
        if (a.Agents % a.Nodes != 0) throw new ArgumentException("--agents must be a multiple of --nodes (the simulator adds the same number per node)");
        var perNode = a.Agents / a.Nodes;
        var scale = a.TimeScale;
        var hocon = $"""
            telephony.actions.rate-per-second = 0
            telephony.actions.max-queued = 1000000
            telephony.actions.keep-finished = 1000000
            {a.ExtraHocon}
            """;
        Console.WriteLine($"distribution: {a.Nodes} simulated nodes, {a.Agents:N0} agents ({perNode} per node), {a.Callers:N0} callers at " +
                          $"{a.ArrivalRate:N0}/s, time scale {scale} (talk exp. mean {a.TalkSeconds} s = {a.TalkSeconds * scale * 1000:F0} ms wall), " +
                          $"patience share {a.PatienceShare} (exp. mean {a.PatienceSeconds} s), agents never answering {a.NoAnswerShare}, busy {a.BusyShare}, seed {a.Seed}");
        Console.WriteLine($"hocon: {hocon.Trim().Replace('\n', ';')}");
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, load average at start {LoadAverage()}");

        // A caller without patience waits at most 5 minutes of wall clock: only a caller the queue forgot gets there.
        var maxWait = TimeSpan.FromSeconds(Math.Max(600, 300 / scale));
        await using var sim = await AsteriskSimulator.StartAsync(new SimulatorOptions
        {
            Port = 0,
            Nodes = a.Nodes,
            TimeScale = scale,
            TimeZone = TimeZoneInfo.Utc,
            MaxSessionBacklog = 5_000_000,
            VirtualQueue = new VirtualQueueOptions
            {
                Agents = [], // only the load's agents
                MaxWait = maxWait,
                Load = new QueueLoadOptions
                {
                    // The load generator starts its callers as soon as the simulator starts, before the host has
                    // logged in: it only adds the agents here (MaxCallers 0); the bench starts the callers itself
                    // below, with the same draws the generator makes.
                    CallersPerSecond = 1,
                    MaxCallers = 0,
                    AgentsPerNode = perNode,
                    Ring = DurationDistribution.Uniform(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(4)),
                    Talk = DurationDistribution.Exponential(TimeSpan.FromSeconds(a.TalkSeconds)),
                    NoAnswerShare = a.NoAnswerShare,
                    BusyShare = a.BusyShare,
                    Seed = a.Seed,
                },
            },
        });
        var behaviours = sim.VirtualQueue.Agents.OrderBy(b => b.Node).ThenBy(b => b.Id, StringComparer.Ordinal).ToList();
        var directory = BuildDirectory(sim, behaviours, scale);
        Console.WriteLine($"agents: {behaviours.Count:N0} ({behaviours.Count(b => b.RingSeconds is not null):N0} answer, " +
                          $"{behaviours.Count(b => b.RingSeconds is null && !b.Busy):N0} never answer, {behaviours.Count(b => b.Busy):N0} busy); " +
                          string.Join(", ", QueueList.Select(q => $"{q} {directory.ConfiguredMembers(q).Count:N0} members")));

        var journal = a.MariaDb ? await BenchJournal.MariaDbAsync() : BenchJournal.Sqlite();
        Console.WriteLine($"journal: {journal.Description}");
        var host = await BenchHost.StartAsync(journal, sim.Nodes.Select(IngestBenchmark.NodeFor).ToList(), hocon, directory);
        var cpu = Process.GetCurrentProcess();
        Run? run = null;
        Percentiles handOffsIdle = default, handOffsLoaded = default, wireIdle = default, wireLoaded = default,
            commitIdle = default, commitLoaded = default, threeLoaded = default;
        var probeEvery = TimeSpan.FromMilliseconds(Math.Clamp(1000 / a.ArrivalRate, 10, 50));
        try
        {
            await WaitUntil(() => sim.Nodes.All(n => n.Sessions.LoggedInNow > 0), TimeSpan.FromSeconds(30), "the nodes log in");
            var ready = Stopwatch.StartNew();
            await WaitAgentsReady(host, directory);
            Console.WriteLine($"ready: every agent available in its queues {ready.Elapsed.TotalSeconds:F1} s after the host started them " +
                              $"(2,000 agent entities journal their memberships and login on first start)");

            await using var listener = await WireListener.StartAsync(sim);
            await WarmUp(sim);
            await using (var idle = new HandOffProbe(host.System))
            await using (var idleWire = new LoopbackProbe())
            await using (var idleCommit = new PersistProbe(host.System, "idle"))
            {
                idle.Start(probeEvery);
                await idleWire.ConnectAsync();
                idleWire.Start(probeEvery);
                idleCommit.Start(probeEvery);
                await Task.Delay(TimeSpan.FromSeconds(3));
                handOffsIdle = await idle.StopAsync();
                wireIdle = await idleWire.StopAsync();
                (commitIdle, _) = await idleCommit.StopAsync();
            }
            await using var probe = new HandOffProbe(host.System);
            await using var wire = new LoopbackProbe();
            await using var commit = new PersistProbe(host.System, "loaded");
            probe.Start(probeEvery);
            await wire.ConnectAsync();
            wire.Start(probeEvery);
            commit.Start(probeEvery);
            var cpuStart = cpu.TotalProcessorTime;
            var gen0 = GC.CollectionCount(0);
            var gen2 = GC.CollectionCount(2);
            var pause = GC.GetTotalPauseDuration();
            var writer = ActionsBenchmark.JournalWriter.Now();
            var slowBefore = Telephony.Actors.Persistence.SqliteGroupWriter.Stalls.Slow;
            var arrivals = new Arrivals(sim, a);
            var started = Now();
            var sw = Stopwatch.StartNew();
            await arrivals.RunAsync();
            var arrivalSeconds = sw.Elapsed.TotalSeconds;
            handOffsLoaded = await probe.StopAsync();
            wireLoaded = await wire.StopAsync();
            (commitLoaded, threeLoaded) = await commit.StopAsync();
            cpu.Refresh();
            var arrivalCpu = (cpu.TotalProcessorTime - cpuStart).TotalSeconds / arrivalSeconds * 100;
            Console.WriteLine($"arrivals: {arrivals.Callers.Count:N0} callers started in {arrivalSeconds:F2} s ({arrivals.Callers.Count / arrivalSeconds:N0}/s; " +
                              $"{arrivals.Skipped} refused by a node); CPU meanwhile {arrivalCpu:F0} % of one core (simulator included)");
            var drained = await Drain(sim, arrivals, maxWait * scale + TimeSpan.FromSeconds(60));
            var seconds = sw.Elapsed.TotalSeconds;
            cpu.Refresh();
            Console.WriteLine($"drained: {(drained ? "every caller's call ended" : "NOT every caller's call ended")} {seconds:F1} s after the first arrival; " +
                              $"CPU {(cpu.TotalProcessorTime - cpuStart).TotalSeconds / seconds * 100:F0} % of one core (2 cores = 200 %), " +
                              $"GCs gen0 {GC.CollectionCount(0) - gen0}, gen2 {GC.CollectionCount(2) - gen2}, pauses {(GC.GetTotalPauseDuration() - pause).TotalMilliseconds:F0} ms; " +
                              $"load average {LoadAverage()}");
            GcLog.PrintAllocations("the arrivals and the drain");
            var w = ActionsBenchmark.JournalWriter.Now() - writer;
            var stalls = Telephony.Actors.Persistence.SqliteGroupWriter.Stalls;
            Console.WriteLine($"journal writer (all writes of the process): {w.Groups:N0} transactions, {w.Rows:N0} rows " +
                              $"({(double)w.Rows / Math.Max(1, w.Groups):F1} per transaction), busy {w.Busy.TotalSeconds:F2} s of {seconds:F1} s; " +
                              $"{stalls.Slow - slowBefore:N0} took over 50 ms (the longest of the process {stalls.Longest.TotalMilliseconds:F0} ms)");
            await Task.Delay(500); // the last ConnectResults reach the listener and the queues
            run = await Collect(host, sim, journal, listener, arrivals, directory, started);
        }
        finally
        {
            await host.DisposeAsync();
        }
        await journal.CleanUpAsync();

        var report = Report(run, sim, a, directory, behaviours);
        Console.WriteLine("--- pure domain (QueueState, AgentState, AgentBoard in one thread, the same callers and agents)");
        var pure = PureDomain.Run(directory, behaviours, run.Callers, a, scale);
        Console.WriteLine($"pure domain: {pure.Offers:N0} assignments ({pure.Connected:N0} connected, {pure.NoAnswers:N0} no-answer, {pure.Busy:N0} busy, " +
                          $"{pure.Abandoned:N0} abandoned, {pure.Refused:N0} asks refused) in {pure.Seconds:F3} s = {pure.PerSecond:N0} assignments/s " +
                          $"({pure.Rounds:N0} rounds of {pure.Step.TotalMilliseconds:F0} ms virtual time)");
        var (one, three) = DurableCommitFloor();
        Console.WriteLine($"floor: one durable SQLite commit on this disk p50 {one.P50:F2} p99 {one.P99:F2} ms; the three a decision makes " +
                          $"in a row (agent's grant, queue's offer, action queue's record) p50 {three.P50:F2} p99 {three.P99:F2} ms, on an idle journal");
        Console.WriteLine($"floor: {HandOffProbe.HandOffs} hand-offs between actors in a row (a decision's count, nothing else done), " +
                          $"sent every {probeEvery.TotalMilliseconds:F0} ms: while the callers arrived {handOffsLoaded} (n={handOffsLoaded.Count:N0}); " +
                          $"in the same process idle {handOffsIdle}");
        Console.WriteLine($"floor: one persist of an entity on the host's journal, command to handler, while the callers arrived {commitLoaded} " +
                          $"(n={commitLoaded.Count:N0}); before they arrived {commitIdle}");
        Console.WriteLine($"floor: three such persists in series (a decision's grant, offer and action), while the callers arrived {threeLoaded}; " +
                          $"decision p50 / p99 against them: {report.Latency.P50 / Math.Max(0.001, threeLoaded.P50):F2} x / " +
                          $"{report.Latency.P99 / Math.Max(0.001, threeLoaded.P99):F2} x");
        Console.WriteLine($"floor: an 8-byte write on a loopback TCP socket to an async reader in this process (stage 3 without the AMI), " +
                          $"while the callers arrived {wireLoaded} (n={wireLoaded.Count:N0}); idle {wireIdle}");
        Console.WriteLine($"floor: stage 3 p50 / p99 against the loopback write's while callers arrived: " +
                          $"{report.WireLatency.P50 / Math.Max(0.001, wireLoaded.P50):F1} x / {report.WireLatency.P99 / Math.Max(0.001, wireLoaded.P99):F1} x");
        var ratio = report.AssignmentsPerSecond / pure.PerSecond;
        Console.WriteLine($"machine: load average at end {LoadAverage()}");
        Console.WriteLine($"distribution: {report.AssignmentsPerSecond:F0} assignments/s, p99 {report.Latency.P99:F1} ms decision latency, " +
                          $"{ratio:F4} x of pure domain, lost {report.Lost}, double-booked {report.DoubleBooked}");
        return report.Consistent ? 0 : 1;
    }

    /// <summary>Two queues; agent k of a node is in sales (k mod 3 = 0), support (1) or both (2), penalty 0, equal
    /// weights (no arbitration window). Delays after a no-answer or busy are the defaults (10 s) on the simulated
    /// clock, like the calls.</summary>
    private static QueueDirectory BuildDirectory(AsteriskSimulator sim, IReadOnlyList<AgentBehavior> behaviours, double scale)
    {
        var queues = QueueList.Select(q => new QueueSettings { Name = q, Strategy = QueueStrategy.LongestIdle, Connect = ConnectMode.Redirect });
        var delay = TimeSpan.FromSeconds(10 * scale);
        var agents = behaviours.Select(b =>
        {
            var k = int.Parse(b.Id[^4..], CultureInfo.InvariantCulture);
            var member = (k % 3) switch
            {
                0 => new Dictionary<string, int> { ["sales"] = 0 },
                1 => new Dictionary<string, int> { ["support"] = 0 },
                _ => new Dictionary<string, int> { ["sales"] = 0, ["support"] = 0 },
            };
            return new AgentSettings
            {
                Id = b.Id,
                Name = $"Agent {b.Id}",
                Route = new Telephony.Domain.Queues.Agents.AgentRoute(sim.Nodes[b.Node - 1].Name, new Telephony.Simulator.Queue.AgentRoute(b.Node, b.Id).Extension),
                Queues = member,
                LoggedInAtStart = true,
                NoAnswerDelay = delay,
                BusyDelay = delay,
                RejectDelay = delay,
            };
        }).ToList();
        var directory = new QueueDirectory(queues, agents);
        var errors = directory.Validate();
        if (errors.Count > 0) throw new InvalidOperationException("queue directory: " + string.Join("; ", errors));
        return directory;
    }

    private static async Task WaitAgentsReady(BenchHost host, QueueDirectory directory)
    {
        var region = host.Registry.Get<QueueRegion>();
        var sw = Stopwatch.StartNew();
        while (true)
        {
            var infos = await Task.WhenAll(QueueList.Select(q => QueueInfoAsk.AskAsync(host.System, region, q, TimeSpan.FromSeconds(30))));
            var ok = infos.All(i => i.Agents.Count(x => x.Status == nameof(AgentStatus.Available) && x.Activity == "Idle")
                                    == directory.ConfiguredMembers(i.Queue).Count);
            if (ok) return;
            if (sw.Elapsed > TimeSpan.FromMinutes(3))
                throw new TimeoutException("the agents were not all available within 3 minutes: " +
                                           string.Join(", ", infos.Select(i => $"{i.Queue} {i.Agents.Count} agents")));
            await Task.Delay(200);
        }
    }

    /// <summary>One caller per node and queue, each connected and its call over, before the measured arrivals: the first
    /// decisions of a fresh process run cold code (methods compiled on first use, each node's action queue starting
    /// from its journal) and took 200-300 ms, which is a start-up cost, not the decision latency of a running
    /// service. Their decisions are left out of the figures (made before the arrivals started); the ledger's checks
    /// (double-booking, callers connected twice) include them.</summary>
    private static async Task WarmUp(AsteriskSimulator sim)
    {
        var sw = Stopwatch.StartNew();
        var callers = sim.Nodes.SelectMany(n => QueueList.Select(q => n.StartQueueCaller(q, 3, null))).OfType<QueueCaller>().ToList();
        var all = Task.WhenAll(callers.Select(c => c.Completion));
        var done = await Task.WhenAny(all, Task.Delay(TimeSpan.FromSeconds(60))) == all;
        Console.WriteLine($"warm-up: {callers.Count} callers (one per node and queue) {(done ? "connected and done" : "NOT all done")} in " +
                          $"{sw.Elapsed.TotalSeconds:F1} s; not measured");
    }

    /// <summary>Until every caller's call has ended (connected and talked, abandoned, or given up at the phone's
    /// maximum wait), at most <paramref name="limit"/>.</summary>
    private static async Task<bool> Drain(AsteriskSimulator sim, Arrivals arrivals, TimeSpan limit)
    {
        var sw = Stopwatch.StartNew();
        while (arrivals.Callers.Any(c => !c.Caller.Completion.IsCompleted))
        {
            if (sw.Elapsed > limit) return false;
            await Task.Delay(100);
        }
        return true;
    }

    /// <summary>Starts the callers as <see cref="QueueLoadGenerator"/> does (slot i at i / rate, round-robin over the
    /// nodes, patience, queue and priority drawn from one seeded Random in that order), keeping each caller.</summary>
    internal sealed class Arrivals(AsteriskSimulator sim, Args a)
    {
        private readonly Random _random = new(a.Seed + 1_000_003);
        private static readonly (string Queue, double Weight)[] Queues = [("sales", 2), ("support", 1)];
        private static readonly (int Priority, double Weight)[] Priorities = [(3, 0.8), (5, 0.2)];
        private readonly DurationDistribution _patience = DurationDistribution.Exponential(TimeSpan.FromSeconds(a.PatienceSeconds));

        public List<Started> Callers { get; } = new(a.Callers);
        public int Skipped { get; private set; }

        public async Task RunAsync()
        {
            var interval = TimeSpan.FromSeconds(1 / a.ArrivalRate);
            var clock = Stopwatch.StartNew();
            for (var slot = 0; slot < a.Callers; slot++)
            {
                var wait = interval * slot - clock.Elapsed;
                if (wait > TimeSpan.FromMilliseconds(1)) await Task.Delay(wait);
                var node = sim.Nodes[slot % sim.Nodes.Count];
                TimeSpan? patience = _random.NextDouble() < a.PatienceShare ? _patience.Next(_random) : null;
                var queue = Pick(Queues);
                var priority = Pick(Priorities);
                var at = Now();
                var caller = node.StartQueueCaller(queue, priority, patience);
                if (caller is null)
                {
                    Skipped++;
                    continue;
                }
                Callers.Add(new Started(caller, node.Name, queue, priority, patience, at, clock.Elapsed));
            }
        }

        private T Pick<T>((T Value, double Weight)[] weighted)
        {
            var pick = _random.NextDouble() * weighted.Sum(w => w.Weight);
            foreach (var (value, weight) in weighted)
            {
                if (pick < weight) return value;
                pick -= weight;
            }
            return weighted[^1].Value;
        }
    }

    /// <param name="Offset">Wall time since the first arrival (the pure domain replays the same arrival times).</param>
    internal sealed record Started(QueueCaller Caller, string Node, string Queue, int Priority, TimeSpan? Patience, DateTimeOffset StartedAt,
        TimeSpan Offset);

    private static Args Parse(string[] argv)
    {
        var a = new Args();
        for (var i = 0; i < argv.Length; i++)
        {
            string Next() => i + 1 < argv.Length ? argv[++i] : throw new ArgumentException($"{argv[i]} needs a value");
            double D() => double.Parse(Next(), CultureInfo.InvariantCulture);
            switch (argv[i])
            {
                case "--callers": a.Callers = (int)D(); break;
                case "--agents": a.Agents = (int)D(); break;
                case "--nodes": a.Nodes = (int)D(); break;
                case "--time-scale": a.TimeScale = D(); break;
                case "--seed": a.Seed = (int)D(); break;
                case "--arrival-rate": a.ArrivalRate = D(); break;
                case "--patience-share": a.PatienceShare = D(); break;
                case "--patience": a.PatienceSeconds = D(); break;
                case "--talk": a.TalkSeconds = D(); break;
                case "--no-answer-share": a.NoAnswerShare = D(); break;
                case "--busy-share": a.BusyShare = D(); break;
                case "--hocon": a.ExtraHocon += "\n" + Next(); break;
                case "--journal": a.MariaDb = BenchJournal.IsMariaDbOption(Next()); break;
                default: throw new ArgumentException($"unknown option {argv[i]}");
            }
        }
        if (a.Nodes is < 1 or > 26) throw new ArgumentException("--nodes 1..26 (route extensions use the node's letter)");
        return a;
    }

    private static string LoadAverage()
    {
        try
        {
            return string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "n/a";
        }
    }

    private static async Task WaitUntil(Func<bool> condition, TimeSpan limit, string what)
    {
        var sw = Stopwatch.StartNew();
        while (!condition())
        {
            if (sw.Elapsed > limit) throw new TimeoutException($"{what}: not within {limit.TotalSeconds} s");
            await Task.Delay(10);
        }
    }
}
