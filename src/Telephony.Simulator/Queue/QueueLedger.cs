namespace Telephony.Simulator.Queue;

/// <summary>One agent leg connected to a caller: from the agent's answer (or the Bridge) to the end of the talk
/// (<see cref="End"/> null while talking). Times are the simulated clock of the caller's call.</summary>
public sealed record QueueConnection(string CallerNode, string CallerUniqueid, string Queue, string AgentId,
    string AgentNode, string Via, DateTimeOffset Start, DateTimeOffset? End);

/// <summary>
/// The proof record of the virtual queue, over every node of the simulator: each agent leg that got connected to a
/// caller, and how many callers joined, abandoned or are still waiting. A test checks a queue manager with it:
/// <see cref="CallersConnectedMoreThanOnce"/> and <see cref="Overlaps"/> must be empty.
/// </summary>
public sealed class QueueLedger
{
    private readonly Lock _lock = new();
    private readonly List<QueueConnection> _connections = [];
    private readonly Dictionary<string, int> _waiting = new(StringComparer.Ordinal);
    private long _joined;
    private long _abandoned;

    public IReadOnlyList<QueueConnection> Connections
    {
        get { lock (_lock) return _connections.ToArray(); }
    }

    public long Joined => Interlocked.Read(ref _joined);

    /// <summary>Callers that hung up (or whose phone's wait ran out) without being connected.</summary>
    public long Abandoned => Interlocked.Read(ref _abandoned);

    /// <summary>Callers on music right now, over all nodes.</summary>
    public int Waiting
    {
        get { lock (_lock) return _waiting.Values.Sum(); }
    }

    public int WaitingOn(string node)
    {
        lock (_lock) return _waiting.GetValueOrDefault(node);
    }

    public IReadOnlyList<QueueConnection> ConnectionsOn(string node) =>
        Connections.Where(c => c.CallerNode == node || c.AgentNode == node).ToArray();

    /// <summary>Callers (node, Uniqueid) that were connected to an agent more than once.</summary>
    public IReadOnlyList<(string Node, string Uniqueid)> CallersConnectedMoreThanOnce() =>
        Connections.GroupBy(c => (c.CallerNode, c.CallerUniqueid)).Where(g => g.Count() > 1).Select(g => g.Key).ToArray();

    /// <summary>Pairs of connections of one agent (id and node) whose times overlap: the agent talked to two callers
    /// at once. A connection still up counts as lasting for ever.</summary>
    public IReadOnlyList<(QueueConnection First, QueueConnection Second)> Overlaps()
    {
        var overlaps = new List<(QueueConnection, QueueConnection)>();
        foreach (var agent in Connections.GroupBy(c => (c.AgentNode, c.AgentId)))
        {
            var ordered = agent.OrderBy(c => c.Start).ToList();
            for (var i = 0; i < ordered.Count; i++)
            for (var j = i + 1; j < ordered.Count && ordered[j].Start < (ordered[i].End ?? DateTimeOffset.MaxValue); j++)
                overlaps.Add((ordered[i], ordered[j]));
        }
        return overlaps;
    }

    internal int Connected(QueueConnection connection)
    {
        lock (_lock)
        {
            _connections.Add(connection);
            return _connections.Count - 1;
        }
    }

    internal void Ended(int index, DateTimeOffset end)
    {
        lock (_lock) _connections[index] = _connections[index] with { End = end };
    }

    internal void StartedWaiting(string node)
    {
        lock (_lock) _waiting[node] = _waiting.GetValueOrDefault(node) + 1;
    }

    internal void StoppedWaiting(string node)
    {
        lock (_lock) _waiting[node] = _waiting.GetValueOrDefault(node) - 1;
    }

    internal void Join() => Interlocked.Increment(ref _joined);

    internal void Abandon() => Interlocked.Increment(ref _abandoned);
}
