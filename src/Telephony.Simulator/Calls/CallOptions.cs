namespace Telephony.Simulator.Calls;

/// <summary>Per-call knobs for calls started through the library or the load generator.</summary>
public sealed record CallOptions
{
    /// <summary>Stretch or shrink the script's waits so the whole call lasts this long (simulated time).</summary>
    public TimeSpan? Duration { get; init; }

    /// <summary>The Originate the call stands for; without one, <c>OriginateResponse</c> is not sent (the call
    /// looks like one that came in from outside).</summary>
    public OriginateRequest? Originate { get; init; }
}
