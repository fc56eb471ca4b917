using System.Collections.Concurrent;
using System.Collections.Immutable;
using Microsoft.Data.Sqlite;

namespace Telephony.Actors.Persistence;

/// <summary>
/// Snapshot writes on the journal writer's thread (<see cref="TelephonySqlSnapshotStore"/>). SQLite has one writer per
/// file; the plugin's snapshot store wrote through connections of its own, and each of its writes waited for the
/// journal's lock and held it in turn, stalling every journal write of the process while a snapshot was saved (figures
/// in docs/performance.md). Queued behind the journal's groups here, a snapshot is one more short statement on the same
/// connection.
/// </summary>
internal sealed partial class SqliteGroupWriter
{
    private static readonly ConcurrentDictionary<string, SqliteGroupWriter> s_byConnection = new(StringComparer.Ordinal);

    /// <summary>The running journal writer of this database file (by connection string), if any.</summary>
    public static SqliteGroupWriter? For(string connectionString) =>
        s_byConnection.TryGetValue(connectionString, out var writer) ? writer : null;

    /// <summary>A snapshot row as the plugin writes it (its "default" table mapping, created in ticks).</summary>
    public readonly record struct SnapshotRow(string PersistenceId, long SequenceNr, long CreatedTicks, byte[] Snapshot,
        string Manifest, int SerializerId);

    private static long s_snapshotsSaved;

    /// <summary>Snapshots saved through a journal writer so far, by every writer of this process.</summary>
    public static long SnapshotsSaved => Interlocked.Read(ref s_snapshotsSaved);

    /// <summary>Inserts or replaces the row (the plugin's InsertOrReplace), committed on its own.</summary>
    public Task SaveSnapshotAsync(string table, SnapshotRow row) => Enqueue(() =>
    {
        Interlocked.Increment(ref s_snapshotsSaved);
        using var command = Connection().CreateCommand();
        command.CommandText = "INSERT OR REPLACE INTO " + table +
                              " (persistence_id, sequence_number, created, snapshot, manifest, serializer_id) " +
                              "VALUES ($pid, $seq, $created, $snapshot, $manifest, $serializer)";
        command.Parameters.Add("$pid", SqliteType.Text).Value = row.PersistenceId;
        command.Parameters.Add("$seq", SqliteType.Integer).Value = row.SequenceNr;
        command.Parameters.Add("$created", SqliteType.Integer).Value = row.CreatedTicks;
        command.Parameters.Add("$snapshot", SqliteType.Blob).Value = row.Snapshot;
        command.Parameters.Add("$manifest", SqliteType.Text).Value = row.Manifest;
        command.Parameters.Add("$serializer", SqliteType.Integer).Value = row.SerializerId;
        command.ExecuteNonQuery();
        return null!;
    });

    /// <summary>Deletes a persistence id's snapshots with sequence number up to <paramref name="maxSequenceNr"/> (or
    /// exactly it) and created at or before <paramref name="maxCreatedTicks"/>: every selection the plugin makes.</summary>
    public Task DeleteSnapshotsAsync(string table, string persistenceId, long maxSequenceNr, bool exactSequenceNr, long maxCreatedTicks) =>
        Enqueue(() =>
        {
            using var command = Connection().CreateCommand();
            command.CommandText = "DELETE FROM " + table + " WHERE persistence_id = $pid AND sequence_number " +
                                  (exactSequenceNr ? "=" : "<=") + " $seq AND created <= $created";
            command.Parameters.Add("$pid", SqliteType.Text).Value = persistenceId;
            command.Parameters.Add("$seq", SqliteType.Integer).Value = maxSequenceNr;
            command.Parameters.Add("$created", SqliteType.Integer).Value = maxCreatedTicks;
            command.ExecuteNonQuery();
            return null!;
        });

}
