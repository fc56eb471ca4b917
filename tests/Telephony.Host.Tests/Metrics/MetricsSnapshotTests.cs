using Telephony.Actors.Nodes;
using Telephony.Host.Metrics;

namespace Telephony.Host.Tests.Metrics;

/// <summary>What a scrape shows is computed from the snapshot alone: every point named as declared, labelled by node
/// (and status, queue, sink), so that Prometheus' sums over members count each node once.</summary>
public class MetricsSnapshotTests
{
    [Fact]
    public void A_node_gives_its_counters_and_gauges_labelled_by_node_and_its_actions_by_status()
    {
        var snapshot = new MetricsSnapshot
        {
            Nodes = [new NodeStatus { Node = "pbx-1", Member = "akka.tcp://telephony@127.0.0.1:4053", AmiState = "Connected", EventsIn = 120,
                EventsJournaled = 100, Quarantined = 2, Gaps = 1, Reconnects = 3, BufferUsed = 5, BufferCapacity = 1000 }],
            ActionsByNode = new Dictionary<string, IReadOnlyDictionary<Telephony.Domain.Actions.ActionStatus, int>>
            {
                ["pbx-1"] = new Dictionary<Telephony.Domain.Actions.ActionStatus, int> { [Telephony.Domain.Actions.ActionStatus.Queued] = 4 },
            },
        };
        var points = snapshot.Points().ToList();

        double Value(string name, params (string, string)[] labels) => Assert.Single(points,
            p => p.Name == name && labels.All(l => p.Labels.Any(x => x.Key == l.Item1 && (string?)x.Value == l.Item2))).Value;
        Assert.Equal(120, Value("telephony_ami_events_received", ("node", "pbx-1")));
        Assert.Equal(100, Value("telephony_events_journaled", ("node", "pbx-1")));
        Assert.Equal(2, Value("telephony_events_quarantined", ("node", "pbx-1")));
        Assert.Equal(1, Value("telephony_ami_connected", ("node", "pbx-1")));
        Assert.Equal(4, Value("telephony_actions", ("node", "pbx-1"), ("status", "Queued")));
        Assert.Equal(0, Value("telephony_actions", ("node", "pbx-1"), ("status", "Sent"))); // every status, zero included
        // Every point's name is a declared instrument: nothing computed is left unexported.
        var declared = MetricsSnapshot.CounterNames.Concat(MetricsSnapshot.GaugeNames).Select(n => n.Name).ToHashSet();
        Assert.All(points, p => Assert.Contains(p.Name, declared));
        Assert.All(declared, n => Assert.StartsWith("telephony_", n));
    }

    [Fact]
    public void A_disconnected_node_is_zero_connected_and_an_empty_snapshot_has_no_points()
    {
        var down = new MetricsSnapshot { Nodes = [new NodeStatus { Node = "pbx-2", Member = "m", AmiState = "Reconnecting" }] };
        Assert.Equal(0, down.Points().Single(p => p.Name == "telephony_ami_connected").Value);
        Assert.Empty(MetricsSnapshot.Empty.Points());
    }
}
