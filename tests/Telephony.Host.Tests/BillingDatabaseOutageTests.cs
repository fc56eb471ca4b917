using MySqlConnector;
using Telephony.Simulator;
using Telephony.Simulator.Load;
using Xunit.Abstractions;

namespace Telephony.Host.Tests;

/// <summary>The billing database really stopped in the middle of a run and started again: ingestion goes on, the
/// projection backs off and resumes, and the rows end up exact with no duplicates.</summary>
public class BillingDatabaseOutageTests(ITestOutputHelper output)
{
    [Fact]
    public async Task MariaDB_stopped_mid_run_and_started_again_ends_with_every_Cdr_exactly_once()
    {
        using var mariadb = await PrivateMariaDb.StartAsync();
        await using var sim = await AsteriskSimulator.StartAsync(new SimulatorOptions
        {
            Port = 0, TimeScale = 0.05, TimeZone = TimeZoneInfo.Utc, CdrLinkedIdAndSequence = true,
            Load = new LoadOptions
            {
                CallsPerSecond = 20, MaxConcurrent = 100, Seed = 11,
                Duration = DurationDistribution.Uniform(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(10)),
                Scripts = [new("answered", 3), new("dial-busy", 1), new("noanswer", 1)],
            },
        });
        var work = Directory.CreateTempSubdirectory("telephony-billing-outage-");
        var journal = Path.Combine(work.FullName, "data", "telephony.db");
        using var host = HostProcess.Start(work.FullName, new Dictionary<string, string>
        {
            ["TELEPHONY__NODES__0__NAME"] = "pbx1",
            ["TELEPHONY__NODES__0__HOST"] = "127.0.0.1",
            ["TELEPHONY__NODES__0__PORT"] = sim.Port.ToString(),
            ["TELEPHONY__NODES__0__USERNAME"] = "admin",
            ["TELEPHONY__NODES__0__SECRET"] = "secret",
            ["TELEPHONY__BILLING__SINKS__0__NAME"] = "mariadb",
            ["TELEPHONY__BILLING__SINKS__0__KIND"] = "mysql",
            ["TELEPHONY__BILLING__SINKS__0__CONNECTIONSTRING"] = mariadb.ConnectionString,
            ["TELEPHONY__PROGRESSINTERVAL"] = "00:00:01",
        });

        await WaitUntil(async () => await CdrRows(mariadb) > 20, "the first Cdr rows reach MariaDB", host);
        mariadb.StopServer();
        var journaledAtStop = JournalReader.CdrIdentities(journal).Count;
        await Task.Delay(TimeSpan.FromSeconds(6)); // calls keep coming while the billing database is down
        var journaledWhileDown = JournalReader.CdrIdentities(journal).Count;
        Assert.True(journaledWhileDown > journaledAtStop, "ingestion must go on while the billing database is down");
        await mariadb.StartServerAsync();

        await sim.Node.Load!.DisposeAsync();
        await WaitUntil(() => Task.FromResult(sim.Node.ActiveCalls == 0), "the simulator's calls end", host);
        await Task.Delay(3000); // the last deliveries reach the journal
        var expected = JournalReader.CdrIdentities(journal);
        await WaitUntil(async () => await CdrRows(mariadb) >= expected.Count, "the projection catches up after the outage", host);
        var (rows, distinct) = await CdrCounts(mariadb);
        output.WriteLine($"journal: {expected.Count} Cdr; MariaDB: {rows} asterisk-cdr rows ({distinct} distinct); " +
                         $"Cdr journaled while MariaDB was down: {journaledWhileDown - journaledAtStop}");

        Assert.Equal(expected.Count, rows);
        Assert.Equal(rows, distinct);
        Assert.True(host.Terminate(TimeSpan.FromSeconds(30)));
        Assert.Contains("mariadb:cdr", host.Output); // the projection reported its backoff or lag under its name
        work.Delete(recursive: true);
    }

    private static async Task<long> CdrRows(PrivateMariaDb db)
    {
        try
        {
            return (await CdrCounts(db)).Rows;
        }
        catch (MySqlException)
        {
            return 0; // not created yet, or the server is down
        }
    }

    private static async Task<(long Rows, long Distinct)> CdrCounts(PrivateMariaDb db)
    {
        await using var c = new MySqlConnection(db.ConnectionString);
        await c.OpenAsync();
        await using var q = c.CreateCommand();
        q.CommandText = "SELECT COUNT(*), COUNT(DISTINCT record_id) FROM cdr WHERE origin = 'asterisk-cdr'";
        await using var r = await q.ExecuteReaderAsync();
        await r.ReadAsync();
        return (r.GetInt64(0), r.GetInt64(1));
    }

    private static async Task WaitUntil(Func<Task<bool>> condition, string what, HostProcess host, int seconds = 120)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (DateTime.UtcNow < deadline)
        {
            if (host.HasExited) Assert.Fail($"the host exited ({host.ExitCode}) while waiting until {what}:\n{host.Output}");
            if (await condition()) return;
            await Task.Delay(500);
        }
        Assert.Fail($"timed out after {seconds}s waiting until {what}:\n{host.Output[^Math.Min(4000, host.Output.Length)..]}");
    }
}
