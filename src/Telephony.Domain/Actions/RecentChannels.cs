namespace Telephony.Domain.Actions;

/// <summary>Channel names a node saw hang up, the newest <c>capacity</c> of them: an action aimed at one of them is
/// refused without being sent (VICIdial's DEAD guard). Asterisk's channel names carry a sequence suffix, so a name
/// does not come back while it is remembered; a Newchannel of the same name forgets it anyway.
/// <para>
/// A name is kept as a 64-bit hash of its upper-case spelling (names compare case-insensitively), not as a string:
/// 50,000 names per node were ~5 MB, filling up over hours of a member's life. Another name with the same hash would be
/// refused as ended: odds ~capacity / 2^64 per action.
/// </para></summary>
public sealed class RecentChannels(int capacity)
{
    private readonly HashSet<ulong> _ended = [];
    private readonly Queue<ulong> _order = new();

    public int Count => _ended.Count;

    public bool HasEnded(string channel) => _ended.Contains(Hash(channel));

    public void Ended(string channel)
    {
        var key = Hash(channel);
        if (!_ended.Add(key)) return;
        _order.Enqueue(key);
        while (_order.Count > capacity && _order.TryDequeue(out var old)) _ended.Remove(old);
    }

    public void Started(string channel) => _ended.Remove(Hash(channel));

    // FNV-1a over the UTF-16 code units of the upper-case spelling (invariant), 64 bits.
    private static ulong Hash(string channel)
    {
        var h = 14695981039346656037UL;
        foreach (var c in channel)
        {
            var u = char.ToUpperInvariant(c);
            h = (h ^ (byte)u) * 1099511628211UL;
            h = (h ^ (byte)(u >> 8)) * 1099511628211UL;
        }
        return h;
    }
}
