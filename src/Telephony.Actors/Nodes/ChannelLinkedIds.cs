namespace Telephony.Actors.Nodes;

/// <summary>
/// Which call (LinkedID) each channel (UniqueID) belongs to, learned from CEL, Newchannel and resyncs: a Cdr sent
/// without its LinkedID is routed by its channel. Bounded: past <c>capacity</c> channels the first learned is
/// forgotten (its call is long over on a busy server), so a node that runs for months does not grow without end.
/// </summary>
internal sealed class ChannelLinkedIds(int capacity = ChannelLinkedIds.DefaultCapacity)
{
    public const int DefaultCapacity = 200_000;

    private readonly Dictionary<string, string> _linkedIdOfChannel = new(StringComparer.Ordinal);
    private readonly Queue<string> _order = new();
    private readonly int _capacity = Math.Max(1, capacity);

    public int Count => _linkedIdOfChannel.Count;

    /// <summary>Remembers the channel's call; a channel already known keeps its first call and its place.</summary>
    public void Learn(string uniqueId, string linkedId)
    {
        if (!_linkedIdOfChannel.TryAdd(uniqueId, linkedId)) return;
        _order.Enqueue(uniqueId);
        if (_order.Count > _capacity) _linkedIdOfChannel.Remove(_order.Dequeue());
    }

    public string? LinkedIdOf(string uniqueId) => _linkedIdOfChannel.GetValueOrDefault(uniqueId);
}
