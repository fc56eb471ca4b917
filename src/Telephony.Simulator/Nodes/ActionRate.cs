using System.Diagnostics;

namespace Telephony.Simulator.Nodes;

/// <summary>
/// When a node received its actions, so a test can check that a client respected a per-node send-rate limit: the
/// highest number of actions in any sliding 1-second window is kept as they arrive, and every arrival is recorded
/// (monotonic clock, 16 bytes each) so other windows or one action name can be examined afterwards.
/// </summary>
public sealed class ActionRate
{
    private static readonly long OneSecond = Stopwatch.Frequency;

    private readonly Lock _lock = new();
    private readonly List<Arrival> _arrivals = [];
    private readonly long _originTicks = Stopwatch.GetTimestamp();
    private readonly DateTimeOffset _origin = DateTimeOffset.UtcNow;
    private int _windowStart; // index of the oldest arrival inside the last second
    private int _peak;
    private long _peakEndTicks;

    /// <summary>Actions received so far.</summary>
    public int Count
    {
        get { lock (_lock) return _arrivals.Count; }
    }

    /// <summary>The highest number of actions received in any 1-second window (sliding, not per calendar second).</summary>
    public int PeakPerSecond
    {
        get { lock (_lock) return _peak; }
    }

    /// <summary>When the busiest 1-second window ended (its last action), or null before any action.</summary>
    public DateTimeOffset? PeakWindowEnd
    {
        get { lock (_lock) return _peak == 0 ? null : At(_peakEndTicks); }
    }

    /// <summary>The highest number of actions (of one name, when given) within any window of this length.</summary>
    public int Peak(TimeSpan window, string? action = null)
    {
        var length = (long)(window.TotalSeconds * Stopwatch.Frequency);
        var times = Times(action);
        var best = 0;
        for (int first = 0, last = 0; last < times.Count; last++)
        {
            while (times[last] - times[first] >= length) first++;
            best = Math.Max(best, last - first + 1);
        }
        return best;
    }

    /// <summary>Arrival times of every action (of one name, when given), oldest first.</summary>
    public IReadOnlyList<DateTimeOffset> Timestamps(string? action = null) => Times(action).Select(At).ToArray();

    internal void Record(string action)
    {
        var now = Stopwatch.GetTimestamp();
        lock (_lock)
        {
            _arrivals.Add(new Arrival(now, action));
            while (now - _arrivals[_windowStart].Ticks >= OneSecond) _windowStart++;
            var inWindow = _arrivals.Count - _windowStart;
            if (inWindow > _peak)
            {
                _peak = inWindow;
                _peakEndTicks = now;
            }
        }
    }

    private List<long> Times(string? action)
    {
        lock (_lock)
            return _arrivals.Where(a => action is null || string.Equals(a.Action, action, StringComparison.OrdinalIgnoreCase))
                .Select(a => a.Ticks).ToList();
    }

    private DateTimeOffset At(long ticks) => _origin + Stopwatch.GetElapsedTime(_originTicks, ticks);

    private readonly record struct Arrival(long Ticks, string Action);
}
