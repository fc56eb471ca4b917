namespace Telephony.Domain.Actions;

/// <summary>
/// Decides which queued actions go on the wire now: by priority (0 first), then in order of arrival; not before
/// their <c>notBefore</c>; never after their <c>expiresAt</c> (those come out as expired); within the node's rate
/// (a token bucket) and, for Originates, within the originates-in-progress cap — a capped Originate does not hold
/// back a Hangup behind it. Pure: the caller passes the time and reports what it sent and what finished.
/// </summary>
public sealed class ActionScheduler(ActionLimits limits)
{
    private readonly record struct Entry(int Priority, long Sequence, string Id, DateTimeOffset? ExpiresAt, bool CreatesCall);

    private sealed class Order : IComparer<Entry>
    {
        public static readonly Order Instance = new();
        // The id breaks a tie of sequence: a sorted set drops an entry its comparer calls equal to another.
        public int Compare(Entry a, Entry b) =>
            a.Priority != b.Priority ? a.Priority.CompareTo(b.Priority)
            : a.Sequence != b.Sequence ? a.Sequence.CompareTo(b.Sequence)
            : string.CompareOrdinal(a.Id, b.Id);
    }

    private sealed class ByTime : IComparer<(DateTimeOffset At, Entry Entry)>
    {
        public static readonly ByTime Instance = new();
        public int Compare((DateTimeOffset At, Entry Entry) a, (DateTimeOffset At, Entry Entry) b) =>
            a.At != b.At ? a.At.CompareTo(b.At) : Order.Instance.Compare(a.Entry, b.Entry);
    }

    private readonly SortedSet<Entry> _calls = new(Order.Instance);
    private readonly SortedSet<Entry> _others = new(Order.Instance);
    private readonly SortedSet<(DateTimeOffset At, Entry Entry)> _later = new(ByTime.Instance);
    private readonly Dictionary<string, Entry> _byId = new(StringComparer.Ordinal);
    private readonly HashSet<string> _inProgress = new(StringComparer.Ordinal);
    private double _tokens = Math.Max(1, limits.Burst);
    private DateTimeOffset? _refilledAt;

    public ActionLimits Limits => limits;

    /// <summary>Queued actions (waiting for their time included).</summary>
    public int Count => _byId.Count;

    public bool IsFull => _byId.Count >= limits.MaxQueued;

    public int OriginatesInProgress => _inProgress.Count;

    public bool Contains(string id) => _byId.ContainsKey(id);

    public void Enqueue(ActionRecord action, long sequence)
    {
        if (_byId.ContainsKey(action.Id)) return;
        var entry = new Entry(action.Priority, sequence, action.Id, action.ExpiresAt, action.CreatesCall);
        _byId[action.Id] = entry;
        if (action.NotBefore is { } nb) _later.Add((nb, entry));
        else (entry.CreatesCall ? _calls : _others).Add(entry);
    }

    /// <summary>Takes it out of the queue (cancelled, refused, sent by someone else's decision).</summary>
    public bool Remove(string id)
    {
        if (!_byId.Remove(id, out var entry)) return false;
        if (!(entry.CreatesCall ? _calls : _others).Remove(entry)) _later.RemoveWhere(l => l.Entry.Id == id);
        return true;
    }

    /// <summary>An Originate went on the wire (or is found still dialing after a restart: <see cref="ActionRecord.InProgress"/>).</summary>
    public void OriginateStarted(string id) => _inProgress.Add(id);

    /// <summary>An Originate answered, failed, ended or became Unknown: it no longer holds a place.</summary>
    public void OriginateFinished(string id) => _inProgress.Remove(id);

