namespace Telephony.Domain.Actions;

/// <summary>Channel names a node saw hang up, the newest <c>capacity</c> of them: an action aimed at one of them is
/// refused without being sent (VICIdial's DEAD guard). Asterisk's channel names carry a sequence suffix, so a name
/// does not come back while it is remembered; a Newchannel of the same name forgets it anyway.</summary>
public sealed class RecentChannels(int capacity)
{
    private readonly HashSet<string> _ended = new(StringComparer.OrdinalIgnoreCase);
    private readonly Queue<string> _order = new();

    public int Count => _ended.Count;

    public bool HasEnded(string channel) => _ended.Contains(channel);

    public void Ended(string channel)
    {
        if (!_ended.Add(channel)) return;
        _order.Enqueue(channel);
        while (_order.Count > capacity && _order.TryDequeue(out var old)) _ended.Remove(old);
    }

    public void Started(string channel) => _ended.Remove(channel);
}
