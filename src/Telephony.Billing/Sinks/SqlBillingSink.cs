using System.Data;
using System.Data.Common;
using System.Text;
using Telephony.Billing.Rows;

namespace Telephony.Billing.Sinks;

/// <summary>
/// The <c>cdr</c>, <c>cel</c>, <c>call</c>, <c>call_segment</c>, <c>ami_action</c>, queue report (see
/// <see cref="QueueReportSchema"/>) and <c>projection_offset</c> tables in MySQL/MariaDB (MySqlConnector) or
/// SQLite (Microsoft.Data.Sqlite). A batch is its rows and the offset upsert in one transaction: on MySQL the rows go in
/// by LOAD DATA LOCAL (see <see cref="MySqlBulkLoad"/>; the multi-row upserts when the server refuses it), on SQLite by
/// multi-row upserts. The
/// schema is created or migrated the first time an instance reads an offset (so a database that is down at start is
/// retried with the projection's backoff, not a crash).
/// </summary>
public sealed class SqlBillingSink : IBillingSink
{
    private const string RebuildSuffix = "_rebuild";
    private const string OldSuffix = "_old";

    private readonly SqlDialect _dialect;
    private readonly string _connectionString;
    private readonly TableNames _tables;
    private readonly TableNames _live;
    // SQLite has one writer per file: projections of one sink take turns here instead of spinning on a busy file.
    private readonly SemaphoreSlim? _writeGate;
    private readonly Dictionary<string, string> _insertHeads = new();
    private volatile bool _schemaReady;
    private volatile bool _bulkLoad;

    private SqlBillingSink(string name, SqlDialect dialect, string connectionString, TableNames tables, TableNames live, SemaphoreSlim? gate)
    {
        Name = name;
        _dialect = dialect;
        _connectionString = connectionString;
        _tables = tables;
        _live = live;
        _writeGate = gate;
        _bulkLoad = dialect == SqlDialect.MySql;
    }

    public static SqlBillingSink MySql(string name, string connectionString, string tablePrefix = "") =>
        new(name, SqlDialect.MySql, WithLocalInfile(connectionString), new TableNames(tablePrefix, ""), new TableNames(tablePrefix, ""), null);

    // MySqlConnector only ever answers a LOAD DATA LOCAL request with a stream it registered itself (never a file the
    // server names), so allowing it here opens nothing beyond MySqlBulkLoad's own streams.
    private static string WithLocalInfile(string connectionString) =>
        new MySqlConnector.MySqlConnectionStringBuilder(connectionString) { AllowLoadLocalInfile = true }.ConnectionString;

    public static SqlBillingSink Sqlite(string name, string connectionString, string tablePrefix = "") =>
        new(name, SqlDialect.Sqlite, connectionString, new TableNames(tablePrefix, ""), new TableNames(tablePrefix, ""), new SemaphoreSlim(1, 1));

    public string Name { get; }
    public string Tables => _tables.ToString();
    internal TableNames TableNames => _tables;

