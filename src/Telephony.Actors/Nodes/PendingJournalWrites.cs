namespace Telephony.Actors.Nodes;

/// <summary>
/// The node's own journal writes (gaps, quarantine, heartbeats of a session start) until the node journal
/// acknowledges them. The node journal does not drop copies, so only a write that is really late goes again.
/// </summary>
internal sealed class PendingJournalWrites(TimeSpan timeout)
{
    private readonly Dictionary<long, (NodeJournal.Write Write, DateTimeOffset SentAt)> _writes = new();

    public int Count => _writes.Count;

    public void Sent(NodeJournal.Write write, DateTimeOffset now) => _writes[write.DeliveryId] = (write, now);

    /// <summary>The entries of every unacknowledged write, oldest first (a hand-over gives them to the next owner).</summary>
    public List<object> Entries() => _writes.OrderBy(w => w.Key).SelectMany(w => w.Value.Write.Entries).ToList();

    /// <summary>False for a write already acknowledged (or never sent).</summary>
    public bool Acknowledge(long deliveryId) => _writes.Remove(deliveryId);

    /// <summary>Adds to <paramref name="resend"/> every write unacknowledged for the timeout; the timeout starts again.</summary>
    public void Late(DateTimeOffset now, List<NodeJournal.Write> resend)
    {
        foreach (var (id, (write, sentAt)) in _writes)
        {
            if (now - sentAt < timeout) continue;
            resend.Add(write);
        }
        foreach (var write in resend) _writes[write.DeliveryId] = (write, now);
    }
}
