using System.Diagnostics.Metrics;

namespace Telephony.Actors.Queues;

/// <summary>The queues' instruments, exported at <c>/metrics</c> by the member that runs each queue entity.</summary>
public static class QueueInstruments
{
    public const string MeterName = "Telephony.Queues";
    private static readonly Meter Meter = new(MeterName);

    /// <summary>A caller's join to its first connect going to the action queue (the queue's decision: asking the
    /// agent, journaling the grant), by queue.</summary>
    public static readonly Histogram<double> DecisionSeconds = Meter.CreateHistogram(
        "telephony_queue_decision_seconds", unit: null,
        description: "a caller's join to its first connect submitted (agent reserved and the grant journaled)",
        tags: null,
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] });

    /// <summary>Reservation asks sent again because the agent had not answered (lost on the way: a shard handed over,
    /// a member gone), by queue.</summary>
    public static readonly Counter<long> AsksResent = Meter.CreateCounter<long>(
        "telephony_queue_asks_resent", unit: null, description: "reservation asks sent to an agent again, unanswered");

    /// <summary>Reservation asks no copy of which was answered within the ask timeout (counted as refused), by queue.</summary>
    public static readonly Counter<long> AsksExpired = Meter.CreateCounter<long>(
        "telephony_queue_asks_expired", unit: null, description: "reservation asks unanswered within the ask timeout");
}
