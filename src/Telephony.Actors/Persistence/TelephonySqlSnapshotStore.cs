using Akka.Persistence;
using Akka.Persistence.Sql.Snapshot;

namespace Telephony.Actors.Persistence;

/// <summary>
/// The plugin's snapshot store, whose writes on SQLite go through the journal's own writer thread
/// (<see cref="SqliteGroupWriter"/>: one writer per file, no lock contention between journal and snapshots). The rows
/// are the plugin's (its "default" mapping, serialized as it does), so loading stays the plugin's. With no journal
/// writer running for the same connection string (another database, or direct writes off), everything is the plugin's.
/// </summary>
public sealed class TelephonySqlSnapshotStore : SqlSnapshotStore
{
    private readonly string _connectionString;
    private readonly string _table;
    private readonly string? _defaultSerializer;
    private readonly Akka.Serialization.Serialization _serialization;

    public TelephonySqlSnapshotStore(Akka.Configuration.Config snapshotConfig) : base(snapshotConfig)
    {
        _connectionString = snapshotConfig.GetString("connection-string", "");
        _table = snapshotConfig.GetString("default.snapshot.table-name", "snapshot");
        _defaultSerializer = snapshotConfig.GetString("serializer", null);
        _serialization = Context.System.Serialization;
    }

    private SqliteGroupWriter? Writer => SqliteGroupWriter.For(_connectionString);

    protected override Task SaveAsync(SnapshotMetadata metadata, object snapshot, CancellationToken cancellationToken)
    {
        if (Writer is not { } writer) return base.SaveAsync(metadata, snapshot, cancellationToken);
        // Serialized as the plugin's ByteArrayLongSnapshotSerializer does, so that its load reads the row back.
        var serializer = _serialization.FindSerializerForType(snapshot.GetType(), _defaultSerializer);
        var bytes = Akka.Serialization.Serialization.WithTransport(_serialization.System, (serializer, snapshot),
            state => state.serializer.ToBinary(state.snapshot));
        return writer.SaveSnapshotAsync(_table, new SqliteGroupWriter.SnapshotRow(metadata.PersistenceId, metadata.SequenceNr,
            metadata.Timestamp.Ticks, bytes, JournalGroupWriter.ManifestOf(serializer, snapshot), serializer.Identifier));
    }

    protected override Task DeleteAsync(SnapshotMetadata metadata, CancellationToken cancellationToken) =>
        Writer is { } writer
            ? writer.DeleteSnapshotsAsync(_table, metadata.PersistenceId, metadata.SequenceNr, exactSequenceNr: true,
                metadata.Timestamp > DateTime.MinValue ? metadata.Timestamp.Ticks : DateTime.MaxValue.Ticks)
            : base.DeleteAsync(metadata, cancellationToken);

    protected override Task DeleteAsync(string persistenceId, SnapshotSelectionCriteria criteria, CancellationToken cancellationToken) =>
        Writer is { } writer
            ? writer.DeleteSnapshotsAsync(_table, persistenceId, criteria.MaxSequenceNr, exactSequenceNr: false, criteria.MaxTimeStamp.Ticks)
            : base.DeleteAsync(persistenceId, criteria, cancellationToken);
}
