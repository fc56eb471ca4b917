namespace Telephony.Domain.Actions;

/// <summary>How hard the queue may press one Asterisk node (configuration <c>telephony.actions</c>).</summary>
public sealed record ActionLimits
{
    /// <summary>Actions written per second (token bucket); 0 = no limit.</summary>
    public double RatePerSecond { get; init; } = 20;

    /// <summary>Actions that may be written back to back after a quiet spell; at least 1.</summary>
    public int Burst { get; init; } = 20;

    /// <summary>Originates sent and not yet answered or ended; 0 = no limit.</summary>
    public int MaxOriginatesInProgress { get; init; } = 50;

    /// <summary>Actions waiting in one node's queue; past it submissions are refused (HTTP 429).</summary>
    public int MaxQueued { get; init; } = 10_000;

    public static ActionLimits Default { get; } = new();

    public static ActionLimits Unlimited { get; } = new() { RatePerSecond = 0, MaxOriginatesInProgress = 0, MaxQueued = 1_000_000 };
}
