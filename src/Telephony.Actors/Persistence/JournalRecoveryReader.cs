using System.Data.Common;
using System.Text;
using System.Threading.Channels;
using Akka.Actor;
using Akka.Persistence;

namespace Telephony.Actors.Persistence;

/// <summary>
/// Answers the two questions every starting persistent actor asks its journal — "what is my highest sequence number"
/// and "replay my events" — for many actors at once. Requests queue up; a reader loop takes everything waiting (up to
/// <c>recovery-batch-size</c> persistence ids) and answers it with one query on the journal table. Nothing waits for a
/// batch to fill: an idle journal answers a lone request at once, a busy one answers hundreds per round trip.
/// The table is the one <see cref="JournalSchema"/> creates (Akka.Persistence.Sql "default" mapping, tags as CSV).
/// </summary>
internal sealed class JournalRecoveryReader : IDisposable
{
    private abstract class Request(string persistenceId)
    {
        public string PersistenceId { get; } = persistenceId;
        public abstract void Fail(Exception e);
    }

    private sealed class HighestRequest(string persistenceId, long from) : Request(persistenceId)
    {
        public long From { get; } = from;
        public TaskCompletionSource<long> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public override void Fail(Exception e) => Result.TrySetException(e);
    }

    private sealed class ReplayRequest(string persistenceId, long from, long to, long max, Action<IPersistentRepresentation> callback)
        : Request(persistenceId)
    {
        public long From { get; } = from;
        public long To { get; } = to;
        public long Max { get; } = max;
        public Action<IPersistentRepresentation> Callback { get; } = callback;
        public TaskCompletionSource Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public override void Fail(Exception e) => Result.TrySetException(e);
    }

    private readonly record struct Row(long SequenceNr, bool Deleted, byte[] Message, int? Identifier, string? Manifest,
        string? WriterUuid, long Created);

    private readonly Channel<Request> _queue = Channel.CreateUnbounded<Request>(new UnboundedChannelOptions { SingleReader = false });
    private readonly CancellationTokenSource _stop = new();
    private readonly JournalProvider _provider;
    private readonly string _connectionString;
    private readonly string _table;
    private readonly int _batchSize;
    private readonly ExtendedActorSystem _system;

    public JournalRecoveryReader(Akka.Configuration.Config journalConfig, ExtendedActorSystem system)
    {
        _system = system;
        _connectionString = journalConfig.GetString("connection-string", "");
        var providerName = journalConfig.GetString("provider-name", "");
        _provider = providerName.Contains("sqlite", StringComparison.OrdinalIgnoreCase) ? JournalProvider.Sqlite
            : providerName.Contains("postgres", StringComparison.OrdinalIgnoreCase) ? JournalProvider.PostgreSql
            : JournalProvider.MySql;
        _table = journalConfig.GetString("recovery-table", "journal");
        _batchSize = Math.Max(1, journalConfig.GetInt("recovery-batch-size", 500));
        var parallelism = Math.Max(1, journalConfig.GetInt("recovery-parallelism", 1));
        for (var i = 0; i < parallelism; i++) _ = Task.Run(LoopAsync);
    }

    public Task<long> HighestSequenceNrAsync(string persistenceId, long fromSequenceNr)
    {
        var request = new HighestRequest(persistenceId, fromSequenceNr);
        if (!_queue.Writer.TryWrite(request)) request.Fail(new ObjectDisposedException(nameof(JournalRecoveryReader)));
        return request.Result.Task;
    }

    public Task ReplayAsync(string persistenceId, long from, long to, long max, Action<IPersistentRepresentation> callback)
    {
        var request = new ReplayRequest(persistenceId, from, to, max, callback);
        if (!_queue.Writer.TryWrite(request)) request.Fail(new ObjectDisposedException(nameof(JournalRecoveryReader)));
        return request.Result.Task;
    }

    public void Dispose()
    {
        _queue.Writer.TryComplete();
        _stop.Cancel();
        while (_queue.Reader.TryRead(out var r)) r.Fail(new ObjectDisposedException(nameof(JournalRecoveryReader)));
    }

