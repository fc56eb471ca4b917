using System.Diagnostics.Metrics;

namespace Telephony.Actors.Persistence;

/// <summary>What the journal's writers measure for <c>/metrics</c> (System.Diagnostics.Metrics: free when nothing
/// listens).</summary>
public static class JournalInstruments
{
    public const string MeterName = "Telephony.Journal";
    private static readonly Meter Meter = new(MeterName);

    /// <summary>Seconds from a group's first insert to its commit (one transaction of many persists).</summary>
    public static readonly Histogram<double> WriteSeconds = Meter.CreateHistogram(
        "telephony_journal_write_seconds", unit: null,
        description: "a group of journal writes, from its first insert to its commit",
        tags: null,
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5] });

    /// <summary>Entity recoveries that failed (label <c>kind</c>: agent, call, queue, node, actions), each a start
    /// that stopped at once; they pile up while the journal database is down.</summary>
    public static readonly Counter<long> RecoveryFailures = Meter.CreateCounter<long>(
        "telephony_entity_recovery_failures", unit: null,
        description: "entity recoveries that failed (the entity stopped and starts again with its next message)");
}
