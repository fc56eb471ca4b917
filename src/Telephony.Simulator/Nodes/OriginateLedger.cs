using System.Collections.Concurrent;

namespace Telephony.Simulator.Nodes;

/// <summary>
/// Every <c>Originate</c> a node received, counted by its <c>ChannelId</c> (whether it succeeded or not): the proof
/// a test needs that a durable action queue never sent the same Originate twice, even across its own crashes.
/// Originates without a ChannelId are only counted in <see cref="WithoutChannelId"/>.
/// </summary>
public sealed class OriginateLedger
{
    private readonly ConcurrentDictionary<string, long> _byChannelId = new(StringComparer.Ordinal);
    private long _withoutChannelId;

    /// <summary>Originates received with this ChannelId (0 when never seen).</summary>
    public long OriginatesReceived(string channelId) => _byChannelId.GetValueOrDefault(channelId);

    /// <summary>A copy of the counts, ChannelId → Originates received with it.</summary>
    public IReadOnlyDictionary<string, long> Snapshot() => new Dictionary<string, long>(_byChannelId, StringComparer.Ordinal);

    /// <summary>ChannelIds received in more than one Originate, in ordinal order.</summary>
    public IReadOnlyList<string> DuplicateChannelIds =>
        _byChannelId.Where(e => e.Value > 1).Select(e => e.Key).Order(StringComparer.Ordinal).ToArray();

    /// <summary>Distinct ChannelIds received.</summary>
    public int ChannelIds => _byChannelId.Count;

    public long WithoutChannelId => Interlocked.Read(ref _withoutChannelId);

    /// <summary>One line for a report: how many ChannelIds, which came more than once (the first few).</summary>
    public string Summary(int listAtMost = 20)
    {
        var duplicates = DuplicateChannelIds;
        var text = $"{ChannelIds} ChannelIds, {WithoutChannelId} Originates without one, {duplicates.Count} received more than once";
        if (duplicates.Count == 0) return text;
        var listed = duplicates.Take(listAtMost).Select(id => $"{id}×{OriginatesReceived(id)}");
        return text + ": " + string.Join(", ", listed) + (duplicates.Count > listAtMost ? ", ..." : "");
    }

    internal void Count(string? channelId)
    {
        if (string.IsNullOrEmpty(channelId)) Interlocked.Increment(ref _withoutChannelId);
        else _byChannelId.AddOrUpdate(channelId, 1, (_, n) => n + 1);
    }
}
