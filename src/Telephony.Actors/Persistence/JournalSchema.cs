using System.Data.Common;
using Microsoft.Data.Sqlite;
using MySqlConnector;
using Npgsql;

namespace Telephony.Actors.Persistence;

/// <summary>
/// Creates the journal, metadata and snapshot tables (Akka.Persistence.Sql "default" table mapping) idempotently,
/// before the actor system starts. We own the DDL because the plugin's auto-initialize made a poor MariaDB schema (no
/// unique key on persistence_id + sequence_number, no indexes). Tags are a CSV column (tag-write-mode = Csv): reads by
/// tag walk the ordering primary key forward from an offset, linear in what they return.
/// </summary>
public static class JournalSchema
{
    public static async Task EnsureAsync(JournalProvider provider, string connectionString, CancellationToken ct = default)
    {
        await using var connection = Open(provider, connectionString);
        await connection.OpenAsync(ct).ConfigureAwait(false);
        foreach (var statement in Statements(provider))
        {
            await using var command = connection.CreateCommand();
            command.CommandText = statement;
            await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
    }

    /// <summary>A SQLite connection string for a file, creating its folder.</summary>
    public static string SqliteConnectionString(string path)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        return new SqliteConnectionStringBuilder
        {
            DataSource = full,
            Cache = SqliteCacheMode.Default,
            Pooling = true,
            // How long a statement waits for a locked file before failing (the node redelivers what failed).
            DefaultTimeout = 10,
        }.ToString();
    }

    public static DbConnection Open(JournalProvider provider, string connectionString) => provider switch
    {
        JournalProvider.Sqlite => new SqliteConnection(connectionString),
        JournalProvider.MySql => new MySqlConnection(connectionString),
        _ => new NpgsqlConnection(connectionString),
    };

    private static IEnumerable<string> Statements(JournalProvider provider) => provider switch
    {
        JournalProvider.Sqlite =>
        [
            // WAL is a property of the file: readers (projections) never block the writer.
            "PRAGMA journal_mode=WAL",
            """
            CREATE TABLE IF NOT EXISTS journal (
              ordering INTEGER PRIMARY KEY AUTOINCREMENT,
              deleted INTEGER NOT NULL DEFAULT 0,
              persistence_id TEXT NOT NULL,
              sequence_number INTEGER NOT NULL,
              created INTEGER NOT NULL,
              tags TEXT NULL,
              message BLOB NOT NULL,
              identifier INTEGER NULL,
              manifest TEXT NULL,
              writer_uuid TEXT NULL,
              UNIQUE (persistence_id, sequence_number))
            """,
            """
            CREATE TABLE IF NOT EXISTS journal_metadata (
              persistence_id TEXT NOT NULL,
              sequence_number INTEGER NOT NULL,
              PRIMARY KEY (persistence_id, sequence_number))
            """,
            """
            CREATE TABLE IF NOT EXISTS snapshot (
              persistence_id TEXT NOT NULL,
              sequence_number INTEGER NOT NULL,
              created INTEGER NOT NULL,
              snapshot BLOB NOT NULL,
              manifest TEXT NOT NULL,
              serializer_id INTEGER NULL,
              PRIMARY KEY (persistence_id, sequence_number))
            """,
        ],
        JournalProvider.MySql =>
        [
            """
            CREATE TABLE IF NOT EXISTS journal (
              ordering BIGINT NOT NULL AUTO_INCREMENT,
              deleted TINYINT(1) NOT NULL DEFAULT 0,
              persistence_id VARCHAR(255) NOT NULL,
              sequence_number BIGINT NOT NULL,
              created BIGINT NOT NULL,
              tags VARCHAR(255) NULL,
              message LONGBLOB NOT NULL,
              identifier INT NULL,
              manifest VARCHAR(255) NULL,
              writer_uuid VARCHAR(128) NULL,
              PRIMARY KEY (ordering),
              UNIQUE KEY journal_persistence_id_sequence_number (persistence_id, sequence_number)
            ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4
            """,
            """
            CREATE TABLE IF NOT EXISTS journal_metadata (
              persistence_id VARCHAR(255) NOT NULL,
              sequence_number BIGINT NOT NULL,
              PRIMARY KEY (persistence_id, sequence_number)
            ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4
            """,
            """
            CREATE TABLE IF NOT EXISTS snapshot (
              persistence_id VARCHAR(255) NOT NULL,
              sequence_number BIGINT NOT NULL,
              created BIGINT NOT NULL,
              snapshot LONGBLOB NOT NULL,
              manifest VARCHAR(500) NOT NULL,
              serializer_id INT NULL,
              PRIMARY KEY (persistence_id, sequence_number)
            ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4
            """,
        ],
        _ =>
        [
            """
            CREATE TABLE IF NOT EXISTS journal (
              ordering BIGSERIAL PRIMARY KEY,
              deleted BOOLEAN NOT NULL DEFAULT FALSE,
              persistence_id VARCHAR(255) NOT NULL,
              sequence_number BIGINT NOT NULL,
              created BIGINT NOT NULL,
              tags VARCHAR(255) NULL,
              message BYTEA NOT NULL,
              identifier INTEGER NULL,
              manifest VARCHAR(255) NULL,
              writer_uuid VARCHAR(128) NULL,
              UNIQUE (persistence_id, sequence_number))
            """,
            """
            CREATE TABLE IF NOT EXISTS journal_metadata (
              persistence_id VARCHAR(255) NOT NULL,
              sequence_number BIGINT NOT NULL,
              PRIMARY KEY (persistence_id, sequence_number))
            """,
            """
            CREATE TABLE IF NOT EXISTS snapshot (
              persistence_id VARCHAR(255) NOT NULL,
              sequence_number BIGINT NOT NULL,
              created BIGINT NOT NULL,
              snapshot BYTEA NOT NULL,
              manifest VARCHAR(500) NOT NULL,
              serializer_id INTEGER NULL,
              PRIMARY KEY (persistence_id, sequence_number))
            """,
        ],
    };
}
