namespace Telephony.Simulator.Calls;

/// <summary>Per-call knobs for calls started through the library or the load generator.</summary>
public sealed record CallOptions
{
    /// <summary>Stretch or shrink the script's waits so the whole call lasts this long (simulated time).</summary>
    public TimeSpan? Duration { get; init; }

    /// <summary>The Originate the call stands for; without one, <c>OriginateResponse</c> is not sent (the call
    /// looks like one that came in from outside).</summary>
    public OriginateRequest? Originate { get; init; }

    /// <summary>Instead of the script's steps, this program plays the call (virtual queue flows, which wait for
    /// actions and for the other node); the script then only names the call.</summary>
    internal Func<CallRun, CancellationToken, Task>? Program { get; init; }

    /// <summary>Where the call's clock starts (µs); null = the node's clock now. A leg started by another node's
    /// call starts at that call's moment, so both sides tell one story.</summary>
    internal long? StartMicros { get; init; }
}
