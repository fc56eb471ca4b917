using Telephony.Actors.Queues;
using Telephony.Domain.Queues;

namespace Telephony.Actors.Nodes;

/// <summary>
/// The joins a node read from Asterisk and sent to their queues, until each queue answers (it answers once the join
/// is journaled, or at once for a caller it already has). A join sent to a queue entity on a member that has just
/// died is lost with it, and its caller would listen to music until the phone gives up (the soak test lost callers
/// so). Unanswered joins go again after <c>resendAfter</c> (the queue ignores a caller it
/// already has); a caller whose hangup the node reads is not sent again (it would wait in the queue for a channel
/// that is gone). One pending join per caller (a caller joins one queue at a time from the dialplan); at most
/// <c>limit</c>, the oldest dropped first.
/// </summary>
public sealed class PendingQueueJoins(TimeSpan resendAfter, int limit = 100_000)
{
    private sealed class Entry(JoinQueue join, DateTimeOffset sentAt, long order)
    {
        public JoinQueue Join { get; } = join;
        public DateTimeOffset SentAt { get; set; } = sentAt;
        public long Order { get; } = order;
    }

    private readonly Dictionary<CallerKey, Entry> _pending = new();
    private long _order;

    public int Count => _pending.Count;

    /// <summary>Joins sent again so far.</summary>
    public long Resent { get; private set; }

    /// <summary>Joins dropped unanswered because <c>limit</c> were pending.</summary>
    public long Dropped { get; private set; }

    public void Sent(JoinQueue join, DateTimeOffset now)
    {
        _pending[join.Request.Caller] = new Entry(join, now, ++_order);
        if (_pending.Count <= limit) return;
        var oldest = _pending.MinBy(p => p.Value.Order).Key;
        _pending.Remove(oldest);
        Dropped++;
    }

    /// <summary>Every unanswered join, in the order they were first sent.</summary>
    public IReadOnlyList<JoinQueue> All() => _pending.Values.OrderBy(e => e.Order).Select(e => e.Join).ToList();

    /// <summary>The queue answered this caller's join (joined, refused, or already there).</summary>
    public bool Answered(string queue, CallerKey caller) =>
        _pending.TryGetValue(caller, out var e) && e.Join.Queue == queue && _pending.Remove(caller);

    /// <summary>The caller's channel hung up: its join is not sent again.</summary>
    public bool Gone(CallerKey caller) => _pending.Remove(caller);

    /// <summary>The joins unanswered for <c>resendAfter</c>, in the order they were first sent; each is counted as
    /// sent again now.</summary>
    public IReadOnlyList<JoinQueue> Due(DateTimeOffset now)
    {
        List<JoinQueue>? due = null;
        foreach (var e in _pending.Values.Where(e => now - e.SentAt >= resendAfter).OrderBy(e => e.Order))
        {
            e.SentAt = now;
            (due ??= []).Add(e.Join);
        }
        Resent += due?.Count ?? 0;
        return due ?? (IReadOnlyList<JoinQueue>)[];
    }
}
