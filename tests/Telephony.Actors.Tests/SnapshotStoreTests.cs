using Akka.Actor;
using Akka.Persistence;
using Microsoft.Data.Sqlite;
using Telephony.Actors.Hosting;
using Telephony.Actors.Persistence;

namespace Telephony.Actors.Tests;

/// <summary>On SQLite, snapshots are written by the journal's own writer thread (one writer per file) in the plugin's
/// row format: an entity finds its latest snapshot when it starts again, and the snapshots it deleted are gone.</summary>
public class SnapshotStoreTests
{
    /// <summary>Counts the events it journals and saves a snapshot of the count every <c>every</c> events, deleting
    /// the older ones once a snapshot is saved (as the queue entity does).</summary>
    private sealed class Tally : ReceivePersistentActor
    {
        private int _count;
        private readonly int _every;

        public Tally(string id, int every, IActorRef probe)
        {
            PersistenceId = id;
            _every = every;
            Recover<SnapshotOffer>(o =>
            {
                _count = (int)o.Snapshot;
                probe.Tell($"snapshot {o.Metadata.SequenceNr}");
            });
            Recover<int>(_ => _count++);
            Recover<RecoveryCompleted>(_ => probe.Tell($"recovered {_count}"));
            Command<string>(s => s == "add", _ => Persist(1, __ =>
            {
                _count++;
                if (_count % _every == 0) SaveSnapshot(_count);
            }));
            Command<SaveSnapshotSuccess>(s =>
            {
                DeleteSnapshots(new SnapshotSelectionCriteria(s.Metadata.SequenceNr - 1));
                probe.Tell($"saved {s.Metadata.SequenceNr}");
            });
            Command<DeleteSnapshotsSuccess>(_ => probe.Tell("deleted"));
        }

        public override string PersistenceId { get; }
    }

    [Fact]
    public async Task An_entity_starts_again_from_its_latest_snapshot_written_beside_the_journal_and_the_older_ones_are_deleted()
    {
        var journal = TestJournal.Sqlite();
        await JournalSchema.EnsureAsync(journal.Provider, journal.ConnectionString);
        var options = TelephonyHost.OptionsFor(journal) with { ExtraHocon = "akka.actor.provider = local\nakka.loglevel = WARNING" };
        var saved = SqliteGroupWriter.SnapshotsSaved;
        using (var system = ActorSystem.Create("snapshots", TelephonyHosting.LoadConfig(options)))
        {
            var probe = new Akka.TestKit.Xunit2.TestKit(system);
            var tally = system.ActorOf(Props.Create(() => new Tally("tally-1", 10, probe.TestActor)));
            probe.ExpectMsg("recovered 0", TimeSpan.FromSeconds(10));
            for (var i = 0; i < 30; i++) tally.Tell("add");
            var answers = probe.ReceiveN(6, TimeSpan.FromSeconds(20)).Cast<string>().Order(StringComparer.Ordinal).ToList();
            Assert.Equal(["deleted", "deleted", "deleted", "saved 10", "saved 20", "saved 30"], answers);
            tally.Tell("add"); // one event after the last snapshot: replayed on top of it
            await Task.Delay(200);
            await system.Terminate();
        }
        // The three were written by the journal's writer, not by a second connection of the plugin's.
        Assert.True(SqliteGroupWriter.SnapshotsSaved - saved >= 3);

        using (var system = ActorSystem.Create("snapshots-again", TelephonyHosting.LoadConfig(options)))
        {
            var probe = new Akka.TestKit.Xunit2.TestKit(system);
            system.ActorOf(Props.Create(() => new Tally("tally-1", 10, probe.TestActor)));
            probe.ExpectMsg("snapshot 30", TimeSpan.FromSeconds(10));
            probe.ExpectMsg("recovered 31", TimeSpan.FromSeconds(10));
            await system.Terminate();
        }

        await using var connection = new SqliteConnection(journal.ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT persistence_id || ':' || sequence_number FROM snapshot";
        var rows = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) rows.Add(reader.GetString(0));
        Assert.Equal(["tally-1:30"], rows);
    }
}
