namespace Telephony.Actors.Nodes;

/// <summary>
/// Events per second over the last ten seconds, for <c>pbm node show</c>. A pull round counts its events as one entry,
/// so the window holds one entry per round, not per event.
/// </summary>
internal sealed class EventRateWindow
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(10);

    private readonly Queue<(DateTimeOffset At, long Count)> _counts = new();

    public void Count(DateTimeOffset now, int count)
    {
        _counts.Enqueue((now, count));
        Forget(now);
    }

    public double PerSecond(DateTimeOffset now)
    {
        Forget(now);
        long sum = 0;
        foreach (var (_, count) in _counts) sum += count;
        return sum / Window.TotalSeconds;
    }

    private void Forget(DateTimeOffset now)
    {
        while (_counts.Count > 0 && now - _counts.Peek().At > Window) _counts.Dequeue();
    }
}
