using System.Data.Common;
using MySqlConnector;

namespace Telephony.Host.Vicidial;

/// <summary>
/// The SQL of the adapter: VICIdial's <c>vicidial_manager</c> (read, claimed, written back) and the adapter's own
/// <c>telephony_vicidial_claims</c>, one row per row it took, so that after a restart it resumes exactly the rows it
/// took and not the QUEUE/SENT/UPDATED rows VICIdial's own sender left behind. One short statement at a time (the
/// table is MyISAM in VICIdial: no transactions; each statement is atomic on its own).
/// </summary>
public sealed class ManagerTable(string connectionString)
{
    public const string Table = "vicidial_manager";
    public const string ClaimsTable = "telephony_vicidial_claims";

    private const string Columns =
        "m.man_id, m.server_ip, m.action, m.callerid, m.cmd_line_b, m.cmd_line_c, m.cmd_line_d, m.cmd_line_e, m.cmd_line_f, " +
        "m.cmd_line_g, m.cmd_line_h, m.cmd_line_i, m.cmd_line_j, m.cmd_line_k, m.entry_date, m.status, m.uniqueid, m.channel";

    public const string ClaimsDdl =
        $"CREATE TABLE IF NOT EXISTS {ClaimsTable} (\n" +
        "  idempotency_key VARCHAR(64) NOT NULL PRIMARY KEY,\n" +
        "  man_id INT UNSIGNED NOT NULL,\n" +
        "  action_id VARCHAR(200) NULL,\n" +
        "  claimed_at DATETIME(3) NOT NULL,\n" +
        "  finished_at DATETIME(3) NULL,\n" +
        "  KEY unfinished (finished_at, man_id)\n" +
        ")";

    /// <summary>Creates the claims table when missing, and forgets claims finished more than a week ago.</summary>
    public async Task PrepareAsync(CancellationToken ct)
    {
        await ExecuteAsync(ClaimsDdl, _ => { }, ct);
        await ExecuteAsync($"DELETE FROM {ClaimsTable} WHERE finished_at < NOW() - INTERVAL 7 DAY", _ => { }, ct);
    }

    /// <summary>NEW rows of these servers, oldest first.</summary>
    public Task<List<ManagerRow>> NewRowsAsync(IReadOnlyCollection<string> servers, int limit, CancellationToken ct) =>
        QueryAsync($"SELECT {Columns} FROM {Table} m WHERE m.status = 'NEW' AND m.server_ip IN ({In(servers.Count)}) ORDER BY m.man_id LIMIT @limit",
            c =>
            {
                Bind(c, servers);
                c.Parameters.AddWithValue("@limit", limit);
            }, ct);

    /// <summary>
    /// Takes a NEW row for this adapter: first its claim (the key is unique, so two adapters never both hold one), then
    /// <c>UPDATE ... SET status='QUEUE' WHERE man_id=? AND status='NEW'</c>, which VICIdial's own sender would have to win
    /// too. False when someone else has it. A crash between the two leaves a claim on a NEW row, which
    /// <see cref="ClaimedRowsAsync"/> finds again.
    /// </summary>
    public async Task<bool> ClaimAsync(ManagerRow row, CancellationToken ct)
    {
        var key = ManagerRowRequests.IdempotencyKey(row);
        var inserted = await ExecuteAsync($"INSERT IGNORE INTO {ClaimsTable} (idempotency_key, man_id, claimed_at) VALUES (@key, @id, NOW(3))",
            c =>
            {
                c.Parameters.AddWithValue("@key", key);
                c.Parameters.AddWithValue("@id", row.ManId);
            }, ct);
        if (inserted == 0) return false;
        if (await TakeAsync(row.ManId, ct)) return true;
        await ExecuteAsync($"DELETE FROM {ClaimsTable} WHERE idempotency_key = @key", c => c.Parameters.AddWithValue("@key", key), ct);
        return false;
    }

    /// <summary>NEW -> QUEUE, only if it is still NEW.</summary>
    public async Task<bool> TakeAsync(long manId, CancellationToken ct) =>
        await ExecuteAsync($"UPDATE {Table} SET status = 'QUEUE' WHERE man_id = @id AND status = 'NEW'",
            c => c.Parameters.AddWithValue("@id", manId), ct) == 1;

