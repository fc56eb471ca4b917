using Telephony.Actors.Nodes;
using Telephony.Actors.Queues;
using Telephony.Billing.Projections;
using Telephony.Domain.Actions;

namespace Telephony.Host.Metrics;

/// <summary>One labelled value of one metric.</summary>
public sealed record MetricPoint(string Name, double Value, IReadOnlyList<KeyValuePair<string, object?>> Labels);

/// <summary>
/// What this member reports at one moment: the nodes whose AMI session it runs (with their action queues), and — on
/// the oldest member only, so that summing over members counts each once — the queues and the billing projections,
/// which are entities of the whole cluster. Turned into metric points by <see cref="Points"/>: pure, so a unit test
/// reads exactly what a scrape will show.
/// </summary>
public sealed record MetricsSnapshot
{
    public static readonly MetricsSnapshot Empty = new();

    public IReadOnlyList<NodeStatus> Nodes { get; init; } = [];
    public IReadOnlyDictionary<string, IReadOnlyDictionary<ActionStatus, int>> ActionsByNode { get; init; } =
        new Dictionary<string, IReadOnlyDictionary<ActionStatus, int>>();
    public IReadOnlyList<QueueInfo> Queues { get; init; } = [];
    public IReadOnlyList<ProjectionStatus> Projections { get; init; } = [];

    /// <summary>Counters: monotonic while the node runs on this member (they start again when it moves; Prometheus'
    /// rate() takes a restart as a reset).</summary>
    public static readonly IReadOnlyList<(string Name, string Help)> CounterNames =
    [
        ("telephony_ami_events_received", "AMI events read from the node's manager session"),
        ("telephony_events_journaled", "CEL and Cdr events journaled by the node's calls"),
        ("telephony_events_quarantined", "events that could not be routed to a call (kept in the node's journal)"),
        ("telephony_events_malformed", "AMI messages that could not be parsed"),
        ("telephony_ami_reconnects", "times the AMI session was opened again"),
        ("telephony_gaps", "windows in which nobody read the node's events, as journaled"),
        ("telephony_queue_offered", "callers that joined the queue"),
        ("telephony_queue_answered", "callers connected to an agent"),
        ("telephony_queue_abandoned", "callers that hung up while waiting"),
        ("telephony_queue_timed_out", "callers that reached the queue's maximum wait"),
        ("telephony_projection_rows_written", "rows written by the projection since it started on its member"),
        ("telephony_projection_failures", "failed batches of the projection since it started on its member"),
    ];

    public static readonly IReadOnlyList<(string Name, string Help)> GaugeNames =
    [
        ("telephony_ami_connected", "1 when the node's AMI session is logged in"),
        ("telephony_ami_events_per_second", "events read per second, recent"),
        ("telephony_ami_buffer_used", "AMI events read and not yet handed on (back-pressure)"),
        ("telephony_ami_buffer_capacity", "the AMI buffer's size"),
        ("telephony_events_held", "events on their way to call entities, not yet acknowledged"),
        ("telephony_actions", "actions in the node's action queue by status"),
        ("telephony_queue_waiting", "callers waiting in the queue"),
        ("telephony_queue_connected", "callers talking to an agent"),
        ("telephony_queue_longest_wait_seconds", "the longest current wait"),
        ("telephony_queue_service_level", "answered within the service level threshold / answered"),
        ("telephony_agents", "agents of the queue by status and activity"),
        ("telephony_projection_lag_events", "journal events not yet projected"),
        ("telephony_projection_lag_seconds", "age of the oldest event not yet projected"),
        ("telephony_projection_offset", "journal offset the projection has written up to"),
    ];

    public IEnumerable<MetricPoint> Points()
    {
        foreach (var n in Nodes)
        {
            var node = Label("node", n.Node);
            yield return new("telephony_ami_events_received", n.EventsIn, node);
            yield return new("telephony_events_journaled", n.EventsJournaled, node);
            yield return new("telephony_events_quarantined", n.Quarantined, node);
            yield return new("telephony_events_malformed", n.MalformedMessages, node);
            yield return new("telephony_ami_reconnects", n.Reconnects, node);
            yield return new("telephony_gaps", n.Gaps, node);
            yield return new("telephony_ami_connected", n.AmiState == "Connected" ? 1 : 0, node);
            yield return new("telephony_ami_events_per_second", n.EventsPerSecond, node);
            yield return new("telephony_ami_buffer_used", n.BufferUsed, node);
            yield return new("telephony_ami_buffer_capacity", n.BufferCapacity, node);
            yield return new("telephony_events_held", n.EventsHeld, node);
            if (ActionsByNode.GetValueOrDefault(n.Node) is { } actions)
                foreach (var status in Enum.GetValues<ActionStatus>())
                    yield return new("telephony_actions", actions.GetValueOrDefault(status), Labels(("node", n.Node), ("status", status.ToString())));
        }
        foreach (var q in Queues)
        {
            var queue = Label("queue", q.Queue);
            yield return new("telephony_queue_offered", q.Statistics.Offered, queue);
            yield return new("telephony_queue_answered", q.Statistics.Answered, queue);
            yield return new("telephony_queue_abandoned", q.Statistics.Abandoned, queue);
            yield return new("telephony_queue_timed_out", q.Statistics.TimedOut, queue);
            yield return new("telephony_queue_waiting", q.Waiting.Count, queue);
            yield return new("telephony_queue_connected", q.Connected.Count, queue);
            yield return new("telephony_queue_longest_wait_seconds", q.LongestWaitSeconds, queue);
            if (q.ServiceLevel is { } level) yield return new("telephony_queue_service_level", level, queue);
            foreach (var group in q.Agents.GroupBy(a => (a.Status, a.Activity)).OrderBy(g => g.Key.Status).ThenBy(g => g.Key.Activity))
                yield return new("telephony_agents", group.Count(), Labels(("queue", q.Queue), ("status", group.Key.Status), ("activity", group.Key.Activity)));
        }
        foreach (var p in Projections.Where(p => !p.IsRebuild))
        {
            var labels = Labels(("sink", p.Sink), ("tag", p.Tag));
            yield return new("telephony_projection_lag_events", p.LagEvents, labels);
            yield return new("telephony_projection_lag_seconds", p.LagSeconds, labels);
            yield return new("telephony_projection_offset", p.Offset, labels);
            yield return new("telephony_projection_rows_written", p.RowsWritten, labels);
            yield return new("telephony_projection_failures", p.Failures, labels);
        }
    }

    private static KeyValuePair<string, object?>[] Label(string key, string value) => [new(key, value)];

    private static KeyValuePair<string, object?>[] Labels(params (string Key, string Value)[] labels) =>
        labels.Select(l => new KeyValuePair<string, object?>(l.Key, l.Value)).ToArray();
}
