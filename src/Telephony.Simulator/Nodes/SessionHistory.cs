namespace Telephony.Simulator.Nodes;

/// <summary>Every session a node has seen (thread-safe; snapshots are copies). Lets cluster tests check properties
/// such as "at most one logged-in session per node at any time".</summary>
public sealed class SessionHistory
{
    private readonly List<SessionRecord> _records = [];
    private readonly Lock _lock = new();

    public IReadOnlyList<SessionRecord> All
    {
        get { lock (_lock) return _records.ToArray(); }
    }

    public IReadOnlyList<SessionRecord> LoggedIn => All.Where(r => r.WasLoggedIn).ToArray();

    public int LoggedInNow => All.Count(r => r.IsLoggedInNow);

    public int OpenNow => All.Count(r => r.ClosedAt is null);

    /// <summary>The largest number of sessions that were logged in at the same moment (intervals from
    /// <see cref="SessionRecord.LoggedInAt"/> to <see cref="SessionRecord.EndedAt"/>, open ones up to now).</summary>
    public int MaxConcurrentLoggedIn()
    {
        var points = new List<(DateTimeOffset At, int Delta)>();
        foreach (var r in All)
        {
            if (r.LoggedInAt is not { } start) continue;
            points.Add((start, +1));
            if (r.EndedAt is { } end) points.Add((end, -1));
        }
        // At equal times an end comes before a start: a handover in the same tick is not an overlap.
        var max = 0;
        var current = 0;
        foreach (var (_, delta) in points.OrderBy(p => p.At).ThenBy(p => p.Delta))
            max = Math.Max(max, current += delta);
        return max;
    }

    internal void Add(SessionRecord record)
    {
        lock (_lock) _records.Add(record);
    }

    internal void Update(long id, Func<SessionRecord, SessionRecord> change)
    {
        lock (_lock)
        {
            var i = _records.FindIndex(r => r.Id == id);
            if (i >= 0) _records[i] = change(_records[i]);
        }
    }
}
