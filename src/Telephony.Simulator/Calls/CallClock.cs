namespace Telephony.Simulator.Calls;

/// <summary>
/// The simulated clock of one call, in microseconds since the Unix epoch (the resolution of Asterisk's
/// <c>ast_tvnow()</c>). Time moves at the script's waits and, with sub-second times, by a few microseconds per event.
/// </summary>
/// <remarks>
/// The built-in scripts' waits are whole seconds because they were measured on whole-second CEL/Cdr times; a real
/// wait that showed as N seconds lasted anything from N−1 to N+1. With sub-second times each wait gets a random
/// fraction (up to ±0.5 s, never more than half the wait, so the mean length is kept), which gives ring and talk
/// times real fractions, as Asterisk's do. Without a random source the clock keeps the whole-second behaviour.
/// Shared by the call's own task (waits) and the node's emission lock (events), hence the lock.
/// </remarks>
internal sealed class CallClock
{
    // Between two events of one moment: 5 to 300 µs, log-uniform (ts-load-80 has a median gap of 19 µs, p90 229 µs).
    private static readonly double MinStep = Math.Log(5), MaxStep = Math.Log(300);

    private readonly Lock _lock = new();
    private readonly Random? _fractions;
    private long _now;

    /// <param name="startMicros">When the call starts.</param>
    /// <param name="fractions">The source of sub-second fractions; null = whole-second waits, no per-event steps.</param>
    public CallClock(long startMicros, Random? fractions)
    {
        _now = startMicros;
        _fractions = fractions;
        // Asterisk raises a manager event a little after the record it reports (tens of µs). One delay per call and
        // path (cel_manager, the rest): a Timestamp difference between two CEL of a call is then exactly the
        // difference of their records, and a Cdr dispatched at its channel's end does not share its CEL HANGUP's µs.
        RaiseDelayMicros = fractions?.Next(5, 60) ?? 0;
        CelRaiseDelayMicros = fractions?.Next(5, 60) ?? 0;
        if (fractions is not null && CelRaiseDelayMicros == RaiseDelayMicros) CelRaiseDelayMicros++;
    }

    public long NowMicros
    {
        get { lock (_lock) return _now; }
    }

    public DateTimeOffset Now => AsteriskTime.FromMicros(NowMicros);

    /// <summary>From an event's instant to the moment its manager event is raised (its Timestamp).</summary>
    public long RaiseDelayMicros { get; }

    /// <summary>The same for CEL, which cel_manager raises from the CEL record.</summary>
    public long CelRaiseDelayMicros { get; }

    public bool HasFractions => _fractions is not null;

    /// <summary>How long a scripted wait of <paramref name="milliseconds"/> (already stretched) really lasts, in µs.
    /// Pass the result to <see cref="Advance"/> once the wait is over.</summary>
    public long DrawWait(double milliseconds)
    {
        var micros = Math.Max(0, milliseconds) * 1000;
        if (_fractions is not null)
        {
            var spread = Math.Min(500_000, micros / 2);
            lock (_lock) micros += (_fractions.NextDouble() * 2 - 1) * spread;
        }
        return (long)Math.Round(micros);
    }

    /// <summary>Moves the clock on to <paramref name="micros"/> if it is behind (another call of the same
    /// conversation reached that moment first).</summary>
    public void AdvanceTo(long micros)
    {
        lock (_lock) _now = Math.Max(_now, micros);
    }

    public void Advance(long micros)
    {
        lock (_lock) _now += Math.Max(0, micros);
    }

    /// <summary>The instant of the next event of the call: a few µs after the previous one with sub-second times,
    /// the same instant without.</summary>
    public long NextEvent()
    {
        lock (_lock)
        {
            if (_fractions is not null)
                _now += (long)Math.Exp(MinStep + _fractions.NextDouble() * (MaxStep - MinStep));
            return _now;
        }
    }
}
