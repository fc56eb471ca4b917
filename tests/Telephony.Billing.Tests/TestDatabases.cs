using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;
using MySqlConnector;
using Telephony.Actors.Persistence;
using Telephony.Billing.Hosting;

using Telephony.Testing;

namespace Telephony.Billing.Tests;

/// <summary>A fresh billing database: a new SQLite file or a new MariaDB database.</summary>
public sealed record TestBillingDatabase(BillingSinkKind Kind, string ConnectionString)
{
    public static async Task<TestBillingDatabase> CreateAsync(string provider) => provider == "mariadb"
        ? new TestBillingDatabase(BillingSinkKind.MySql, await TestDatabases.CreateMariaDbAsync("billing_"))
        : new TestBillingDatabase(BillingSinkKind.Sqlite, new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(TestDatabases.TempFolder(), "billing.db"),
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString());

    public BillingSinkOptions Sink(string name = "db", Func<Sinks.IBillingSink, Sinks.IBillingSink>? wrap = null) => new()
    {
        Name = name,
        Kind = Kind,
        ConnectionString = ConnectionString,
        Wrap = wrap,
    };

    public DbConnection Open() => Kind == BillingSinkKind.MySql ? new MySqlConnection(ConnectionString) : new SqliteConnection(ConnectionString);

    public string Q(string identifier) => Kind == BillingSinkKind.MySql ? $"`{identifier}`" : $"\"{identifier}\"";

    /// <summary>Rows of a query, each value as invariant text (null as null), so MariaDB and SQLite compare alike.</summary>
    public async Task<List<Dictionary<string, string?>>> QueryAsync(string sql)
    {
        await using var connection = Open();
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<Dictionary<string, string?>>();
        while (await reader.ReadAsync())
        {
            var row = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
            for (var i = 0; i < reader.FieldCount; i++)
                row[reader.GetName(i)] = reader.IsDBNull(i) ? null : Text(reader.GetValue(i));
            rows.Add(row);
        }
        return rows;
    }

    /// <summary>Rows of <paramref name="table"/> matching <paramref name="where"/>; 0 while the projection has not
    /// created the table yet.</summary>
    public async Task<long> CountAsync(string table, string where = "1=1")
    {
        try
        {
            return long.Parse((await QueryAsync($"SELECT COUNT(*) AS n FROM {Q(table)} WHERE {where}"))[0]["n"]!, CultureInfo.InvariantCulture);
        }
        catch (DbException e) when (e.Message.Contains("doesn't exist", StringComparison.Ordinal) || e.Message.Contains("no such table", StringComparison.Ordinal))
        {
            return 0;
        }
    }

    public async Task ExecuteAsync(string sql)
    {
        await using var connection = Open();
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private static string Text(object value) => value switch
    {
        DateTime t => t.ToString(t.Ticks % TimeSpan.TicksPerSecond == 0 ? "yyyy-MM-dd HH:mm:ss" : "yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture),
        bool b => b ? "1" : "0",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
