namespace Telephony.Simulator.Queue;

/// <summary>
/// The virtual call queue dialplan across the simulator's nodes: which agent lives where and behaves how, the
/// routes of the connect context, and the <see cref="Ledger"/> of who got connected to whom.
/// </summary>
public sealed class VirtualQueue
{
    private readonly Dictionary<(int Node, string Agent), AgentBehavior> _agents = [];
    private readonly Lock _lock = new();
    private IReadOnlyList<SimulatedNode> _nodes = [];

    internal VirtualQueue(VirtualQueueOptions options)
    {
        Options = options;
        foreach (var a in options.Agents) _agents[(a.Node, a.Id)] = a;
    }

    public VirtualQueueOptions Options { get; }

    public QueueLedger Ledger { get; } = new();

    public IReadOnlyList<AgentBehavior> Agents
    {
        get { lock (_lock) return _agents.Values.ToArray(); }
    }

    /// <summary>Adds or replaces an agent (tests: change a behaviour between calls).</summary>
    public void SetAgent(AgentBehavior agent)
    {
        lock (_lock) _agents[(agent.Node, agent.Id)] = agent;
    }

    public AgentBehavior? Agent(int node, string id)
    {
        lock (_lock) return _agents.GetValueOrDefault((node, id));
    }

    internal IReadOnlyList<SimulatedNode> Nodes => _nodes;

    /// <summary>The queue load of <see cref="VirtualQueueOptions.Load"/>, once started.</summary>
    public QueueLoadGenerator? Load { get; private set; }

    internal void Attach(IReadOnlyList<SimulatedNode> nodes)
    {
        _nodes = nodes;
        if (Options.Load is { } load)
        {
            Load = new QueueLoadGenerator(this, load);
            Load.Start();
        }
    }

    internal SimulatedNode? Node(int index) => index >= 1 && index <= _nodes.Count ? _nodes[index - 1] : null;

    /// <summary>The route extension's agent and node, if both exist.</summary>
    internal (SimulatedNode Node, AgentBehavior Agent)? Resolve(string exten)
    {
        if (AgentRoute.Parse(exten, _nodes.Select(n => n.Name).ToArray()) is not { } route) return null;
        return Node(route.Node) is { } node && Agent(route.Node, route.Agent) is { } agent ? (node, agent) : null;
    }
}
