namespace Telephony.Actors.Persistence;

/// <summary>
/// At most <c>capacity</c> replays at once, the rest waiting in line; a replay marked urgent goes ahead of every one
/// that is not. Why: when a member takes over another's work it recovers hundreds of agents and, among them, the few
/// entities that decide how soon it serves — the nodes' journals and action queues (an AMI login waits for them) and the
/// queues. Behind a plain semaphore they would wait for the agents queued before them.
/// </summary>
public sealed class ReplayGate(int capacity)
{
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
