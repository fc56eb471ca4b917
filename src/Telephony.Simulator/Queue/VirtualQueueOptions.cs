namespace Telephony.Simulator.Queue;

/// <summary>The virtual call queue dialplan of the two-node captures (queue-in, vq-connect, hold, agents).</summary>
public sealed record VirtualQueueOptions
{
    /// <summary>The agents; <see cref="AgentBehavior.CaptureDefaults"/> unless set.</summary>
    public IReadOnlyList<AgentBehavior> Agents { get; init; } = AgentBehavior.CaptureDefaults;

    /// <summary>Where a Redirect sends the caller to be connected (<c>vq-connect</c> in the captures).</summary>
    public string ConnectContext { get; init; } = "vq-connect";

    /// <summary>The Dial timeout of vq-connect (<c>Dial(...,15,g)</c>), simulated.</summary>
    public TimeSpan RingTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>How long a caller without patience waits before its phone hangs up (<c>hold,s</c> = Wait(60)).
    /// Make it long for load runs.</summary>
    public TimeSpan MaxWait { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Callers arriving on their own (load mode); null = none.</summary>
    public QueueLoadOptions? Load { get; init; }
}
