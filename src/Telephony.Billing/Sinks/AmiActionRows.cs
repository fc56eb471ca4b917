using System.Data.Common;
using System.Globalization;
using Telephony.Billing.Rows;

namespace Telephony.Billing.Sinks;

/// <summary>
/// Reads the stored <c>ami_action</c> rows a batch's events touch, in the batch's transaction, so that
/// <see cref="AmiActionFold"/> can apply each step to the action's state (read-modify-write: the table is written only
/// by its sink's <c>actions</c> projection, one batch at a time).
/// </summary>
internal static class AmiActionRows
{
    private const int IdsPerStatement = 500;

    public static async Task<Dictionary<string, AmiActionRow>> ReadAsync(DbConnection connection, DbTransaction tx, SqlDialect dialect,
        string table, IEnumerable<string> ids, CancellationToken ct)
    {
        var rows = new Dictionary<string, AmiActionRow>(StringComparer.Ordinal);
        var columns = BillingSchema.AmiAction.Columns;
        var select = $"SELECT {string.Join(", ", columns.Select(c => dialect.Q(c.Name)))} FROM {dialect.Q(table)} WHERE {dialect.Q("id")} IN ";
        foreach (var chunk in ids.Distinct(StringComparer.Ordinal).Chunk(IdsPerStatement))
        {
            await using var command = connection.CreateCommand();
            command.Transaction = tx;
            command.CommandText = select + "(" + string.Join(", ", chunk.Select((_, i) => "@i" + i)) + ")";
            for (var i = 0; i < chunk.Length; i++)
            {
                var p = command.CreateParameter();
                p.ParameterName = "@i" + i;
                p.Value = chunk[i];
                command.Parameters.Add(p);
            }
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                var row = Row(reader);
                rows[row.Id] = row;
            }
        }
        return rows;
    }

    // Columns by position, in BillingSchema.AmiAction's order.
    private static AmiActionRow Row(DbDataReader r) => new()
    {
        Id = r.GetString(0),
        Node = r.GetString(1),
        Action = r.GetString(2),
        Status = r.GetString(3),
        Priority = Convert.ToInt32(r.GetValue(4), CultureInfo.InvariantCulture),
        IdempotencyKey = r.GetString(5),
        NotBefore = Time(r, 6),
        ExpiresAt = Time(r, 7),
        QueuedAt = Time(r, 8)!.Value,
        SentAt = Time(r, 9),
        RespondedAt = Time(r, 10),
        UpAt = Time(r, 11),
        EndedAt = Time(r, 12),
        UpdatedAt = Time(r, 13)!.Value,
        Message = r.GetString(14),
        Reason = r.GetString(15),
        Channel = r.GetString(16),
        UniqueId = r.GetString(17),
        LinkedId = r.GetString(18),
        ChannelId = r.GetString(19),
        HangupCause = r.IsDBNull(20) ? null : Convert.ToInt32(r.GetValue(20), CultureInfo.InvariantCulture),
        Duration = r.IsDBNull(21) ? null : Convert.ToDecimal(r.GetValue(21), CultureInfo.InvariantCulture),
        Attempts = Convert.ToInt32(r.GetValue(22), CultureInfo.InvariantCulture),
        JournalOffset = Convert.ToInt64(r.GetValue(23), CultureInfo.InvariantCulture),
    };

    /// <summary>MySQL gives a DateTime; SQLite the text <see cref="SqliteDialect"/> wrote.</summary>
    private static DateTime? Time(DbDataReader r, int i) => r.IsDBNull(i)
        ? null
        : r.GetValue(i) switch
        {
            DateTime t => DateTime.SpecifyKind(t, DateTimeKind.Utc),
            var v => DateTime.ParseExact(Convert.ToString(v, CultureInfo.InvariantCulture)!, ["yyyy-MM-dd HH:mm:ss.ffffff", "yyyy-MM-dd HH:mm:ss"],
                CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal),
        };
}
