namespace Telephony.Actors.Nodes;

/// <summary>
/// Which call (LinkedID) each channel (UniqueID) belongs to, learned from CEL, Newchannel and resyncs: a Cdr sent
/// without its LinkedID is routed by its channel. Bounded two ways, so that a node running for months does not grow
/// without end: a channel is forgotten <c>horizon</c> after it ended (Hangup or CHAN_END; Asterisk's batched CDRs come
/// at most cdr.conf's <c>time</c>, 300 s by default, after it), and past <c>capacity</c> channels the oldest learned is
/// forgotten whatever its state (a hang-up that fell in a gap is never seen).
/// </summary>
internal sealed class ChannelLinkedIds(int capacity = ChannelLinkedIds.DefaultCapacity, TimeSpan? horizon = null)
{
    public const int DefaultCapacity = 200_000;

    /// <summary>How long a channel is remembered after it ended.</summary>
    public static readonly TimeSpan DefaultHorizon = TimeSpan.FromMinutes(15);

    private readonly Dictionary<string, Entry> _channels = new(StringComparer.Ordinal);
    // Learned order; a channel still up when it reaches the front past the horizon goes round to the back, so a long
    // call does not hold up the forgetting of the short ones learned after it.
    private readonly Queue<(string UniqueId, DateTimeOffset At)> _order = new();
    private readonly int _capacity = Math.Max(1, capacity);
    private readonly TimeSpan _horizon = horizon ?? DefaultHorizon;

    // The UniqueID again (the key's instance: a dictionary does not give its key back), so that a call's events can
    // share the strings the map holds anyway (see TryGetShared).
    private readonly record struct Entry(string UniqueId, string LinkedId, DateTimeOffset EndedAt);

    public int Count => _channels.Count;

    /// <summary>Remembers the channel's call; a channel already known keeps its first call and its place.</summary>
    public void Learn(string uniqueId, string linkedId, DateTimeOffset at = default)
    {
        ref var slot = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_channels, uniqueId, out var known);
        if (known) return;
        // One string per call, not one per channel: the first channel's UniqueID is the call's LinkedID, and the
        // others take that instance (kept for 15 minutes after a call, thousands of them on a busy node). Only reads
        // the dictionary while the new slot is held.
        if (string.Equals(uniqueId, linkedId, StringComparison.Ordinal)) linkedId = uniqueId;
        else if (_channels.TryGetValue(linkedId, out var first) && string.Equals(first.LinkedId, linkedId, StringComparison.Ordinal))
            linkedId = first.LinkedId;
        slot = new Entry(uniqueId, linkedId, default);
        _order.Enqueue((uniqueId, at));
        if (_order.Count > _capacity) _channels.Remove(_order.Dequeue().UniqueId);
        Expire(at);
    }

    /// <summary>The channel hung up at <paramref name="at"/>: it is forgotten a horizon later.</summary>
    public void Ended(string uniqueId, DateTimeOffset at)
    {
        if (_channels.TryGetValue(uniqueId, out var entry) && entry.EndedAt == default)
            _channels[uniqueId] = entry with { EndedAt = at };
        Expire(at);
    }

    public string? LinkedIdOf(string uniqueId) => _channels.TryGetValue(uniqueId, out var entry) ? entry.LinkedId : null;

    /// <summary>The map's own instances of a known channel's UniqueID and LinkedID: an event decoded later makes its
    /// own copies, and a call keeps its events until it is billed.</summary>
    public bool TryGetShared(string uniqueId, out string sharedUniqueId, out string sharedLinkedId)
    {
        var found = _channels.TryGetValue(uniqueId, out var entry);
        (sharedUniqueId, sharedLinkedId) = found ? (entry.UniqueId, entry.LinkedId) : (uniqueId, "");
        return found;
    }

    // A few steps per call, so the cost is spread over the events that cause it.
    private void Expire(DateTimeOffset now)
    {
        if (now == default) return;
        var cutoff = now - _horizon;
        for (var step = 0; step < 4 && _order.TryPeek(out var head) && head.At != default && head.At < cutoff; step++)
        {
            _order.Dequeue();
            if (!_channels.TryGetValue(head.UniqueId, out var entry)) continue; // forgotten by the cap already
            if (entry.EndedAt != default && entry.EndedAt < cutoff) _channels.Remove(head.UniqueId);
            else _order.Enqueue((head.UniqueId, now)); // still up, or ended too recently: look again a horizon later
        }
    }
}
