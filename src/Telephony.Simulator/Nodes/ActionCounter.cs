using System.Collections.Concurrent;

namespace Telephony.Simulator.Nodes;

/// <summary>Actions a node received, counted by name (case-insensitive), whether they succeeded or not.</summary>
public sealed class ActionCounter
{
    private readonly ConcurrentDictionary<string, long> _counts = new(StringComparer.OrdinalIgnoreCase);

    public long this[string action] => _counts.GetValueOrDefault(action);

    public long Total => _counts.Values.Sum();

    public IReadOnlyDictionary<string, long> Snapshot() => new Dictionary<string, long>(_counts, StringComparer.OrdinalIgnoreCase);

    internal void Count(string action) => _counts.AddOrUpdate(action, 1, (_, n) => n + 1);
}
