using System.Data.Common;
using System.Globalization;
using Telephony.Billing.Rows;

namespace Telephony.Billing.Sinks;

/// <summary>
/// Reads, in the batch's transaction, the stored rows the <c>queues</c> fold starts from: each touched caller's latest
/// <c>queue_call</c> stay (highest journal_offset) and each touched agent's <c>queue_agent</c> row (read-modify-write:
/// only this sink's <c>queues</c> projection writes them, one batch at a time).
/// </summary>
internal static class QueueReportStore
{
    private const int KeysPerStatement = 500;

    public static async Task<Dictionary<(string, string, string), QueueCallRow>> ReadCallsAsync(DbConnection connection, DbTransaction tx,
        SqlDialect dialect, string table, IReadOnlyCollection<(string, string, string)> callers, CancellationToken ct)
    {
        var wanted = callers.ToHashSet();
        var rows = new Dictionary<(string, string, string), QueueCallRow>();
        await foreach (var r in ReadAsync(connection, tx, dialect, table, QueueReportSchema.QueueCall.Columns, "caller_uniqueid",
                           wanted.Select(c => c.Item3), ct).ConfigureAwait(false))
        {
            var row = CallRow(r);
            if (!wanted.Contains(row.Caller)) continue;
            if (!rows.TryGetValue(row.Caller, out var seen) || seen.JournalOffset < row.JournalOffset) rows[row.Caller] = row;
        }
        return rows;
    }

    public static async Task<Dictionary<string, QueueAgentRow>> ReadAgentsAsync(DbConnection connection, DbTransaction tx,
        SqlDialect dialect, string table, IReadOnlyCollection<string> agents, CancellationToken ct)
    {
        var rows = new Dictionary<string, QueueAgentRow>(StringComparer.Ordinal);
        await foreach (var r in ReadAsync(connection, tx, dialect, table, QueueReportSchema.QueueAgent.Columns, "agent_id", agents, ct)
                           .ConfigureAwait(false))
        {
            var row = AgentRow(r);
            rows[row.AgentId] = row;
        }
        return rows;
    }

    private static async IAsyncEnumerable<object?[]> ReadAsync(DbConnection connection, DbTransaction tx, SqlDialect dialect, string table,
        IReadOnlyList<Column> columns, string keyColumn, IEnumerable<string> keys,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        var select = $"SELECT {string.Join(", ", columns.Select(c => dialect.Q(c.Name)))} FROM {dialect.Q(table)} WHERE {dialect.Q(keyColumn)} IN ";
        foreach (var chunk in keys.Distinct(StringComparer.Ordinal).Chunk(KeysPerStatement))
        {
            await using var command = connection.CreateCommand();
            command.Transaction = tx;
            command.CommandText = select + "(" + string.Join(", ", chunk.Select((_, i) => "@k" + i)) + ")";
            for (var i = 0; i < chunk.Length; i++)
            {
                var p = command.CreateParameter();
                p.ParameterName = "@k" + i;
                p.Value = chunk[i];
                command.Parameters.Add(p);
            }
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                var values = new object?[columns.Count];
                for (var i = 0; i < values.Length; i++) values[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
                yield return values;
            }
        }
    }

    // Columns by position, in QueueReportSchema.QueueCall's order.
    private static QueueCallRow CallRow(object?[] v) => new()
    {
        Queue = Text(v[0]),
        CallerNode = Text(v[1]),
        CallerUniqueId = Text(v[2]),
        JoinedSeq = Long(v[3]),
        CallerChannel = Text(v[4]),
        CallerLinkedId = Text(v[5]),
        CallerIdNum = Text(v[6]),
        CallerIdName = Text(v[7]),
        Priority = (int)Long(v[8]),
        FromQueue = Text(v[9]),
        JoinedAt = Time(v[10])!.Value,
        ConnectedAt = Time(v[11]),
        EndedAt = Time(v[12]),
        WaitSeconds = Decimal(v[13]),
        TalkSeconds = Decimal(v[14]),
        AgentId = Text(v[15]),
        AgentNode = Text(v[16]),
        AgentLinkedId = Text(v[17]),
        Outcome = Text(v[18]),
        EndedBy = Text(v[19]),
        ExitTo = Text(v[20]),
        JoinPosition = (int)Long(v[21]),
        AbandonPosition = v[22] is null ? null : (int)Long(v[22]),
        Attempts = (int)Long(v[23]),
        OpenLegs = Text(v[24]),
        JournalOffset = Long(v[25]),
    };

    // Columns by position, in QueueReportSchema.QueueAgent's order.
    private static QueueAgentRow AgentRow(object?[] v) => new()
    {
        AgentId = Text(v[0]),
        Status = Text(v[1]),
        Queues = Text(v[2]),
        Session = (int)Long(v[3]),
        LoggedInAt = Time(v[4]),
        LoggedOutAt = Time(v[5]),
        LogoutReason = Text(v[6]),
        PausedSince = Time(v[7]),
        PauseReason = Text(v[8]),
        PausedSeconds = Decimal(v[9]) ?? 0,
        Pauses = (int)Long(v[10]),
        Calls = (int)Long(v[11]),
        TalkSeconds = Decimal(v[12]) ?? 0,
        NoAnswers = (int)Long(v[13]),
        OnCallReservation = Text(v[14]),
        OnCallSince = Time(v[15]),
        UpdatedAt = Time(v[16])!.Value,
        JournalOffset = Long(v[17]),
    };

    private static string Text(object? v) => v is null ? "" : Convert.ToString(v, CultureInfo.InvariantCulture)!;

    private static long Long(object? v) => v is null ? 0 : Convert.ToInt64(v, CultureInfo.InvariantCulture);

    /// <summary>DECIMAL(12,3) on MySQL, REAL on SQLite: back to the millisecond either way.</summary>
    private static decimal? Decimal(object? v) => v is null ? null : Math.Round(Convert.ToDecimal(v, CultureInfo.InvariantCulture), 3);

    /// <summary>MySQL gives a DateTime; SQLite the text <see cref="SqliteDialect"/> wrote.</summary>
    private static DateTime? Time(object? v) => v switch
    {
        null => null,
        DateTime t => DateTime.SpecifyKind(t, DateTimeKind.Utc),
        _ => DateTime.ParseExact(Convert.ToString(v, CultureInfo.InvariantCulture)!, ["yyyy-MM-dd HH:mm:ss.ffffff", "yyyy-MM-dd HH:mm:ss"],
            CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal),
    };
}
