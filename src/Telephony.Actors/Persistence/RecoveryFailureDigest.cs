namespace Telephony.Actors.Persistence;

/// <summary>
/// Turns a storm of failed entity recoveries into a few log lines. While the journal database is down every entity
/// that starts fails its recovery and stops, and the next message starts it again: the queue keeper's wake-ups alone
/// made ~600 errors with a stack trace each every 10 s (2,000 agents; 29 MB of log for one member in the soak's
/// 60 s outage). The first failure of a window is reported whole; the rest are counted by kind (the persistence id's
/// prefix: <c>agent</c>, <c>call</c>, ...) and reported as one line when the window ends. Plain logic, not thread
/// safe: <see cref="RecoveryFailures"/> locks around it.
/// </summary>
public sealed class RecoveryFailureDigest(TimeSpan window)
{
    private readonly SortedDictionary<string, int> _byKind = new(StringComparer.Ordinal);
    private DateTimeOffset? _windowStart;
    private int _suppressed;
    private string? _firstCause;

    /// <summary>Every failure recorded, reported whole or counted.</summary>
    public long Total { get; private set; }

    /// <summary>Records a failure; true when it opens a window and is to be logged whole. Call <see cref="Flush"/>
    /// first: a window that has ended is closed there.</summary>
    public bool Record(string persistenceId, Exception cause, DateTimeOffset now)
    {
        Total++;
        if (_windowStart is null)
        {
            _windowStart = now;
            _firstCause = Describe(cause);
            return true;
        }
        _suppressed++;
        var kind = KindOf(persistenceId);
        _byKind[kind] = _byKind.GetValueOrDefault(kind) + 1;
        return false;
    }

    /// <summary>The summary of the window once it has ended and failures were counted in it; null otherwise.</summary>
    public string? Flush(DateTimeOffset now)
    {
        if (_windowStart is null || now - _windowStart.Value < window) return null;
        if (_suppressed == 0)
        {
            _windowStart = null;
            return null;
        }
        var line = $"{_suppressed} more entity recoveries failed in {(now - _windowStart.Value).TotalSeconds:0} s (" +
                   string.Join(", ", _byKind.Select(k => $"{k.Key} {k.Value}")) + $"), the first with: {_firstCause}; " +
                   $"{Total} since start. Each entity starts again with its next message.";
        _suppressed = 0;
        _byKind.Clear();
        _windowStart = null;
        return line;
    }

    /// <summary>The entity kind of a persistence id: what comes before its first '/' (<c>agent/4001</c> → agent).</summary>
    public static string KindOf(string persistenceId)
    {
        var slash = persistenceId.IndexOf('/');
        return slash > 0 ? persistenceId[..slash] : persistenceId;
    }

    private static string Describe(Exception cause)
    {
        var inner = cause;
        while (inner.InnerException is not null) inner = inner.InnerException;
        return inner == cause ? $"{cause.GetType().Name}: {cause.Message}" : $"{cause.GetType().Name}: {cause.Message} ({inner.GetType().Name}: {inner.Message})";
    }
}
