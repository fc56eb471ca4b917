using Akka.Actor;
using Microsoft.Data.Sqlite;
using Telephony.Actors.Nodes;
using Telephony.Testing;

namespace Telephony.Actors.Tests;

/// <summary>A node's start waits for its node journal to recover (it must know when the previous session was last
/// seen before it routes an event). Heartbeats come every 5 s for as long as the node lives: recovery must not replay
/// them all.</summary>
public class NodeJournalTests
{
    [Fact]
    public async Task The_node_journal_recovers_its_last_seen_time_from_a_snapshot_not_from_every_heartbeat()
    {
        var journal = TestJournal.Sqlite();
        var start = new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);
        var heartbeats = NodeJournal.SnapshotEvery * 2 + 10;
        await using (var host = await TelephonyHost.StartAsync(TelephonyHost.OptionsFor(journal)))
        {
            var nodeJournal = host.System.ActorOf(NodeJournal.Props("pbx9"));
            for (var i = 1; i <= heartbeats; i++) nodeJournal.Tell(new NodeSeen("pbx9", start.AddSeconds(5 * i)));
            // A write acknowledged after every heartbeat before it: all are journaled.
            await nodeJournal.Ask<NodeJournal.Written>(new NodeJournal.Write(1, [new GapRecorded("pbx9", start, start.AddSeconds(1), "test", -1)]),
                TimeSpan.FromSeconds(30));
            await IngestScenarioTests.WaitUntil(() => SnapshotRows(journal) == 1 && SnapshotSequenceNr(journal) == NodeJournal.SnapshotEvery * 2,
                "the second snapshot is saved and the first deleted");
        }

        // One snapshot kept (older ones deleted), taken at a multiple of SnapshotEvery.
        Assert.Equal(1, SnapshotRows(journal));
        Assert.Equal(NodeJournal.SnapshotEvery * 2, SnapshotSequenceNr(journal));

        await using (var host = await TelephonyHost.StartAsync(TelephonyHost.OptionsFor(journal)))
        {
            var nodeJournal = host.System.ActorOf(NodeJournal.Props("pbx9"));
            var seen = await nodeJournal.Ask<NodeJournal.LastSeen>(new NodeJournal.GetLastSeen(), TimeSpan.FromSeconds(30));
            Assert.Equal(start.AddSeconds(5 * heartbeats), seen.At); // the snapshot plus the events after it
        }

        // Without the events after it, what recovers is the snapshot's own state: it is read, not just written.
        Scalar(journal, $"DELETE FROM journal WHERE persistence_id = 'node/pbx9' AND sequence_number > {NodeJournal.SnapshotEvery * 2}");
        await using (var host = await TelephonyHost.StartAsync(TelephonyHost.OptionsFor(journal)))
        {
            var nodeJournal = host.System.ActorOf(NodeJournal.Props("pbx9"));
            var seen = await nodeJournal.Ask<NodeJournal.LastSeen>(new NodeJournal.GetLastSeen(), TimeSpan.FromSeconds(30));
            Assert.Equal(start.AddSeconds(5 * NodeJournal.SnapshotEvery * 2), seen.At);
        }
    }

    [Fact]
    public async Task The_last_seen_time_is_the_latest_heartbeats_claim_even_when_it_lies_before_an_earlier_one_or_a_gaps_end()
    {
        var journal = TestJournal.Sqlite();
        var t = new DateTimeOffset(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);
        await using (var host = await TelephonyHost.StartAsync(TelephonyHost.OptionsFor(journal)))
        {
            var nodeJournal = host.System.ActorOf(NodeJournal.Props("pbx7"));
            nodeJournal.Tell(new NodeSeen("pbx7", t.AddSeconds(5)));
            // The AMI session drops and comes back: its gap is journaled ...
            await nodeJournal.Ask<NodeJournal.Written>(new NodeJournal.Write(1, [new GapRecorded("pbx7", t.AddSeconds(10), t.AddSeconds(11), "AMI disconnected", -1)]),
                TimeSpan.FromSeconds(30));
            var afterGap = await nodeJournal.Ask<NodeJournal.LastSeen>(new NodeJournal.GetLastSeen(), TimeSpan.FromSeconds(30));
            Assert.Equal(t.AddSeconds(5), afterGap.At); // ... which says nothing of what was read before it and still held
            // ... and the next heartbeat claims its oldest event not yet journaled, read at +7 s.
            nodeJournal.Tell(new NodeSeen("pbx7", t.AddSeconds(7)));
            var seen = await nodeJournal.Ask<NodeJournal.LastSeen>(new NodeJournal.GetLastSeen(), TimeSpan.FromSeconds(30));
            Assert.Equal(t.AddSeconds(7), seen.At);
            Assert.Equal(1, seen.Gaps);
        }
        // A successor recovering the journal starts its gap there too.
        await using (var host = await TelephonyHost.StartAsync(TelephonyHost.OptionsFor(journal)))
        {
            var nodeJournal = host.System.ActorOf(NodeJournal.Props("pbx7"));
            var seen = await nodeJournal.Ask<NodeJournal.LastSeen>(new NodeJournal.GetLastSeen(), TimeSpan.FromSeconds(30));
            Assert.Equal(t.AddSeconds(7), seen.At);
        }
    }

    private static long SnapshotRows(TestJournal journal) => Scalar(journal, "SELECT COUNT(*) FROM snapshot WHERE persistence_id = 'node/pbx9'");

    private static long SnapshotSequenceNr(TestJournal journal) =>
        Scalar(journal, "SELECT MAX(sequence_number) FROM snapshot WHERE persistence_id = 'node/pbx9'");

    private static long Scalar(TestJournal journal, string sql)
    {
        using var connection = new SqliteConnection(journal.ConnectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar() ?? 0L);
    }
}
