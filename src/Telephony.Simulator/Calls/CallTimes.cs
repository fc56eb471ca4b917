namespace Telephony.Simulator.Calls;

/// <summary>When one channel of a call started and answered, in the call's simulated time (for its Cdr).</summary>
internal sealed class CallTimes
{
    public required DateTimeOffset Start { get; init; }
    public DateTimeOffset? Answer { get; set; }
}
