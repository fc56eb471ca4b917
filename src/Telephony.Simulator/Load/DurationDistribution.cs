namespace Telephony.Simulator.Load;

/// <summary>How long generated calls last (simulated time).</summary>
public abstract record DurationDistribution
{
    public abstract TimeSpan Next(Random random);

    public static DurationDistribution Fixed(TimeSpan duration) => new FixedDuration(duration);
    public static DurationDistribution Uniform(TimeSpan min, TimeSpan max) => new UniformDuration(min, max);
    /// <summary>Exponential with the given mean, as call holding times are usually modelled.</summary>
    public static DurationDistribution Exponential(TimeSpan mean) => new ExponentialDuration(mean);

    private sealed record FixedDuration(TimeSpan Duration) : DurationDistribution
    {
        public override TimeSpan Next(Random random) => Duration;
    }

    private sealed record UniformDuration(TimeSpan Min, TimeSpan Max) : DurationDistribution
    {
        public override TimeSpan Next(Random random) => Min + (Max - Min) * random.NextDouble();
    }

    private sealed record ExponentialDuration(TimeSpan Mean) : DurationDistribution
    {
        public override TimeSpan Next(Random random) => Mean * -Math.Log(1 - random.NextDouble());
    }
}
