using Telephony.Actors.Nodes;
using Telephony.Ami.Client;
using Telephony.Simulator;
using Telephony.Simulator.Load;

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