    /// <summary>The rows this adapter claimed and has not finished, with the key it claimed them under.</summary>
    public async Task<List<(ManagerRow Row, string Key)>> ClaimedRowsAsync(IReadOnlyCollection<string> servers, CancellationToken ct)
    {
        var result = new List<(ManagerRow, string)>();
        await using var connection = new MySqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns}, c.idempotency_key FROM {ClaimsTable} c JOIN {Table} m ON m.man_id = c.man_id " +
                              $"WHERE c.finished_at IS NULL AND m.server_ip IN ({In(servers.Count)}) ORDER BY m.man_id";
        Bind(command, servers);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) result.Add((ReadRow(reader), reader.GetString(18)));
        return result;
    }

    /// <summary>Writes an outcome, only forward (<see cref="ManagerRowStatuses.MovableFrom"/>); channel and uniqueid
    /// only when known. False when the row was not in a status it may move from (or is gone).</summary>
    public async Task<bool> WriteAsync(long manId, ManagerRowUpdate update, CancellationToken ct)
    {
        var from = ManagerRowStatuses.MovableFrom(update.Status);
        if (from.Count == 0) return false;
        return await ExecuteAsync(
            $"UPDATE {Table} SET status = @status, channel = COALESCE(@channel, channel), uniqueid = COALESCE(@uniqueid, uniqueid) " +
            $"WHERE man_id = @id AND status IN ({string.Join(", ", from.Select(s => "'" + s.ToColumn() + "'"))})",
            c =>
            {
                c.Parameters.AddWithValue("@status", update.Status.ToColumn());
                c.Parameters.AddWithValue("@channel", (object?)update.Channel ?? DBNull.Value);
                c.Parameters.AddWithValue("@uniqueid", (object?)update.UniqueId ?? DBNull.Value);
                c.Parameters.AddWithValue("@id", manId);
            }, ct) == 1;
    }

    /// <summary>The adapter is done with the row (its last status is written): it is not resumed any more.</summary>
    public Task FinishAsync(string key, string? actionId, CancellationToken ct) =>
        ExecuteAsync($"UPDATE {ClaimsTable} SET finished_at = NOW(3), action_id = COALESCE(@action, action_id) WHERE idempotency_key = @key",
            c =>
            {
                c.Parameters.AddWithValue("@key", key);
                c.Parameters.AddWithValue("@action", (object?)actionId ?? DBNull.Value);
            }, ct);

    /// <summary>Records which action a claimed row became (for people reading the claims table).</summary>
    public Task NoteActionAsync(string key, string actionId, CancellationToken ct) =>
        ExecuteAsync($"UPDATE {ClaimsTable} SET action_id = @action WHERE idempotency_key = @key",
            c =>
            {
                c.Parameters.AddWithValue("@key", key);
                c.Parameters.AddWithValue("@action", actionId);
            }, ct);

    /// <summary>VICIdial's sender check before a Hangup or Redirect: is a row of the same call (callerid) on this server
    /// already DEAD? Then the call is gone and the action is not sent.</summary>
    public async Task<bool> HasDeadCallAsync(string serverIp, string callerId, CancellationToken ct)
    {
        await using var connection = new MySqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT 1 FROM {Table} WHERE server_ip = @server AND callerid = @callerid AND status = 'DEAD' LIMIT 1";
        command.Parameters.AddWithValue("@server", serverIp);
        command.Parameters.AddWithValue("@callerid", callerId);
        return await command.ExecuteScalarAsync(ct) is not null;
    }

    private async Task<List<ManagerRow>> QueryAsync(string sql, Action<MySqlCommand> bind, CancellationToken ct)
    {
        var rows = new List<ManagerRow>();
        await using var connection = new MySqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        bind(command);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) rows.Add(ReadRow(reader));
        return rows;
    }

    private async Task<int> ExecuteAsync(string sql, Action<MySqlCommand> bind, CancellationToken ct)
    {
        await using var connection = new MySqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        bind(command);
        return await command.ExecuteNonQueryAsync(ct);
    }

    private static ManagerRow ReadRow(DbDataReader r)
    {
        string? Text(int i) => r.IsDBNull(i) ? null : r.GetString(i);
        var lines = new string?[ManagerRow.LineCount];
        for (var i = 0; i < lines.Length; i++) lines[i] = Text(4 + i);
        return new ManagerRow(Convert.ToInt64(r.GetValue(0)), Text(1) ?? "", Text(2) ?? "", Text(3), lines)
        {
            EntryDate = DateOrNull(r, 14),
            Status = ManagerRowStatuses.FromColumn(Text(15)),
            UniqueId = Text(16),
            Channel = Text(17),
        };
    }

    /// <summary>A zero date ('0000-00-00') reads as null rather than failing every poll on one bad row.</summary>
    private static DateTime? DateOrNull(DbDataReader r, int i)
    {
        if (r.IsDBNull(i)) return null;
        try
        {
            return r.GetDateTime(i);
        }
        catch (Exception e) when (e is InvalidCastException or MySqlConversionException)
        {
            return null;
        }
    }

    private static string In(int count) => string.Join(", ", Enumerable.Range(0, count).Select(i => "@s" + i));

    private static void Bind(MySqlCommand command, IReadOnlyCollection<string> servers)
    {
        var i = 0;
        foreach (var s in servers) command.Parameters.AddWithValue("@s" + i++, s);
    }
}
