using System.Collections.Concurrent;
using System.Diagnostics;
using Telephony.Simulator;
using Telephony.Simulator.Queue;

namespace Telephony.Testing.Fleet;

/// <summary>
/// The fleet soak (issue 19): three member processes of the real service on a MariaDB journal, the simulator as N
/// Asterisk nodes (ordinary calls on half of them, a virtual queue's callers and agents on the other half), while
/// members die, AMI connections drop, a member leaves, an Asterisk restarts and MariaDB goes away, on a seeded schedule
/// it prints. The accounting at the end is total and comes from the simulator's ground truth (<see cref="FleetSoakReport"/>).
/// Used by the test suite (the short form, asserting the zeros) and by <c>bench … -- soak</c> (the full form).
/// </summary>
public sealed partial class FleetSoak
{
    public const string Queue = "sales";
    /// <summary>How often recovery is polled: every wait in a recovery adds up to this to the figure measured.</summary>
    private const int RecoveryPoll = 200;

    private readonly FleetSoakOptions _options;
    private readonly Action<string> _log;
    private readonly Stopwatch _clock = new();
    private readonly List<string> _schedule = [];
    private readonly List<(DateTimeOffset From, DateTimeOffset To)> _faultWindows = [];
    private readonly List<double> _recoveries = [];
    private readonly List<DateTimeOffset> _dropTimes = [];
    private readonly List<(string Node, DateTimeOffset At)> _dropsByNode = [];
    private readonly List<string> _faultFailures = [];
    private readonly List<(DateTimeOffset From, DateTimeOffset To)> _outages = [];
    private readonly Random _random;
    private ClusterScenario _scenario = null!;
    private HostCluster _cluster = null!;
    private PrivateMariaDb? _mariaDb;
    private int _drops;

    private FleetSoak(FleetSoakOptions options, Action<string> log)
    {
        _options = options;
        _log = log;
        _random = new Random(options.Seed);
    }

    public static async Task<FleetSoakReport> RunAsync(FleetSoakOptions options, Action<string> log)
    {
        var soak = new FleetSoak(options, log);
        try
        {
            return await soak.RunAsync();
        }
        finally
        {
            soak._cluster?.Dispose();
            if (soak._scenario is not null) await soak._scenario.DisposeAsync();
            soak._mariaDb?.Dispose();
        }
    }

    private SimulatedNode[] BilledNodes => _scenario.Simulator.Nodes.Where((_, i) => i % 4 < 2).ToArray();
    private SimulatedNode[] QueueNodes => _scenario.Simulator.Nodes.Where((_, i) => i % 4 >= 2).ToArray();

    private async Task<FleetSoakReport> RunAsync()
    {
        _log($"fleet soak: {_options}");
        if (_options.DatabaseOutage is not null) _mariaDb = await PrivateMariaDb.StartAsync();
        var agents = Agents();
        _scenario = await ClusterScenario.StartAsync(_log, new VirtualQueueOptions { Agents = agents, MaxWait = TimeSpan.FromSeconds(_options.MaxWaitSeconds) },
            _options.Nodes, _options.TimeScale, _mariaDb?.ServerConnectionString, timestampEvents: true);
        var sim = _scenario.Simulator;
        var ledger = sim.VirtualQueue.Ledger;
        await using var watch = new LedgerWatch(ledger);
        var regions = _options.Regions == 2 ? sim.Nodes.Select((n, i) => (n.Name, Region: i < sim.Nodes.Count / 2 ? "a" : "b"))
            .ToDictionary(x => x.Name, x => x.Region) : null;
        var environment = _scenario.Environment(regions);
        environment[$"TELEPHONY__QUEUES__{Queue}__STRATEGY"] = "leastrecent";
        environment["Logging__LogLevel__Akka"] = "Information"; // node hand-overs and queue recoveries, for a failure's diagnosis
        // The harness names only the first member as a seed (the README names all three, and the keeper then waits for
        // three by default): the queue keeper waits for the three before placing agents, as it would there.
        environment["TELEPHONY__HOCON"] += "\ntelephony.queues.keeper-formation-members = 3";
        foreach (var a in agents)
        {
            environment[$"TELEPHONY__AGENTS__{a.Id}__NODE"] = sim.Nodes[a.Node - 1].Name;
            environment[$"TELEPHONY__AGENTS__{a.Id}__EXTENSION"] = new AgentRoute(a.Node, a.Id).Extension;
            environment[$"TELEPHONY__AGENTS__{a.Id}__QUEUES"] = Queue;
            environment[$"TELEPHONY__AGENTS__{a.Id}__LOGGEDIN"] = "true";
        }
        (string, string[])[] members = _options.Regions == 2
            ? [("m1", ["region-a"]), ("m2", ["region-b"]), ("m3", ["region-a", "region-b"])]
            : [("m1", []), ("m2", []), ("m3", [])];
        _cluster = await HostCluster.StartAsync(members, environment);
        await _cluster.WaitForUpAsync(3, TimeSpan.FromMinutes(3));
        await WaitForNodesAsync(_cluster["m1"], _ => true, "every node is connected");
        await _cluster.WaitUntilAsync(async () => await QueueAsync() is { } q && q.Available == agents.Count,
            $"the queue sees its {agents.Count} agents available", TimeSpan.FromMinutes(3));

        // ---------------------------------------------------------------- load and faults
        var loadStarted = DateTimeOffset.UtcNow;
        _clock.Start();
        using var memory = new MemorySampler(_cluster, sim);
        await using var load = new ClusterLoad(sim, _options.CallsPerSecondPerNode, _options.Seed, BilledNodes);
        var callers = new ConcurrentBag<QueueCaller>();
        var arrivals = Task.Run(() => ArriveAsync(callers));
        await Task.WhenAll(arrivals, DropsAsync(), HeavyFaultsAsync());
        Note($"{callers.Count} callers started; load over");

        // ---------------------------------------------------------------- drain
        var billing = await _scenario.StopLoadAndCheckBillingAsync(load, _cluster, BilledNodes.Select(n => n.Name).ToHashSet(),
            byJournaledGaps: true, throwIfNotExact: false);
        Note("ordinary calls over, billing checked");
        var records = await _scenario.CountAsync("SELECT COUNT(*) FROM `call`");
        var precise = await _scenario.CountAsync("SELECT COUNT(*) FROM `call` WHERE seconds_precision = 'timestamp'");
        Note($"billing records with seconds from the Timestamp header (timestampevents = yes): {precise} of {records}");
        var all = Task.WhenAll(callers.Select(c => c.Completion));
        var drainWait = TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds((_options.TalkSeconds.Max + _options.MaxWaitSeconds) * _options.TimeScale * 2);
        if (await Task.WhenAny(all, Task.Delay(drainWait)) != all)
            Note($"{callers.Count(c => !c.Completion.IsCompleted)} queue callers still up {drainWait.TotalMinutes:0} minutes after the last arrival");
        try
        {
            await _cluster.WaitUntilAsync(async () => await QueueAsync() is { Waiting.Count: 0, Connected.Count: 0 },
                "the queue holds nobody", TimeSpan.FromMinutes(3));
        }
        catch (TimeoutException e)
        {
            Note(e.Message.Split('\n')[0]);
            if (await QueueAsync() is { } q)
                Note($"the queue still lists {q.Waiting.Count} waiting and {q.Connected.Count} connected callers: " +
                     string.Join(", ", q.Waiting.Concat(q.Connected).Take(10).Select(c => $"{c.Key} {c.Phase}")));
        }
        Note("every caller's call over");
        return await AccountAsync(callers.ToList(), watch, billing, memory, loadStarted);
    }