    public async Task<long> ReadOffsetAsync(string projection, CancellationToken ct)
    {
        if (!_schemaReady) await EnsureSchemaAsync(ct).ConfigureAwait(false);
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {_dialect.Q("offset")} FROM {_dialect.Q(_tables.Offsets)} WHERE {_dialect.Q("name")} = @name";
        Add(command, "@name", projection);
        var value = await command.ExecuteScalarAsync(ct).ConfigureAwait(false);
        return value is null or DBNull ? 0 : Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture);
    }

    public async Task WriteAsync(ProjectionBatch batch, CancellationToken ct)
    {
        if (!_schemaReady) await EnsureSchemaAsync(ct).ConfigureAwait(false);
        if (_writeGate is not null) await _writeGate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            await using var connection = await OpenAsync(ct).ConfigureAwait(false);
            await using var tx = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, ct).ConfigureAwait(false);
            await WriteRowsAsync(connection, tx, _tables.Cdr, BillingSchema.Cdr, batch.Cdr, ct).ConfigureAwait(false);
            await WriteRowsAsync(connection, tx, _tables.Cel, BillingSchema.Cel, batch.Cel, ct).ConfigureAwait(false);
            await WriteRowsAsync(connection, tx, _tables.Call, BillingSchema.Call, batch.Calls, ct).ConfigureAwait(false);
            await WriteRowsAsync(connection, tx, _tables.Segment, BillingSchema.Segment, batch.Segments, ct).ConfigureAwait(false);
            await DeleteSupersededSegmentsAsync(connection, tx, batch.Calls, ct).ConfigureAwait(false);
            await WriteActionsAsync(connection, tx, batch.Actions, ct).ConfigureAwait(false);
            await WriteQueuesAsync(connection, tx, batch.Queues, ct).ConfigureAwait(false);
            await using (var command = connection.CreateCommand())
            {
                command.Transaction = tx;
                command.CommandText = _dialect.UpsertOffset(_tables.Offsets);
                Add(command, "@name", batch.Projection);
                Add(command, "@offset", batch.Offset);
                Add(command, "@updated", _dialect.Value(DateTime.UtcNow, new Column("updated", ColumnType.DateTime6)));
                await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }
            await tx.CommitAsync(ct).ConfigureAwait(false);
        }
        finally
        {
            _writeGate?.Release();
        }
    }

    public async Task<IBillingSink> BeginRebuildAsync(CancellationToken ct)
    {
        if (!_schemaReady) await EnsureSchemaAsync(ct).ConfigureAwait(false);
        var rebuilt = new TableNames(_live.Prefix, RebuildSuffix);
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        foreach (var table in rebuilt.All)
            await ExecuteAsync(connection, null, $"DROP TABLE IF EXISTS {_dialect.Q(table)}", ct).ConfigureAwait(false);
        foreach (var statement in BillingSchema.CreateTables(_dialect, rebuilt))
            await ExecuteAsync(connection, null, statement, ct).ConfigureAwait(false);
        return new SqlBillingSink(Name, _dialect, _connectionString, rebuilt, _live, _writeGate) { _schemaReady = true };
    }

    public async Task CompleteRebuildAsync(CancellationToken ct)
    {
        var rebuilt = new TableNames(_live.Prefix, RebuildSuffix);
        var pairs = _live.All.Zip(rebuilt.All).ToList();
        if (_writeGate is not null) await _writeGate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            await using var connection = await OpenAsync(ct).ConfigureAwait(false);
            await using var tx = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
            foreach (var statement in _dialect.Swap(pairs, OldSuffix))
                await ExecuteAsync(connection, tx, statement, ct).ConfigureAwait(false);
            await tx.CommitAsync(ct).ConfigureAwait(false);
        }
        finally
        {
            _writeGate?.Release();
        }
    }

    /// <summary>Creates the version table and applies every migration the database has not seen, idempotently.</summary>
    public async Task EnsureSchemaAsync(CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        if (_dialect == SqlDialect.Sqlite)
            await ExecuteAsync(connection, null, "PRAGMA journal_mode=WAL", ct).ConfigureAwait(false);
        await ExecuteAsync(connection, null, _dialect.CreateVersionTable(_live.Version), ct).ConfigureAwait(false);
        var current = await SchemaVersionAsync(connection, ct).ConfigureAwait(false);
        foreach (var (version, description, statements) in BillingSchema.Migrations)
        {
            if (version <= current) continue;
            foreach (var statement in statements(_dialect, _live))
            {
                try
                {
                    await ExecuteAsync(connection, null, statement, ct).ConfigureAwait(false);
                }
                catch (Exception e) when (_dialect.IsColumnAlreadyThere(e))
                {
                    // Migration 1 made the current tables: the column a later migration adds is already there.
                }
            }
            await using var command = connection.CreateCommand();
            command.CommandText = _dialect.InsertVersion(_live.Version);
            Add(command, "@v", version);
            Add(command, "@d", description);
            Add(command, "@a", _dialect.Value(DateTime.UtcNow, new Column("applied", ColumnType.DateTime6)));
            await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
        _schemaReady = true;
    }

    public async Task<int> SchemaVersionAsync(CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        return await SchemaVersionAsync(connection, ct).ConfigureAwait(false);
    }

    private async Task<int> SchemaVersionAsync(DbConnection connection, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT COALESCE(MAX({_dialect.Q("version")}), 0) FROM {_dialect.Q(_live.Version)}";
        return Convert.ToInt32(await command.ExecuteScalarAsync(ct).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
    }

    private async Task WriteRowsAsync<TRow>(DbConnection connection, DbTransaction tx, string table, TableDefinition<TRow> definition,
        IReadOnlyList<TRow> rows, CancellationToken ct)
    {
        if (rows.Count == 0) return;
        if (_bulkLoad && connection is MySqlConnector.MySqlConnection mysql)
        {
            int inserted;
            try
            {
                inserted = await MySqlBulkLoad.LoadAsync(mysql, table, definition, rows, _dialect, ct).ConfigureAwait(false);
            }
            catch (MySqlConnector.MySqlException ex) when (MySqlBulkLoad.IsLocalInfileRefused(ex))
            {
                // The server has local_infile off: nothing was loaded; upsert from now on.
                _bulkLoad = false;
                await UpsertAsync(connection, tx, table, definition, rows, ct).ConfigureAwait(false);
                return;
            }
            // Every row went in: done. Otherwise LOAD DATA LOCAL skipped some, as duplicates (a batch read again after a
            // crash, an amended record) or as rows the table refuses (a constraint): the upsert applies the batch in
            // order over what is there, in the same transaction, and fails the batch on a row the table refuses.
            if (inserted < rows.Count)
                await UpsertAsync(connection, tx, table, definition, rows, ct).ConfigureAwait(false);
            return;
        }
        await UpsertAsync(connection, tx, table, definition, rows, ct).ConfigureAwait(false);
    }

    /// <summary>Steps of actions whose ActionQueued the table never saw (not written; see <see cref="AmiActionFold"/>).</summary>
    public long ActionStepsWithoutQueued => Interlocked.Read(ref _actionStepsWithoutQueued);

    private long _actionStepsWithoutQueued;

    /// <summary>The batch's action events applied to the stored <c>ami_action</c> rows they touch (read in this
    /// transaction), and the changed rows upserted, each guarded by its journal offset.</summary>
    private async Task WriteActionsAsync(DbConnection connection, DbTransaction tx, IReadOnlyList<ActionJournalEntry> entries,
        CancellationToken ct)
    {
        if (entries.Count == 0) return;
        var stored = await AmiActionRows.ReadAsync(connection, tx, _dialect, _tables.AmiAction, entries.Select(e => e.Id), ct)
            .ConfigureAwait(false);
        var changes = AmiActionFold.Apply(stored, entries);
        if (changes.WithoutQueued > 0) Interlocked.Add(ref _actionStepsWithoutQueued, changes.WithoutQueued);
        await UpsertAsync(connection, tx, _tables.AmiAction, BillingSchema.AmiAction, changes.Rows, ct).ConfigureAwait(false);
    }

    /// <summary>Queue events of a caller whose CallerJoined the table never saw (not written; see <see cref="QueueCallFold"/>).</summary>
    public long QueueEventsWithoutJoin => Interlocked.Read(ref _queueEventsWithoutJoin);

    private long _queueEventsWithoutJoin;

    /// <summary>The batch's queue and agent events folded over the stored rows they touch (read in this transaction):
    /// the changed queue_call, queue_agent and agent_session rows upserted (each guarded by its journal offset), the
    /// queue_log lines inserted (a line already there, same journal offset and line number, is left alone).</summary>
    private async Task WriteQueuesAsync(DbConnection connection, DbTransaction tx, IReadOnlyList<QueueJournalEntry> entries,
        CancellationToken ct)
    {
        if (entries.Count == 0) return;
        var calls = await QueueReportStore.ReadCallsAsync(connection, tx, _dialect, _tables.QueueCall,
            QueueReportFold.Callers(entries).ToList(), ct).ConfigureAwait(false);
        var agents = await QueueReportStore.ReadAgentsAsync(connection, tx, _dialect, _tables.QueueAgent,
            QueueReportFold.Agents(entries).ToList(), ct).ConfigureAwait(false);
        var changes = QueueReportFold.Apply(calls, agents, entries);
        if (changes.WithoutJoin > 0) Interlocked.Add(ref _queueEventsWithoutJoin, changes.WithoutJoin);
        await UpsertAsync(connection, tx, _tables.QueueCall, QueueReportSchema.QueueCall, changes.Calls, ct).ConfigureAwait(false);
        await UpsertAsync(connection, tx, _tables.QueueAgent, QueueReportSchema.QueueAgent, changes.Agents, ct).ConfigureAwait(false);
        await UpsertAsync(connection, tx, _tables.AgentSession, QueueReportSchema.AgentSession, changes.Sessions, ct).ConfigureAwait(false);
        await UpsertAsync(connection, tx, _tables.QueueLog, QueueReportSchema.QueueLog, changes.Log, ct).ConfigureAwait(false);
    }

    /// <summary>A call's segments are those of its stored revision: an amended record may have fewer than the
    /// revision before, and a batch replayed with an older revision may bring back rows the newer one dropped. After the
    /// batch's calls and segments are written, one statement per node removes, for the batch's calls, every segment
    /// whose revision is below its call row's (in the batch's transaction).</summary>
    private async Task DeleteSupersededSegmentsAsync(DbConnection connection, DbTransaction tx, IReadOnlyList<CallRow> calls,
        CancellationToken ct)
    {
        if (calls.Count == 0) return;
        var q = _dialect.Q;
        var segment = q(_tables.Segment);
        foreach (var node in calls.GroupBy(c => c.Node))
        {
            await using var command = connection.CreateCommand();
            command.Transaction = tx;
            var ids = node.Select(c => c.LinkedId).Distinct().ToList();
            var names = ids.Select((_, i) => "@l" + i).ToList();
            command.CommandText =
                $"DELETE FROM {segment} WHERE {q("node")} = @n AND {q("linkedid")} IN ({string.Join(", ", names)}) AND " +
                $"{q("revision")} < (SELECT MAX(c.{q("revision")}) FROM {q(_tables.Call)} c WHERE c.{q("node")} = {segment}.{q("node")} " +
                $"AND c.{q("linkedid")} = {segment}.{q("linkedid")} AND c.{q("record_index")} = {segment}.{q("record_index")})";
            Add(command, "@n", node.Key);
            for (var i = 0; i < ids.Count; i++) Add(command, names[i], ids[i]);
            await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
    }

    private async Task UpsertAsync<TRow>(DbConnection connection, DbTransaction tx, string table, TableDefinition<TRow> definition,
        IReadOnlyList<TRow> rows, CancellationToken ct)
    {
        if (rows.Count == 0) return;
        var columns = definition.Columns;
        var perStatement = _dialect.RowsPerStatement(columns.Count);
        var head = InsertHead(table, definition);
        var tail = _dialect.OnConflict(table, columns, definition.Key, definition.UpdateOnConflict, definition.VersionColumn);
        for (var start = 0; start < rows.Count; start += perStatement)
        {
            var count = Math.Min(perStatement, rows.Count - start);
            await using var command = connection.CreateCommand();
            command.Transaction = tx;
            var sql = new StringBuilder(head.Length + tail.Length + count * columns.Count * 8);
            sql.Append(head);
            var p = 0;
            for (var r = 0; r < count; r++)
            {
                var values = definition.Values(rows[start + r]);
                sql.Append(r == 0 ? "(" : ",(");
                for (var c = 0; c < columns.Count; c++)
                {
                    var name = "@p" + p++;
                    if (c > 0) sql.Append(',');
                    sql.Append(name);
                    Add(command, name, _dialect.Value(values[c], columns[c]));
                }
                sql.Append(')');
            }
            sql.Append(tail);
            command.CommandText = sql.ToString();
            await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
    }

    private string InsertHead<TRow>(string table, TableDefinition<TRow> definition)
    {
        lock (_insertHeads)
        {
            if (!_insertHeads.TryGetValue(table, out var head))
            {
                head = $"INSERT INTO {_dialect.Q(table)} ({string.Join(", ", definition.Columns.Select(c => _dialect.Q(c.Name)))}) VALUES ";
                _insertHeads[table] = head;
            }
            return head;
        }
    }

    private async Task<DbConnection> OpenAsync(CancellationToken ct)
    {
        var connection = _dialect.Open(_connectionString);
        try
        {
            await connection.OpenAsync(ct).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static async Task ExecuteAsync(DbConnection connection, DbTransaction? tx, string sql, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    private static void Add(DbCommand command, string name, object? value)
    {
        var p = command.CreateParameter();
        p.ParameterName = name;
        p.Value = value ?? DBNull.Value;
        command.Parameters.Add(p);
    }
}
