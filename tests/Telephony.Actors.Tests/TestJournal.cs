using MySqlConnector;
using Telephony.Actors.Persistence;

namespace Telephony.Actors.Tests;

/// <summary>A fresh journal for one test: a new SQLite file, or a new database on the test MariaDB
/// (TELEPHONY_TEST_MARIADB, started by scripts/services.sh). Under CI a missing MariaDB fails the test.</summary>
public sealed record TestJournal(JournalProvider Provider, string ConnectionString, string Description)
{
    public static TestJournal Sqlite()
    {
        var path = Path.Combine(Path.GetTempPath(), "telephony-tests", Guid.NewGuid().ToString("N"), "journal.db");
        return new TestJournal(JournalProvider.Sqlite, JournalSchema.SqliteConnectionString(path), path);
    }

    public static async Task<TestJournal> MariaDbAsync()
    {
        var baseConnection = Environment.GetEnvironmentVariable("TELEPHONY_TEST_MARIADB");
        if (string.IsNullOrEmpty(baseConnection))
            throw new InvalidOperationException(
                "TELEPHONY_TEST_MARIADB is not set: run the tests through scripts/test.sh, which starts MariaDB on loopback");
        var database = "journal_" + Guid.NewGuid().ToString("N")[..12];
        var builder = new MySqlConnectionStringBuilder(baseConnection);
        await using (var connection = new MySqlConnection(builder.ConnectionString))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = $"CREATE DATABASE `{database}`";
            await command.ExecuteNonQueryAsync();
        }
        builder.Database = database;
        builder.AllowUserVariables = true;
        return new TestJournal(JournalProvider.MySql, builder.ConnectionString, database);
    }

    public static Task<TestJournal> CreateAsync(string provider) =>
        provider == "mariadb" ? MariaDbAsync() : Task.FromResult(Sqlite());
}