    /// <summary>Up to <paramref name="max"/> actions to send now, in order; expired ones found on the way go to
    /// <paramref name="expired"/>.</summary>
    /// <summary>The fast path: a new action that nothing waits ahead of, due now, within the rate and the originate
    /// cap, is taken at once without being queued (the caller journals its Queued and Sent steps together).</summary>
    public bool TryTakeNow(ActionRecord action, DateTimeOffset now)
    {
        if (_byId.Count > 0 || action.NotBefore > now || action.ExpiresAt <= now) return false;
        if (action.CreatesCall && limits.MaxOriginatesInProgress > 0 && _inProgress.Count >= limits.MaxOriginatesInProgress) return false;
        Refill(now);
        if (limits.RatePerSecond > 0)
        {
            if (_tokens < 1) return false;
            _tokens -= 1;
        }
        if (action.CreatesCall) _inProgress.Add(action.Id);
        return true;
    }

    public List<string> TakeDue(DateTimeOffset now, int max, List<string> expired)
    {
        Release(now);
        Refill(now);
        var due = new List<string>();
        while (due.Count < max)
        {
            var callsOpen = limits.MaxOriginatesInProgress <= 0 || _inProgress.Count < limits.MaxOriginatesInProgress;
            Entry? next = null;
            if (_others.Count > 0) next = _others.Min;
            if (callsOpen && _calls.Count > 0 && (next is null || Order.Instance.Compare(_calls.Min, next.Value) < 0)) next = _calls.Min;
            if (next is not { } e) break;
            if (e.ExpiresAt is { } ea && ea <= now)
            {
                Remove(e.Id);
                expired.Add(e.Id);
                continue;
            }
            if (limits.RatePerSecond > 0)
            {
                if (_tokens < 1) break;
                _tokens -= 1;
            }
            Remove(e.Id);
            if (e.CreatesCall) _inProgress.Add(e.Id);
            due.Add(e.Id);
        }
        return due;
    }

    /// <summary>Every queued action whose deadline has passed, wherever it waits (a periodic sweep, so a deep queue
    /// shows them expired on time).</summary>
    public List<string> TakeExpired(DateTimeOffset now)
    {
        var expired = _byId.Values.Where(e => e.ExpiresAt is { } ea && ea <= now).Select(e => e.Id).ToList();
        foreach (var id in expired) Remove(id);
        return expired;
    }

    /// <summary>When to look again: the next token, the next notBefore, or null when nothing waits.</summary>
    public TimeSpan? NextCheck(DateTimeOffset now)
    {
        TimeSpan? wait = null;
        if (_later.Count > 0) wait = Max0(_later.Min.At - now);
        var anyReady = _others.Count > 0 ||
                       (_calls.Count > 0 && (limits.MaxOriginatesInProgress <= 0 || _inProgress.Count < limits.MaxOriginatesInProgress));
        if (anyReady)
        {
            // The tokens as TakeDue(now) would find them: time since the last refill counts.
            var tokens = limits.RatePerSecond > 0 && _refilledAt is { } last && now > last
                ? _tokens + (now - last).TotalSeconds * limits.RatePerSecond
                : _tokens;
            var tokenWait = limits.RatePerSecond > 0 && tokens < 1
                ? TimeSpan.FromSeconds((1 - tokens) / limits.RatePerSecond)
                : TimeSpan.Zero;
            wait = wait is { } w && w < tokenWait ? w : tokenWait;
        }
        return wait;
    }

    private void Release(DateTimeOffset now)
    {
        while (_later.Count > 0 && _later.Min.At <= now)
        {
            var l = _later.Min;
            _later.Remove(l);
            (l.Entry.CreatesCall ? _calls : _others).Add(l.Entry);
        }
    }

    private void Refill(DateTimeOffset now)
    {
        if (limits.RatePerSecond <= 0) return;
        if (_refilledAt is { } last && now > last)
            _tokens = Math.Min(Math.Max(1, limits.Burst), _tokens + (now - last).TotalSeconds * limits.RatePerSecond);
        if (_refilledAt is null || now > _refilledAt) _refilledAt = now;
    }

    private static TimeSpan Max0(TimeSpan t) => t < TimeSpan.Zero ? TimeSpan.Zero : t;
}
