namespace Telephony.Actors.Persistence;

/// <summary>
/// At most <c>capacity</c> replays (or snapshot loads) at once, the rest waiting in line; a replay marked urgent goes ahead of every one
/// that is not. Why: when a member takes over another's work it recovers hundreds of agents and, among them, the few
/// entities that decide how soon it serves — the nodes' journals and action queues (an AMI login waits for them) and the
/// queues. Behind a plain semaphore they would wait for the agents queued before them.
/// </summary>
public sealed class ReplayGate(int capacity, IReadOnlyList<string>? urgentPrefixes = null)
{
    /// <summary>Persistence ids that go ahead: nodes' journals, action queues, queues.</summary>
    public static readonly IReadOnlyList<string> DefaultUrgentPrefixes = ["node/", "actions/", "queue/"];

    private readonly IReadOnlyList<string> _urgentPrefixes = urgentPrefixes ?? DefaultUrgentPrefixes;

    /// <summary>The gate a plugin's config asks for: <paramref name="capacityKey"/> at once (8 by default), ids starting
    /// with one of <c>urgent-replay-persistence-id-prefixes</c> first.</summary>
    public static ReplayGate From(Akka.Configuration.Config config, string capacityKey) =>
        new(config.GetInt(capacityKey, 8), config.HasPath("urgent-replay-persistence-id-prefixes")
            ? config.GetStringList("urgent-replay-persistence-id-prefixes").ToArray()
            : null);

    public Task EnterAsync(string persistenceId)
    {
        foreach (var prefix in _urgentPrefixes)
            if (persistenceId.StartsWith(prefix, StringComparison.Ordinal)) return EnterAsync(urgent: true);
        return EnterAsync(urgent: false);
    }

    private readonly object _lock = new();
    private readonly Queue<TaskCompletionSource> _urgent = new();
    private readonly Queue<TaskCompletionSource> _others = new();
    private int _free = Math.Max(1, capacity);

    /// <summary>Replays waiting now (for figures and tests).</summary>
    public int Waiting
    {
        get
        {
            lock (_lock) return _urgent.Count + _others.Count;
        }
    }

    public Task EnterAsync(bool urgent)
    {
        lock (_lock)
        {
            if (_free > 0)
            {
                _free--;
                return Task.CompletedTask;
            }
            var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            (urgent ? _urgent : _others).Enqueue(waiter);
            return waiter.Task;
        }
    }

    /// <summary>Hands the place to the next in line (urgent first), or frees it.</summary>
    public void Leave()
    {
        TaskCompletionSource? next;
        lock (_lock)
        {
            if (!_urgent.TryDequeue(out next) && !_others.TryDequeue(out next))
            {
                _free++;
                return;
            }
        }
        next.SetResult();
    }
}
