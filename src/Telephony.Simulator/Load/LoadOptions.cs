namespace Telephony.Simulator.Load;

/// <summary>Calls a node starts on its own: <see cref="CallsPerSecond"/> new calls, never more than
/// <see cref="MaxConcurrent"/> at once, each lasting a duration drawn from <see cref="Duration"/> (the script's
/// waits are stretched to it), picking scripts by weight.</summary>
public sealed record LoadOptions
{
    public double CallsPerSecond { get; init; } = 1;
    public int MaxConcurrent { get; init; } = 100;
    public DurationDistribution Duration { get; init; } = DurationDistribution.Fixed(TimeSpan.FromSeconds(3));
    public IReadOnlyList<KeyValuePair<string, double>> Scripts { get; init; } = [new("answered", 1.0)];
    /// <summary>Seed for durations and script choice (null = random).</summary>
    public int? Seed { get; init; }
}
