using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using Akka.Actor;
using MySqlConnector;

namespace Telephony.Actors.Persistence;

/// <summary>
/// Writes a group of journal writes to MySQL/MariaDB in one transaction: multi-row INSERTs whose payloads go as
/// parameters (MySqlConnector writes a byte array into the statement as escaped binary), numbers inline. The plugin
/// builds the same multi-row INSERT but inlines every payload as a hex literal: twice the bytes on the wire and for the
/// server to parse, and a hex string (two UTF-16 chars per payload byte) built per row on the client. A group is
/// split into statements of at most <c>direct-write-max-statement-bytes</c> of payload (4 MiB: under MariaDB's default
/// 16 MiB <c>max_allowed_packet</c> even if escaping doubled every byte). Groups run concurrently on pooled
/// connections (<c>group-commit-parallelism</c>), as the plugin's writes did.
/// </summary>
internal sealed class MySqlGroupWriter : JournalGroupWriter
{
    private readonly string _connectionString;
    private readonly string _insert;
    private readonly long _maxStatementBytes;

    private static long s_groups, s_rows, s_statements;

    /// <summary>What every writer of this process did so far (a diagnostic for benchmarks).</summary>
    public static (long Groups, long Rows, long Statements) Totals =>
        (Interlocked.Read(ref s_groups), Interlocked.Read(ref s_rows), Interlocked.Read(ref s_statements));

    public MySqlGroupWriter(Akka.Configuration.Config journalConfig, ExtendedActorSystem system) : base(journalConfig, system)
    {
        _connectionString = journalConfig.GetString("connection-string");
        var table = journalConfig.GetString("tables.journal.table-name", "journal");
        _insert = "INSERT INTO " + table +
                  " (deleted, persistence_id, sequence_number, created, tags, message, identifier, manifest, writer_uuid) VALUES ";
        _maxStatementBytes = Math.Max(1, journalConfig.GetByteSize("direct-write-max-statement-bytes") ?? 4 * 1024 * 1024);
    }

    public override async Task<IImmutableList<Exception>> WriteAsync(IReadOnlyList<PreparedWrite> writes)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var now = DateTime.UtcNow.Ticks; // "created" of rows without a timestamp: when written, as the plugin does
        await using var connection = new MySqlConnection(_connectionString);
        await connection.OpenAsync().ConfigureAwait(false);
        await using var tx = await connection.BeginTransactionAsync().ConfigureAwait(false);
        // Small at first: a StringBuilder grows by chunks of at most 8,000 chars, none on the large object heap. An
        // initial 64 Ki chars (128 KiB, large object heap) for every group made a blocking gen2 collection every
        // ~0.2 s at a few hundred groups a second (~20 ms each; docs/performance.md, fourteenth session).
        var sql = new StringBuilder(1024);
        var parameters = new List<MySqlParameter>();
        long bytes = 0, rows = 0;
        var inStatement = 0;
        foreach (var w in writes)
        {
            if (w.Rows is null) continue;
            foreach (var r in w.Rows)
            {
                if (inStatement > 0 && bytes + r.Message.Length > _maxStatementBytes)
                {
                    await ExecuteAsync(connection, tx, sql, parameters).ConfigureAwait(false);
                    inStatement = 0;
                    bytes = 0;
                }
                Append(sql, parameters, inStatement, r, now);
                inStatement++;
                bytes += r.Message.Length;
                rows++;
            }
        }
        if (inStatement > 0) await ExecuteAsync(connection, tx, sql, parameters).ConfigureAwait(false);
        await tx.CommitAsync().ConfigureAwait(false);
        JournalInstruments.WriteSeconds.Record(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds);
        Interlocked.Increment(ref s_groups);
        Interlocked.Add(ref s_rows, rows);
        return Results(writes);
    }

    private void Append(StringBuilder sql, List<MySqlParameter> parameters, int i, in Row r, long now)
    {
        var n = i.ToString(CultureInfo.InvariantCulture);
        if (i == 0) sql.Append(_insert);
        else sql.Append(',');
        sql.Append("(0,@p").Append(n).Append(',')
            .Append(r.SequenceNr.ToString(CultureInfo.InvariantCulture)).Append(',')
            .Append((r.Created == 0 ? now : r.Created).ToString(CultureInfo.InvariantCulture))
            .Append(",@t").Append(n).Append(",@m").Append(n).Append(',')
            .Append(r.Identifier.ToString(CultureInfo.InvariantCulture))
            .Append(",@f").Append(n).Append(",@w").Append(n).Append(')');
        parameters.Add(new MySqlParameter("@p" + n, MySqlDbType.VarChar) { Value = r.PersistenceId });
        parameters.Add(new MySqlParameter("@t" + n, MySqlDbType.VarChar) { Value = r.Tags });
        parameters.Add(new MySqlParameter("@m" + n, MySqlDbType.LongBlob) { Value = r.Message });
        parameters.Add(new MySqlParameter("@f" + n, MySqlDbType.VarChar) { Value = r.Manifest });
        parameters.Add(new MySqlParameter("@w" + n, MySqlDbType.VarChar) { Value = (object?)r.Writer ?? DBNull.Value });
    }

    private async Task ExecuteAsync(MySqlConnection connection, MySqlTransaction tx, StringBuilder sql, List<MySqlParameter> parameters)
    {
        await using var command = new MySqlCommand(sql.ToString(), connection, tx);
        command.Parameters.AddRange(parameters.ToArray());
        await command.ExecuteNonQueryAsync().ConfigureAwait(false);
        Interlocked.Increment(ref s_statements);
        sql.Clear();
        parameters.Clear();
    }

    /// <summary>Nothing to release: connections are the pool's. A group in flight is left to finish (cancelling it
    /// could report a write as failed that its COMMIT had made durable).</summary>
    public override void Dispose()
    {
    }
}
