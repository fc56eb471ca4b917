using Microsoft.Data.Sqlite;

namespace Telephony.Host.Tests;

/// <summary>Where a sqlite billing sink writes: ./data/billing.db when no file is given (the README's default), the
/// file named by its ConnectionString otherwise.</summary>
[Collection(SingleHostProcesses.Name)]
public class BillingSinkFileTests
{
    [Fact]
    public async Task A_sqlite_sink_without_a_file_writes_data_billing_db_and_one_with_a_path_writes_that_file()
    {
        var work = Directory.CreateTempSubdirectory("telephony-sink-");
        var data = Path.Combine(work.FullName, "data");
        using var host = HostProcess.Start(work.FullName, new Dictionary<string, string>
        {
            ["TELEPHONY__BILLING__SINKS__0__KIND"] = "sqlite",
            ["TELEPHONY__BILLING__SINKS__1__KIND"] = "sqlite",
            ["TELEPHONY__BILLING__SINKS__1__NAME"] = "archive",
            ["TELEPHONY__BILLING__SINKS__1__CONNECTIONSTRING"] = "./data/archive.db",
        });

        await host.WaitForOutputAsync(_ => CdrRows(Path.Combine(data, "billing.db")) > 0 && CdrRows(Path.Combine(data, "archive.db")) > 0,
            "both sinks have cdr rows", TimeSpan.FromMinutes(2));
        Assert.True(host.Terminate(TimeSpan.FromSeconds(30)), $"SIGTERM should stop the host:\n{host.Output}");

        var databases = Directory.GetFiles(data, "*.db").Select(f => Path.GetFileName(f)).Order().ToArray();
        Assert.Equal(["archive.db", "billing.db", "telephony.db"], databases);
        work.Delete(recursive: true);
    }

    private static long CdrRows(string path)
    {
        if (!File.Exists(path)) return 0;
        try
        {
            using var connection = new SqliteConnection(new SqliteConnectionStringBuilder
            {
                DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false,
            }.ToString());
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT COUNT(*) FROM cdr";
            return (long)command.ExecuteScalar()!;
        }
        catch (SqliteException)
        {
            return 0; // the schema is being created
        }
    }
}