    /// <summary>Agents on the queue nodes (behaviour ids <c>&lt;node&gt;&lt;nnn&gt;</c>), answering after 1-3 s and
    /// talking the configured simulated time.</summary>
    private List<AgentBehavior> Agents()
    {
        var queueNodes = Enumerable.Range(1, _options.Nodes).Where(n => (n - 1) % 4 >= 2).ToArray();
        return Enumerable.Range(0, _options.Agents).Select(i =>
        {
            var node = queueNodes[i % queueNodes.Length];
            var (min, max) = _options.TalkSeconds;
            return AgentBehavior.Answers($"{node}{i / queueNodes.Length + 1:000}", node, 1 + _random.NextDouble() * 2,
                min + _random.NextDouble() * (max - min));
        }).ToList();
    }

    /// <summary>Callers arrive evenly over the load, round the queue nodes; some have patience (60-300 s simulated),
    /// the rest wait as long as it takes.</summary>
    private async Task ArriveAsync(ConcurrentBag<QueueCaller> callers)
    {
        var draw = new Random(_options.Seed + 1);
        var nodes = QueueNodes;
        var interval = _options.Load / _options.Callers;
        var started = _clock.Elapsed;
        for (var i = 0; i < _options.Callers; i++)
        {
            TimeSpan? patience = draw.NextDouble() < _options.ImpatientShare ? TimeSpan.FromSeconds(60 + draw.NextDouble() * 240) : null;
            if (nodes[i % nodes.Length].StartQueueCaller(Queue, priority: draw.NextDouble() < 0.2 ? 5 : 3, patience) is { } c) callers.Add(c);
            var due = started + interval * (i + 1);
            if (due > _clock.Elapsed) await Task.Delay(due - _clock.Elapsed);
        }
    }

    private void Note(string what)
    {
        var line = $"{_clock.Elapsed.TotalSeconds,7:0.0}s {what}";
        lock (_schedule) _schedule.Add(line);
        _log(line);
    }

    private Task WaitForNodesAsync(ClusterMember asker, Func<string, bool> memberAllowed, string what) =>
        ClusterScenario.WaitForNodesAsync(_cluster, asker, (node, member) => memberAllowed(member) && InRegion(node, member), what,
            count: _options.Nodes, pollMilliseconds: RecoveryPoll);

    /// <summary>With two regions a node runs only on a member with its region's role.</summary>
    private bool InRegion(string node, string member)
    {
        if (_options.Regions == 1) return true;
        var index = _scenario.Simulator.Nodes.ToList().FindIndex(n => n.Name == node);
        var role = index < _options.Nodes / 2 ? "region-a" : "region-b";
        return _cluster.Members.Any(m => m.Address == member && m.Roles.Contains(role));
    }

    private async Task<QueueHttp.Queue?> QueueAsync()
    {
        foreach (var member in _cluster.Running)
            if (await QueueAsync(member) is { } q) return q;
        return null;
    }

    private static async Task<QueueHttp.Queue?> QueueAsync(ClusterMember member)
    {
        using var http = new QueueHttp(member.Endpoint);
        try
        {
            return await http.QueueAsync(Queue);
        }
        catch (HttpRequestException)
        {
            return null; // a member just killed
        }
    }
}
