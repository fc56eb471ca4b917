using Telephony.Simulator.Load;

namespace Telephony.Simulator.Queue;

/// <summary>
/// Queue load: callers arrive at <see cref="CallersPerSecond"/> (wall clock, spread round-robin over the nodes) into
/// queues picked by weight with priorities picked by weight; a share of them has a patience (then hangs up, an
/// abandon) and the rest wait up to <see cref="VirtualQueueOptions.MaxWait"/>. <see cref="AgentsPerNode"/> agents are
/// added on every node (ids <c>&lt;node&gt;&lt;nnnn&gt;</c>, e.g. 30001 = node 3's first), with ring and talk times
/// drawn from the distributions and shares that never answer or are busy. Times are simulated (time scale applies).
/// </summary>
public sealed record QueueLoadOptions
{
    public double CallersPerSecond { get; init; } = 1;

    /// <summary>Stop after this many callers (null = until the simulator stops).</summary>
    public int? MaxCallers { get; init; }

    public IReadOnlyList<KeyValuePair<string, double>> Queues { get; init; } = [new("sales", 1.0)];
    public IReadOnlyList<KeyValuePair<int, double>> Priorities { get; init; } = [new(3, 1.0)];

    /// <summary>Share of callers with a patience (0..1).</summary>
    public double PatienceShare { get; init; }

    public DurationDistribution Patience { get; init; } = DurationDistribution.Exponential(TimeSpan.FromSeconds(60));

    public int AgentsPerNode { get; init; }
    public DurationDistribution Ring { get; init; } = DurationDistribution.Uniform(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(4));
    public DurationDistribution Talk { get; init; } = DurationDistribution.Exponential(TimeSpan.FromSeconds(120));
    public double NoAnswerShare { get; init; }
    public double BusyShare { get; init; }

    /// <summary>Seed of every draw (null = random).</summary>
    public int? Seed { get; init; }
}
