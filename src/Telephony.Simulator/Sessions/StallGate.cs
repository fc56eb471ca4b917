namespace Telephony.Simulator.Sessions;

/// <summary>While closed, the sessions of a node neither read nor write (a stalled Asterisk that keeps its sockets
/// open). Thread-safe.</summary>
public sealed class StallGate
{
    private readonly Lock _lock = new();
    private TaskCompletionSource? _closed;

    public bool IsStalled
    {
        get { lock (_lock) return _closed is not null; }
    }

    public void Close()
    {
        lock (_lock) _closed ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    public void Open()
    {
        TaskCompletionSource? t;
        lock (_lock)
        {
            t = _closed;
            _closed = null;
        }
        t?.TrySetResult();
    }

    public ValueTask WaitAsync(CancellationToken ct)
    {
        Task? wait;
        lock (_lock) wait = _closed?.Task;
        return wait is null ? ValueTask.CompletedTask : new ValueTask(wait.WaitAsync(ct));
    }
}
