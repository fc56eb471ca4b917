using MySqlConnector;
using Telephony.Host.Vicidial;

namespace Telephony.Host.Tests.Vicidial;

/// <summary>
/// A fresh MariaDB database holding VICIdial's <c>vicidial_manager</c> exactly as VICIdial 2.14 creates it
/// (extras/MySQL_AST_CREATE_tables.sql: MyISAM, no transactions), plus a trigger that records every change of a row,
/// so a test sees each step (NEW -> QUEUE -> SENT -> ...) however fast the adapter takes it.
/// </summary>
public sealed class VicidialDatabase
{
    private const string Ddl = """
        CREATE TABLE vicidial_manager (
        man_id INT(9) UNSIGNED AUTO_INCREMENT PRIMARY KEY NOT NULL,
        uniqueid VARCHAR(20),
        entry_date DATETIME,
        status  ENUM('NEW','QUEUE','SENT','UPDATED','DEAD'),
        response  ENUM('Y','N'),
        server_ip VARCHAR(15) NOT NULL,
        channel VARCHAR(100),
        action VARCHAR(20),
        callerid VARCHAR(20),
        cmd_line_b VARCHAR(100),
        cmd_line_c VARCHAR(100),
        cmd_line_d VARCHAR(200),
        cmd_line_e VARCHAR(100),
        cmd_line_f VARCHAR(100),
        cmd_line_g VARCHAR(100),
        cmd_line_h VARCHAR(100),
        cmd_line_i VARCHAR(50),
        cmd_line_j VARCHAR(50),
        cmd_line_k VARCHAR(100),
        index (callerid),
        index (uniqueid),
        index serverstat(server_ip,status)
        ) ENGINE=MyISAM;
        CREATE TABLE vicidial_manager_history (
        seq INT AUTO_INCREMENT PRIMARY KEY, man_id INT UNSIGNED, old_status VARCHAR(10), new_status VARCHAR(10),
        channel VARCHAR(100), uniqueid VARCHAR(20));
        CREATE TRIGGER vicidial_manager_changes AFTER UPDATE ON vicidial_manager FOR EACH ROW
        INSERT INTO vicidial_manager_history (man_id, old_status, new_status, channel, uniqueid)
        VALUES (NEW.man_id, OLD.status, NEW.status, NEW.channel, NEW.uniqueid);
        """;

    private VicidialDatabase(string connectionString) => ConnectionString = connectionString;

    public string ConnectionString { get; }

    public static async Task<VicidialDatabase> CreateAsync()
    {
        var db = new VicidialDatabase(await TestDatabases.CreateMariaDbAsync("vicidial_"));
        await db.ExecuteAsync(Ddl);
        return db;
    }

    /// <summary>Inserts a row the way VICIdial's manager_send.php does (status NEW, response N); returns its man_id.</summary>
    public async Task<long> InsertAsync(string serverIp, string action, string callerId, params string[] lines)
    {
        var columns = Enumerable.Range(0, ManagerRow.LineCount).Select(ManagerRow.LineColumn).ToList();
        await using var connection = new MySqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"INSERT INTO vicidial_manager (uniqueid, entry_date, status, response, server_ip, channel, action, callerid, {string.Join(", ", columns)}) " +
                              $"VALUES ('', NOW(), 'NEW', 'N', @server, '', @action, @callerid, {string.Join(", ", columns.Select(c => "@" + c))})";
        command.Parameters.AddWithValue("@server", serverIp);
        command.Parameters.AddWithValue("@action", action);
        command.Parameters.AddWithValue("@callerid", callerId);
        for (var i = 0; i < columns.Count; i++) command.Parameters.AddWithValue("@" + columns[i], i < lines.Length ? lines[i] : "");
        await command.ExecuteNonQueryAsync();
        return command.LastInsertedId;
    }

    public async Task<(string Status, string Channel, string UniqueId, string Response)> RowAsync(long manId)
    {
        await using var connection = new MySqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT status, COALESCE(channel, ''), COALESCE(uniqueid, ''), COALESCE(response, '') FROM vicidial_manager WHERE man_id = @id";
        command.Parameters.AddWithValue("@id", manId);
        await using var r = await command.ExecuteReaderAsync();
        Assert.True(await r.ReadAsync(), $"row {manId} is gone");
        return (r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3));
    }

    /// <summary>The statuses the row went through, in order, starting with NEW (repeats of one status folded).</summary>
    public async Task<List<string>> StatusesAsync(long manId)
    {
        var statuses = new List<string> { "NEW" };
        await using var connection = new MySqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT new_status FROM vicidial_manager_history WHERE man_id = @id ORDER BY seq";
        command.Parameters.AddWithValue("@id", manId);
        await using var r = await command.ExecuteReaderAsync();
        while (await r.ReadAsync())
            if (r.GetString(0) != statuses[^1]) statuses.Add(r.GetString(0));
        return statuses;
    }

    public async Task<long> CountAsync(string sql)
    {
        await using var connection = new MySqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }

    public async Task ExecuteAsync(string sql)
    {
        await using var connection = new MySqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    public async Task WaitForStatusAsync(long manId, string status, int seconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        (string Status, string, string, string) row = default;
        while (DateTime.UtcNow < deadline)
        {
            row = await RowAsync(manId);
            if (row.Status == status) return;
            await Task.Delay(50);
        }
        Assert.Fail($"vicidial_manager {manId} did not reach {status} within {seconds}s; it is {row.Status} ({string.Join(" -> ", await StatusesAsync(manId))})");
    }
}
