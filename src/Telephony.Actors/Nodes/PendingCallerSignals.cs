using Telephony.Actors.Queues;
using Telephony.Domain.Queues;

namespace Telephony.Actors.Nodes;

/// <summary>
/// A caller's hang-up, answered Dial and connect result, as a node read them and sent them to the caller's queue, until
/// the queue says it took each (<see cref="QueueSignalTaken"/>, once journaled). Like a join, such a signal sent to a
/// queue on a member that has just died is lost with it: the queue would hold a caller whose channel is gone (until its
/// periodic check) and bill its wait or talk wrong. Unanswered signals go again after <c>resendAfter</c>, in the order
/// they were first sent (a caller's answered Dial before its result); the queue takes a copy of one it already has
/// without effect. At most <c>limit</c> pending (the oldest dropped first), none older than <c>maxAge</c> (a queue that
/// never answers, e.g. not configured, must not keep them for ever).
/// </summary>
public sealed class PendingCallerSignals(TimeSpan resendAfter, TimeSpan maxAge, int limit = 100_000)
{
    private sealed class Entry(IQueueMessage signal, DateTimeOffset at, long order)
    {
        public IQueueMessage Signal { get; } = signal;
        public DateTimeOffset FirstSentAt { get; } = at;
        public DateTimeOffset SentAt { get; set; } = at;
        public long Order { get; } = order;
    }

    private readonly Dictionary<(CallerKey Caller, string Signal), Entry> _pending = new();
    private long _order;

    public int Count => _pending.Count;

    public long Resent { get; private set; }

    /// <summary>Signals given up unanswered (past the limit or the age).</summary>
    public long Dropped { get; private set; }

    public static bool IsTracked(IQueueMessage m) => m is CallerHungUp or CallerDialAnswered or ConnectResultReported;

    public static CallerKey CallerOf(IQueueMessage m) => m switch
    {
        CallerHungUp h => h.Caller,
        CallerDialAnswered d => d.Caller,
        ConnectResultReported r => r.Caller,
        _ => throw new ArgumentException($"{m.GetType().Name} is not a caller signal"),
    };

    public void Sent(IQueueMessage signal, DateTimeOffset now)
    {
        _pending[(CallerOf(signal), signal.GetType().Name)] = new Entry(signal, now, ++_order);
        if (_pending.Count <= limit) return;
        _pending.Remove(_pending.MinBy(p => p.Value.Order).Key);
        Dropped++;
    }

    public bool Taken(QueueSignalTaken taken) =>
        _pending.TryGetValue((taken.Caller, taken.Signal), out var e) && e.Signal.Queue == taken.Queue
        && _pending.Remove((taken.Caller, taken.Signal));

    /// <summary>Every unanswered signal, in the order first sent (a hand-over gives them to the next reader).</summary>
    public IReadOnlyList<IQueueMessage> All() => _pending.Values.OrderBy(e => e.Order).Select(e => e.Signal).ToList();

    /// <summary>The signals unanswered for <c>resendAfter</c>, in the order first sent; each counts as sent again now.
    /// Those older than <c>maxAge</c> are dropped instead.</summary>
    public IReadOnlyList<IQueueMessage> Due(DateTimeOffset now)
    {
        List<IQueueMessage>? due = null;
        foreach (var (key, e) in _pending.OrderBy(p => p.Value.Order).ToList())
        {
            if (now - e.FirstSentAt >= maxAge)
            {
                _pending.Remove(key);
                Dropped++;
                continue;
            }
            if (now - e.SentAt < resendAfter) continue;
            e.SentAt = now;
            (due ??= []).Add(e.Signal);
        }
        Resent += due?.Count ?? 0;
        return due ?? (IReadOnlyList<IQueueMessage>)[];
    }
}