    private async Task LoopAsync()
    {
        var batch = new List<Request>(_batchSize);
        DbConnection? connection = null;
        try
        {
            while (await _queue.Reader.WaitToReadAsync(_stop.Token).ConfigureAwait(false))
            {
                batch.Clear();
                while (batch.Count < _batchSize && _queue.Reader.TryRead(out var r)) batch.Add(r);
                if (batch.Count == 0) continue;
                try
                {
                    if (connection is null)
                    {
                        connection = JournalSchema.Open(_provider, _connectionString);
                        await connection.OpenAsync(_stop.Token).ConfigureAwait(false);
                    }
                    await AnswerAsync(connection, batch).ConfigureAwait(false);
                }
                catch (Exception e)
                {
                    foreach (var r in batch) r.Fail(e);
                    if (connection is not null) await connection.DisposeAsync().ConfigureAwait(false);
                    connection = null; // a broken connection is not reused
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            if (connection is not null) await connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task AnswerAsync(DbConnection connection, List<Request> batch)
    {
        var highest = new List<HighestRequest>();
        var replays = new List<ReplayRequest>();
        foreach (var r in batch)
            if (r is HighestRequest h) highest.Add(h);
            else replays.Add((ReplayRequest)r);

        if (highest.Count > 0)
        {
            var max = await HighestAsync(connection, highest.Select(h => h.PersistenceId).Distinct(StringComparer.Ordinal).ToList())
                .ConfigureAwait(false);
            // The plugin's "MAX(sequence_number) WHERE sequence_number > from", 0 when there is none.
            foreach (var h in highest)
                h.Result.TrySetResult(max.TryGetValue(h.PersistenceId, out var m) && m > h.From ? m : 0);
        }

        if (replays.Count > 0)
        {
            var from = replays.Min(r => r.From);
            var rows = await RowsAsync(connection, replays.Select(r => r.PersistenceId).Distinct(StringComparer.Ordinal).ToList(), from)
                .ConfigureAwait(false);
            foreach (var r in replays)
            {
                try
                {
                    if (rows.TryGetValue(r.PersistenceId, out var list)) Replay(r, list);
                    r.Result.TrySetResult();
                }
                catch (Exception e)
                {
                    r.Fail(e);
                }
            }
        }
    }

    /// <summary>Rows in sequence order, within [from, to], not deleted, at most max: what the plugin replays.</summary>
    private void Replay(ReplayRequest r, List<Row> rows)
    {
        long sent = 0;
        foreach (var row in rows)
        {
            if (sent >= r.Max) break;
            if (row.SequenceNr < r.From || row.Deleted) continue;
            if (row.SequenceNr > r.To) break;
            var payload = Deserialize(row);
            r.Callback(new Persistent(payload, row.SequenceNr, r.PersistenceId, row.Manifest ?? "", row.Deleted, ActorRefs.NoSender,
                row.WriterUuid, row.Created));
            sent++;
        }
    }

    private object Deserialize(Row row)
    {
        var serialization = _system.Serialization;
        return Akka.Serialization.Serialization.WithTransport(_system, (serialization, row), static state =>
        {
            var (s, r) = state;
            if (r.Identifier is { } id) return s.Deserialize(r.Message, id, r.Manifest ?? "");
            // Rows written without a serializer id carry the type name in the manifest (old plugin versions).
            var type = Type.GetType(r.Manifest ?? "", throwOnError: true)!;
            return s.FindSerializerForType(type).FromBinary(r.Message, type);
        });
    }

    private async Task<Dictionary<string, long>> HighestAsync(DbConnection connection, List<string> ids)
    {
        await using var command = connection.CreateCommand();
        var sql = new StringBuilder($"SELECT persistence_id, MAX(sequence_number) FROM {_table} WHERE persistence_id IN (");
        AddIds(command, sql, ids);
        sql.Append(") GROUP BY persistence_id");
        command.CommandText = sql.ToString();
        var result = new Dictionary<string, long>(ids.Count, StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(_stop.Token).ConfigureAwait(false);
        while (await reader.ReadAsync(_stop.Token).ConfigureAwait(false))
            if (!reader.IsDBNull(1)) result[reader.GetString(0)] = Convert.ToInt64(reader.GetValue(1));
        return result;
    }

    private async Task<Dictionary<string, List<Row>>> RowsAsync(DbConnection connection, List<string> ids, long from)
    {
        await using var command = connection.CreateCommand();
        var sql = new StringBuilder(
            $"SELECT persistence_id, sequence_number, deleted, message, identifier, manifest, writer_uuid, created FROM {_table} WHERE persistence_id IN (");
        AddIds(command, sql, ids);
        sql.Append(") AND sequence_number >= @from ORDER BY persistence_id, sequence_number");
        var p = command.CreateParameter();
        p.ParameterName = "@from";
        p.Value = from;
        command.Parameters.Add(p);
        command.CommandText = sql.ToString();
        var result = new Dictionary<string, List<Row>>(ids.Count, StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(_stop.Token).ConfigureAwait(false);
        List<Row>? current = null;
        string? currentId = null;
        while (await reader.ReadAsync(_stop.Token).ConfigureAwait(false))
        {
            var id = reader.GetString(0);
            if (!string.Equals(id, currentId, StringComparison.Ordinal))
            {
                currentId = id;
                if (!result.TryGetValue(id, out current)) result[id] = current = [];
            }
            current!.Add(new Row(
                Convert.ToInt64(reader.GetValue(1)),
                Convert.ToBoolean(reader.GetValue(2)),
                (byte[])reader.GetValue(3),
                reader.IsDBNull(4) ? null : Convert.ToInt32(reader.GetValue(4)),
                reader.IsDBNull(5) ? null : reader.GetString(5),
                reader.IsDBNull(6) ? null : reader.GetString(6),
                reader.IsDBNull(7) ? 0 : Convert.ToInt64(reader.GetValue(7))));
        }
        return result;
    }

    private static void AddIds(DbCommand command, StringBuilder sql, List<string> ids)
    {
        for (var i = 0; i < ids.Count; i++)
        {
            if (i > 0) sql.Append(',');
            var name = "@p" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            sql.Append(name);
            var p = command.CreateParameter();
            p.ParameterName = name;
            p.Value = ids[i];
            command.Parameters.Add(p);
        }
    }
}
