using Akka.Persistence;
using Akka.Persistence.Sql.Snapshot;

namespace Telephony.Actors.Persistence;

/// <summary>
/// The plugin's snapshot store, whose writes on SQLite go through the journal's own writer thread
/// (<see cref="SqliteGroupWriter"/>: one writer per file, no lock contention between journal and snapshots). The rows
/// are the plugin's (its "default" mapping, serialized as it does), so loading stays the plugin's. With no journal
/// writer running for the same connection string (another database, or direct writes off), everything is the plugin's.
/// On every database, at most <c>load-parallelism</c> loads run at once (see <see cref="LoadAsync"/>).
/// </summary>
public sealed class TelephonySqlSnapshotStore : SqlSnapshotStore
{
    private readonly string _connectionString;
    private readonly string _table;
    private readonly string? _defaultSerializer;
    private readonly Akka.Serialization.Serialization _serialization;
    private readonly ReplayGate _loads;

    public TelephonySqlSnapshotStore(Akka.Configuration.Config snapshotConfig) : base(snapshotConfig)
    {
        _connectionString = snapshotConfig.GetString("connection-string", "");
        _table = snapshotConfig.GetString("default.snapshot.table-name", "snapshot");
        _defaultSerializer = snapshotConfig.GetString("serializer", null);
        _serialization = Context.System.Serialization;
        _loads = ReplayGate.From(snapshotConfig, "load-parallelism");
    }

    /// <summary>Every recovering entity asks for its snapshot first, each load on a pooled connection: a member taking
    /// over thousands of entities at once must not ask the pool for thousands (those still waiting after its connection
    /// timeout fail their recovery; see TelephonySqlJournal's replays). The rest wait here, nodes and queues first.</summary>
    protected override async Task<SelectedSnapshot?> LoadAsync(string persistenceId, SnapshotSelectionCriteria criteria,
        CancellationToken cancellationToken)
    {
        // Not cancelled while waiting: a place handed to a waiter that left would never be given back.
        await _loads.EnterAsync(persistenceId).ConfigureAwait(false);
        try
        {
            return await base.LoadAsync(persistenceId, criteria, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _loads.Leave();
        }
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
