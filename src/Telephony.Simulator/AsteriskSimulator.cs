using Telephony.Simulator.Calls;

namespace Telephony.Simulator;

/// <summary>
/// An in-process AMI server that behaves like Asterisk 20 (as recorded in tests/fixtures/ami-captures): one or more
/// <see cref="SimulatedNode"/>s, each on its own port.
/// <code>
/// await using var sim = await AsteriskSimulator.StartAsync(new SimulatorOptions { Port = 0, TimeScale = 0.01 });
/// // connect to 127.0.0.1:sim.Port, log in as admin/secret, Originate Local/answer@test ...
/// </code>
/// </summary>
public sealed class AsteriskSimulator : IAsyncDisposable
{
    private AsteriskSimulator(SimulatorOptions options, ScriptLibrary scripts, IReadOnlyList<SimulatedNode> nodes,
        Queue.VirtualQueue queue)
    {
        VirtualQueue = queue;
        Options = options;
        Scripts = scripts;
        Nodes = nodes;
    }

    public SimulatorOptions Options { get; }

    /// <summary>The virtual queue across the nodes: agents, and the <see cref="Queue.QueueLedger"/> of connections.</summary>
    public Queue.VirtualQueue VirtualQueue { get; }
    public ScriptLibrary Scripts { get; }
    public IReadOnlyList<SimulatedNode> Nodes { get; }

    /// <summary>The first node.</summary>
    public SimulatedNode Node => Nodes[0];

    /// <summary>The first node's port.</summary>
    public int Port => Node.Port;

    public SimulatedNode this[string name] => Nodes.First(n => n.Name == name);

    public static Task<AsteriskSimulator> StartAsync(SimulatorOptions? options = null)
    {
        options ??= new SimulatorOptions();
        if (options.Nodes < 1) throw new ArgumentOutOfRangeException(nameof(options), "Nodes must be at least 1");
        if (options.TimeScale <= 0) throw new ArgumentOutOfRangeException(nameof(options), "TimeScale must be positive");
        if (options.Port is < 0 or > 65535) throw new ArgumentOutOfRangeException(nameof(options), "Port must be 0..65535");
        if (options.ReplayBytes is not null && (options.TimestampEvents || options.SubSecondTimes == true))
            throw new ArgumentException("TimestampEvents and SubSecondTimes do not apply to replay: a capture is sent " +
                                        "byte for byte, with whatever Timestamp headers it has", nameof(options));
        var scripts = options.Scripts ?? ScriptLibrary.BuiltIn();
        foreach (var route in options.Dialplan.Routes)
            if (scripts[route.Script] is null)
                throw new ArgumentException($"dialplan route for {route.Channel} names unknown script '{route.Script}'", nameof(options));

        var nodes = new List<SimulatedNode>();
        var queue = new Queue.VirtualQueue(options.VirtualQueue);
        try
        {
            for (var i = 0; i < options.Nodes; i++)
            {
                var node = new SimulatedNode($"{options.NodeNamePrefix}-{i + 1}", options.Port == 0 ? 0 : options.Port + i,
                    options, scripts, options.Seed + i);
                node.VirtualQueue = queue;
                node.Index = i + 1;
                nodes.Add(node);
                node.StartListening();
            }
        }
        catch
        {
            foreach (var n in nodes) n.DisposeAsync().AsTask().Wait(TimeSpan.FromSeconds(2));
            throw;
        }
        queue.Attach(nodes);
        foreach (var n in nodes) n.StartLoad();
        return Task.FromResult(new AsteriskSimulator(options, scripts, nodes, queue));
    }

    public async ValueTask DisposeAsync()
    {
        if (VirtualQueue.Load is { } load) await load.DisposeAsync().ConfigureAwait(false);
        foreach (var node in Nodes) await node.DisposeAsync().ConfigureAwait(false);
    }
}
