using Telephony.Actors.Nodes;
using Telephony.Ami.Client;
using Telephony.Simulator;
using Telephony.Simulator.Load;
using Telephony.Simulator.Queue;
using Telephony.Actors.Queues;
using Telephony.Domain.Queues;
using Telephony.Domain.Queues.Agents;

namespace Telephony.Host;

/// <summary>The built-in simulated Asterisk the service talks to when no real one is configured.</summary>
public sealed class Demo : IAsyncDisposable
{
    private readonly AsteriskSimulator _simulator;

    private Demo(AsteriskSimulator simulator, AsteriskNodeSettings node)
    {
        _simulator = simulator;
        Node = node;
    }

    public AsteriskNodeSettings Node { get; }

    private const int DemoAgents = 6;

    /// <summary>The demo's queues and agents: the simulator's agent phones 10001-10006 on demo-1 (reached by the
    /// connect context's <c>a-&lt;id&gt;</c>), four in sales, four in support, two of them shared with penalty 1.</summary>
    public static QueueDirectory Queues(string node)
    {
        var queues = new[]
        {
            new QueueSettings { Name = "sales", ServiceLevel = TimeSpan.FromSeconds(20), WrapUp = TimeSpan.FromSeconds(2), Weight = 1 },
            new QueueSettings { Name = "support", Strategy = Domain.Queues.Strategies.QueueStrategy.FewestCalls, ServiceLevel = TimeSpan.FromSeconds(30) },
        };
        var agents = Enumerable.Range(1, DemoAgents).Select(i =>
        {
            var id = $"1{i:0000}";
            var memberships = new Dictionary<string, int>();
            if (i <= 4) memberships["sales"] = i <= 2 ? 0 : 1;
            if (i >= 3) memberships["support"] = i >= 5 ? 0 : 1;
            return new AgentSettings
            {
                Id = id, Name = $"Agent {id}", Route = new Domain.Queues.Agents.AgentRoute(node, $"a-{id}", $"Local/{id}@agents"),
                Queues = memberships, LoggedInAtStart = true, NoAnswerDelay = TimeSpan.FromSeconds(5),
            };
        }).ToList();
        return new QueueDirectory(queues, agents);
    }

    public static async Task<Demo> StartAsync(HostSettings settings)
    {
        var secret = Convert.ToHexString(Guid.NewGuid().ToByteArray());
        var simulator = await AsteriskSimulator.StartAsync(new SimulatorOptions
        {
            Port = 0,
            NodeNamePrefix = "demo",
            TimeScale = settings.DemoTimeScale,
            TimeZone = TimeZoneInfo.Utc,
            CdrLinkedIdAndSequence = true,
            // As the README recommends for a real server: sub-second call clocks and the Timestamp header, so the demo's
            // billing records are exact (seconds_precision 'timestamp').
            TimestampEvents = true,
            Users = new Dictionary<string, string> { ["telephony"] = secret },
            Load = new LoadOptions
            {
                CallsPerSecond = settings.DemoCallsPerSecond,
                MaxConcurrent = settings.DemoMaxConcurrentCalls,
                Duration = DurationDistribution.Uniform(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(120)),
                Scripts = [new("answered", 5), new("dial-answered", 3), new("busy", 1), new("noanswer", 1), new("queue-answered", 2)],
            },
            // Callers joining the fleet's queues sales and support, and the agents' phones (README: "Call queues").
            VirtualQueue = new VirtualQueueOptions
            {
                Agents = [],
                // Callers only for the demo's own queues: a host that configures its queues gets no simulated callers.
                Load = settings.Telephony.QueueDirectory.Queues.Count > 0 ? null : new QueueLoadOptions
                {
                    CallersPerSecond = settings.DemoQueueCallersPerSecond,
                    Queues = [new("sales", 0.6), new("support", 0.4)],
                    Priorities = [new(3, 0.8), new(5, 0.2)],
                    PatienceShare = 0.2,
                    Patience = DurationDistribution.Uniform(TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(120)),
                    AgentsPerNode = DemoAgents,
                    Talk = DurationDistribution.Uniform(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(180)),
                    NoAnswerShare = 0.15,
                },
            },
        });
        var node = new AsteriskNodeSettings
        {
            Name = "demo-1",
            Host = "127.0.0.1",
            Port = simulator.Port,
            Username = "telephony",
            Secret = secret,
            AuthType = AmiAuthType.Md5,
            TimeZone = TimeZoneInfo.Utc,
        };
        return new Demo(simulator, node);
    }

    public ValueTask DisposeAsync() => _simulator.DisposeAsync();
}
