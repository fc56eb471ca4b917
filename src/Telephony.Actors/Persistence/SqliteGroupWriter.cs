using System.Collections.Concurrent;
using System.Collections.Immutable;
using Akka.Actor;
using Akka.Persistence;
using Akka.Persistence.Journal;
using Akka.Util;
using Microsoft.Data.Sqlite;

namespace Telephony.Actors.Persistence;

/// <summary>
/// Writes a group of journal writes to SQLite in one transaction with one prepared INSERT, on a thread of its own
/// (SQLite blocks its caller). The rows are the plugin's rows, column for column: tags as <c>;a;b;</c>, the payload by
/// the serializer bound to its type with that serializer's id and manifest, the representation's timestamp or now —
/// so the plugin's queries, recovery and deletes read them as their own. Why: the plugin builds each multi-row INSERT
/// as SQL text with every payload inlined as hex, which SQLite then parses (measured: ~29 µs of CPU per journaled
/// event more than the same pipeline on MariaDB, whose parsing happens in another process).
/// </summary>
internal sealed class SqliteGroupWriter : IDisposable
{
    private readonly string _connectionString;
    private readonly string _table;
    private readonly string _separator;
    private readonly Akka.Serialization.Serialization _serialization;
    private readonly BlockingCollection<(IReadOnlyList<AtomicWrite> Writes, TaskCompletionSource<IImmutableList<Exception>> Done)> _work = new();
    private readonly Thread _thread;
    private SqliteConnection? _connection;
    private SqliteCommand? _insert;

    public SqliteGroupWriter(Akka.Configuration.Config journalConfig, ExtendedActorSystem system)
    {
        _connectionString = journalConfig.GetString("connection-string");
        _table = journalConfig.GetString("tables.journal.table-name", "journal");
        _separator = journalConfig.GetString("tag-separator", ";");
        _serialization = system.Serialization;
        _thread = new Thread(Run) { IsBackground = true, Name = "telephony-sqlite-journal-writer" };
        _thread.Start();
    }

    public Task<IImmutableList<Exception>> WriteAsync(IReadOnlyList<AtomicWrite> writes)
    {
        var done = new TaskCompletionSource<IImmutableList<Exception>>(TaskCreationOptions.RunContinuationsAsynchronously);
        try
        {
            _work.Add((writes, done));
        }
        catch (InvalidOperationException e)
        {
            done.SetException(new ObjectDisposedException("the journal writer has stopped", e));
        }
        return done.Task;
    }

    private void Run()
    {
        foreach (var (writes, done) in _work.GetConsumingEnumerable())
        {
            try
            {
                done.SetResult(Write(writes));
            }
            catch (Exception e)
            {
                Reset(); // a broken connection or statement is made again for the next group
                done.SetException(e);
            }
        }
        Reset();
    }

    /// <summary>Null when every write succeeded; else one entry per write (a payload that cannot be serialized is that
    /// write's rejection, as with the plugin). A database error throws: the whole group failed.</summary>
    private IImmutableList<Exception> Write(IReadOnlyList<AtomicWrite> writes)
    {
        var rows = new List<(List<Row>? Rows, Exception? Error)>(writes.Count);
        var now = DateTime.UtcNow.Ticks;
        foreach (var w in writes)
        {
            try
            {
                var list = new List<Row>();
                foreach (var repr in (IImmutableList<IPersistentRepresentation>)w.Payload) list.Add(ToRow(repr, now));
                rows.Add((list, null));
            }
            catch (Exception e)
            {
                rows.Add((null, e));
            }
        }

        var insert = Prepare();
        using (var tx = _connection!.BeginTransaction())
        {
            insert.Transaction = tx;
            foreach (var (list, _) in rows)
            {
                if (list is null) continue;
                foreach (var r in list)
                {
                    insert.Parameters[0].Value = r.PersistenceId;
                    insert.Parameters[1].Value = r.SequenceNr;
                    insert.Parameters[2].Value = r.Created;
                    insert.Parameters[3].Value = r.Tags;
                    insert.Parameters[4].Value = r.Message;
                    insert.Parameters[5].Value = r.Identifier;
                    insert.Parameters[6].Value = r.Manifest;
                    insert.Parameters[7].Value = (object?)r.Writer ?? DBNull.Value;
                    insert.ExecuteNonQuery();
                }
            }
            tx.Commit();
        }
        return rows.Any(r => r.Error is not null) ? rows.Select(r => r.Error!).ToImmutableList() : null!;
    }

    private readonly record struct Row(string PersistenceId, long SequenceNr, long Created, string Tags, byte[] Message,
        int Identifier, string Manifest, string? Writer);

    private Row ToRow(IPersistentRepresentation repr, long now)
    {
        var payload = repr.Payload;
        var tags = "";
        if (payload is Tagged tagged)
        {
            payload = tagged.Payload;
            if (tagged.Tags.Count > 0) tags = _separator + string.Join(_separator, tagged.Tags) + _separator;
        }
        var serializer = _serialization.FindSerializerFor(payload);
        var manifest = serializer switch
        {
            Akka.Serialization.SerializerWithStringManifest s => s.Manifest(payload),
            { IncludeManifest: true } => payload.GetType().TypeQualifiedName(),
            _ => "",
        };
        return new Row(repr.PersistenceId, repr.SequenceNr, repr.Timestamp == 0 ? now : repr.Timestamp, tags,
            serializer.ToBinary(payload), serializer.Identifier, manifest, repr.WriterGuid);
    }

    private SqliteCommand Prepare()
    {
        if (_insert is not null) return _insert;
        _connection = new SqliteConnection(_connectionString);
        _connection.Open();
        var command = _connection.CreateCommand();
        command.CommandText =
            "INSERT INTO " + _table + " (deleted, persistence_id, sequence_number, created, tags, message, identifier, manifest, writer_uuid) " +
            "VALUES (0, $pid, $seq, $created, $tags, $message, $identifier, $manifest, $writer)";
        command.Parameters.Add("$pid", SqliteType.Text);
        command.Parameters.Add("$seq", SqliteType.Integer);
        command.Parameters.Add("$created", SqliteType.Integer);
        command.Parameters.Add("$tags", SqliteType.Text);
        command.Parameters.Add("$message", SqliteType.Blob);
        command.Parameters.Add("$identifier", SqliteType.Integer);
        command.Parameters.Add("$manifest", SqliteType.Text);
        command.Parameters.Add("$writer", SqliteType.Text);
        command.Prepare();
        return _insert = command;
    }

    private void Reset()
    {
        _insert?.Dispose();
        _insert = null;
        _connection?.Dispose();
        _connection = null;
    }

    public void Dispose()
    {
        _work.CompleteAdding();
        _thread.Join(TimeSpan.FromSeconds(10));
    }
}
