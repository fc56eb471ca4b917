using Telephony.Simulator;
using Telephony.Simulator.Load;
using Xunit.Abstractions;

namespace Telephony.Host.Tests;

/// <summary>The service as a real process, killed with SIGKILL while calls stream in, and started again.</summary>
public class CrashRecoveryTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_host_killed_with_SIGKILL_mid_stream_loses_nothing_it_journaled_and_duplicates_nothing_after_restart()
    {
        // Journal and billing projection both run in the killed process: the test checks both.
        await using var sim = await AsteriskSimulator.StartAsync(new SimulatorOptions
        {
            Port = 0, TimeScale = 0.05, TimeZone = TimeZoneInfo.Utc, CdrLinkedIdAndSequence = true,
            Load = new LoadOptions
            {
                CallsPerSecond = 30, MaxConcurrent = 200, Seed = 7,
                Duration = DurationDistribution.Uniform(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(20)),
                Scripts = [new("answered", 3), new("dial-answered", 2), new("busy", 1), new("queue-answered", 1)],
            },
        });
        var work = Directory.CreateTempSubdirectory("telephony-crash-");
        var database = Path.Combine(work.FullName, "data", "telephony.db");
        var billing = Path.Combine(work.FullName, "data", "billing.db");
        var environment = new Dictionary<string, string>
        {
            ["TELEPHONY__NODES__0__NAME"] = "pbx1",
            ["TELEPHONY__NODES__0__HOST"] = "127.0.0.1",
            ["TELEPHONY__NODES__0__PORT"] = sim.Port.ToString(),
            ["TELEPHONY__NODES__0__USERNAME"] = "admin",
            ["TELEPHONY__NODES__0__SECRET"] = "secret",
            ["TELEPHONY__NODES__0__TIMEZONE"] = "UTC",
            ["TELEPHONY__PROGRESSINTERVAL"] = "00:00:01",
        };

        using (var first = HostProcess.Start(work.FullName, environment))
        {
            await WaitUntil(() => File.Exists(database) && JournalReader.Read(database).Identities.Count > 300,
                "the first host journals some events", first);
            await Task.Delay(1500); // well inside the stream: deliveries in flight, calls half done
            first.KillHard();
            Assert.True(first.HasExited);
            Assert.Equal(137, first.ExitCode); // 128 + SIGKILL: it did not get to shut down
        }
        var beforeCrash = JournalReader.Read(database);
        output.WriteLine($"journaled before SIGKILL: {beforeCrash.Identities.Count} events, {beforeCrash.BillingRows} billing rows");
        var heartbeats = JournalReader.ReadNodeJournals(database).Heartbeats;
        output.WriteLine($"node heartbeats journaled before SIGKILL: {heartbeats.Count}, last at {(heartbeats.Count > 0 ? heartbeats.Max().ToString("O") : "-")}");

        using var second = HostProcess.Start(work.FullName, environment);
        await WaitUntil(() => JournalReader.Read(database).Identities.Count > beforeCrash.Identities.Count + 300,
            "the restarted host journals new events", second);
        // The crash window (from the killed host's last heartbeat to the new session) is journaled as a gap.
        await WaitUntil(() => JournalReader.ReadNodeJournals(database).Gaps.Any(g => g.Reason.StartsWith("node (re)started", StringComparison.Ordinal)),
            "the restarted host journals the crash window as a gap", second, seconds: 60);
        await sim.Node.Load!.DisposeAsync(); // no new calls; the ones up finish
        await WaitUntil(() => sim.Node.ActiveCalls == 0, "the simulator's calls end", second);
        var settled = -1;
        await WaitUntil(() =>
        {
            var now = JournalReader.Read(database).Identities.Count;
            var stable = now == settled;
            settled = now;
            return stable;
        }, "the journal stops growing", second, pollMilliseconds: 2000);
        var cdrInJournal = JournalReader.CdrIdentities(database);
        await WaitUntil(() => JournalReader.BilledCdrRecordIds(billing).Count >= cdrInJournal.Count,
            "the billing projection catches up with the journal", second);
        Assert.True(second.Terminate(TimeSpan.FromSeconds(30)), "SIGTERM should stop the host");
        var billed = JournalReader.BilledCdrRecordIds(billing);
        output.WriteLine($"billing: {billed.Count} asterisk-cdr rows for {cdrInJournal.Count} Cdr records in the journal");
        Assert.Equal(cdrInJournal.Order(), billed.Order()); // every journaled Cdr is one row: none lost, none twice
        var after = JournalReader.Read(database);
        output.WriteLine($"after restart: {after.Identities.Count} events, {after.BillingRows} billing rows");

        Assert.Equal(after.Identities.Count, after.Identities.Distinct().Count()); // nothing twice
        Assert.Empty(beforeCrash.Identities.Except(after.Identities)); // nothing journaled was lost
        Assert.True(after.BillingRows > beforeCrash.BillingRows);
        Assert.Contains("node (re)started", second.Output); // and logged

        // A third start: node show counts the node's gaps from its journal (both restarts), not only its own one.
        using (var third = HostProcess.Start(work.FullName, environment))
        {
            var endpoint = await third.ManagementEndpointAsync(TimeSpan.FromSeconds(60));
            await WaitUntil(() => JournalReader.ReadNodeJournals(database).Gaps.Count(g => g.Reason.StartsWith("node (re)started", StringComparison.Ordinal)) >= 2,
                "the third host journals its start as a gap", third, seconds: 60);
            var journaled = JournalReader.ReadNodeJournals(database).Gaps.Count;
            var show = await Pbm.RunAsync(endpoint, "node", "show", "pbx1");
            Assert.True(show.ExitCode == 0, show.ToString());
            var gaps = Assert.Single(show.Lines, l => l.StartsWith("Gaps", StringComparison.Ordinal));
            Assert.Equal(journaled.ToString(System.Globalization.CultureInfo.InvariantCulture), gaps.Split(' ', StringSplitOptions.RemoveEmptyEntries)[^1]);
            Assert.True(third.Terminate(TimeSpan.FromSeconds(30)), "SIGTERM should stop the host");
        }
        work.Delete(recursive: true);
    }

    private static async Task WaitUntil(Func<bool> condition, string what, HostProcess host, int seconds = 90, int pollMilliseconds = 250)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (DateTime.UtcNow < deadline)
        {
            if (host.HasExited) Assert.Fail($"the host exited ({host.ExitCode}) while waiting until {what}:\n{host.Output}");
            try
            {
                if (condition()) return;
            }
            catch (Microsoft.Data.Sqlite.SqliteException)
            {
                // the file is being created
            }
            await Task.Delay(pollMilliseconds);
        }
        Assert.Fail($"timed out after {seconds}s waiting until {what}:\n{host.Output[^Math.Min(4000, host.Output.Length)..]}");
    }
}
