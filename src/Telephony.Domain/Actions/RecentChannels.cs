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

    // The upper-case spelling's UTF-16 code units (names compare case-insensitively), hashed.
    private static ulong Hash(string channel)
    {
        Span<char> upper = channel.Length <= 256 ? stackalloc char[channel.Length] : new char[channel.Length];
        channel.AsSpan().ToUpperInvariant(upper);
        return Telephony.Domain.Identity.Fnv1a64.Of(System.Runtime.InteropServices.MemoryMarshal.AsBytes(upper));
    }
}
