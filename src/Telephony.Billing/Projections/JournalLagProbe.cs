using System.Globalization;
using Telephony.Actors.Persistence;

namespace Telephony.Billing.Projections;

/// <param name="Head">Highest ordering in the journal.</param>
/// <param name="Events">Events carrying the tag past the offset (capped at <see cref="JournalLagProbe.Cap"/>).</param>
/// <param name="OldestCreatedUtc">When the oldest of them was journaled; null when there is none.</param>
public sealed record JournalLag(long Head, long Events, DateTime? OldestCreatedUtc);

/// <summary>
/// Measures a projection's lag straight from the journal table (Akka.Persistence.Sql default mapping, CSV tags
/// <c>;cel;cdr;</c>): the rows past the offset are found through the ordering primary key, so the cost follows the
/// lag, not the journal's size. The count is exact up to <see cref="Cap"/> and reads Cap beyond: counting reads the
/// lagging rows with their payloads, and a projection 100,000 rows behind spent more server CPU measuring its lag
/// (each projection, every lag interval) than writing its rows. The age of the oldest event is always exact.
/// </summary>
public sealed class JournalLagProbe(JournalProvider provider, string connectionString, string table = "journal")
{
    public const int Cap = 10_000;

    public async Task<JournalLag> MeasureAsync(string tag, long offset, CancellationToken ct = default)
    {
        await using var connection = JournalSchema.Open(provider, connectionString);
        await connection.OpenAsync(ct).ConfigureAwait(false);
        long head;
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = $"SELECT COALESCE(MAX(ordering), 0) FROM {table}";
            head = Convert.ToInt64(await command.ExecuteScalarAsync(ct).ConfigureAwait(false), CultureInfo.InvariantCulture);
        }
        if (head <= offset) return new JournalLag(head, 0, null);
        await using (var command = connection.CreateCommand())
        {
            command.CommandText =
                $"SELECT COUNT(*), MIN(created) FROM (SELECT created FROM {table} WHERE ordering > @offset AND tags LIKE @tag " +
                $"ORDER BY ordering LIMIT {Cap}) lagging";
            var o = command.CreateParameter();
            o.ParameterName = "@offset";
            o.Value = offset;
            command.Parameters.Add(o);
            var t = command.CreateParameter();
            t.ParameterName = "@tag";
            t.Value = "%;" + tag + ";%";
            command.Parameters.Add(t);
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            await reader.ReadAsync(ct).ConfigureAwait(false);
            var count = Convert.ToInt64(reader.GetValue(0), CultureInfo.InvariantCulture);
            DateTime? oldest = reader.IsDBNull(1)
                ? null
                : new DateTime(Convert.ToInt64(reader.GetValue(1), CultureInfo.InvariantCulture), DateTimeKind.Utc);
            return new JournalLag(head, count, oldest);
        }
    }
}
