using MySqlConnector;
using Telephony.Actors.Persistence;

namespace Telephony.Testing;

/// <summary>A fresh journal for one test: a new SQLite file, or a new database on the test MariaDB
/// (TELEPHONY_TEST_MARIADB, started by scripts/services.sh). A missing MariaDB fails the test, never skips it.</summary>
public sealed record TestJournal(JournalProvider Provider, string ConnectionString)
{
    public static TestJournal Sqlite() =>
        new(JournalProvider.Sqlite, JournalSchema.SqliteConnectionString(Path.Combine(TestDatabases.TempFolder(), "journal.db")));

    public static async Task<TestJournal> MariaDbAsync() =>
        new(JournalProvider.MySql, await TestDatabases.CreateMariaDbAsync("journal_"));

    public static Task<TestJournal> CreateAsync(string provider) =>
        provider == "mariadb" ? MariaDbAsync() : Task.FromResult(Sqlite());
}

public static class TestDatabases
{
    public static string TempFolder()
    {
        var folder = Path.Combine(Path.GetTempPath(), "telephony-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        return folder;
    }

    public static string MariaDbBase()
    {
        var baseConnection = Environment.GetEnvironmentVariable("TELEPHONY_TEST_MARIADB");
        if (string.IsNullOrEmpty(baseConnection))
            throw new InvalidOperationException(
                "TELEPHONY_TEST_MARIADB is not set: run the tests through scripts/test.sh, which starts MariaDB on loopback " +
                "(or run scripts/services.sh and `source .local/services.env`)");
        return baseConnection;
    }

    /// <summary>Creates a new, empty database on the test MariaDB (or on <paramref name="server"/>, a connection
    /// string allowed to create databases) and returns its connection string.</summary>
    public static async Task<string> CreateMariaDbAsync(string prefix, string? server = null)
    {
        var database = prefix + Guid.NewGuid().ToString("N")[..12];
        var builder = new MySqlConnectionStringBuilder(server ?? MariaDbBase());
        await using (var connection = new MySqlConnection(builder.ConnectionString))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = $"CREATE DATABASE `{database}`";
            await command.ExecuteNonQueryAsync();
        }
        builder.Database = database;
        builder.AllowUserVariables = true;
        return builder.ConnectionString;
    }
}
