using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace Telephony.Host.Tests;

/// <summary>The quick start's service (demo mode, defaults) says nothing alarming when all is well, and warns, naming
/// the key, when the billing singleton really cannot run.</summary>
[Collection(SingleHostProcesses.Name)]
public partial class HealthyStartTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_healthy_start_and_stop_log_no_warning()
    {
        var work = Directory.CreateTempSubdirectory("telephony-healthy-");
        using var host = HostProcess.Start(work.FullName, new Dictionary<string, string>
        {
            ["TELEPHONY__PROGRESSINTERVAL"] = "00:00:01",
            // The singleton watch warns 10 s (not 30) after a singleton goes missing: the test outlives that.
            ["TELEPHONY__HOCON"] = "akka.cluster.singleton-proxy.singleton-identification-failure-period = 10s",
            ["TELEPHONY__DEMO__ORIGINATESPERMINUTE"] = "120",
        });

        // Healthy: the node connected and billing rows written; then one more failure period of progress lines.
        await host.WaitForOutputAsync(o => HealthyProgressLines(o) >= 12, "12 progress lines show demo-1 connected and billing rows", TimeSpan.FromMinutes(2));
        Assert.True(host.Terminate(TimeSpan.FromSeconds(30)), $"SIGTERM should stop the host:\n{host.Output}");

        Assert.Equal(0, host.ExitCode);
        Assert.DoesNotContain("ClusterSingletonProxy failed to find", host.Output);
        var warnings = WarningLines(host.Output).ToList();
        foreach (var w in warnings) output.WriteLine($"allowed: {w}");
        Assert.All(warnings, w => Assert.True(w.Contains(MachineStarvedWarning) || w.Contains(LastMemberHandOffDrop), w));
        // The demo's dialer sent Originates through the action queue, and the default sink reported them in ami_action.
        using (var billing = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(work.FullName, "data", "billing.db")};Pooling=false"))
        {
            billing.Open();
            using var count = billing.CreateCommand();
            count.CommandText = "SELECT COUNT(*) FROM ami_action WHERE action = 'Originate' AND status IN ('ended', 'failed')";
            Assert.True((long)count.ExecuteScalar()! > 0, "the demo's Originates reach ami_action");
        }
        work.Delete(recursive: true);
    }

    [Fact]
    public async Task A_billing_singleton_no_member_may_run_is_a_warning_naming_the_key()
    {
        var work = Directory.CreateTempSubdirectory("telephony-healthy-");
        using var host = HostProcess.Start(work.FullName, new Dictionary<string, string>
        {
            ["TELEPHONY__CLUSTER__BILLINGROLE"] = "billing", // and this member has no role
            ["TELEPHONY__HOCON"] = "akka.cluster.singleton-proxy.singleton-identification-failure-period = 2s",
        });

        await host.WaitForOutputAsync(o => o.Contains("cluster singleton billing-projections not found for"), "the watch warns", TimeSpan.FromMinutes(2));
        Assert.True(host.Terminate(TimeSpan.FromSeconds(30)), $"SIGTERM should stop the host:\n{host.Output}");

        var warning = WarningLines(host.Output).First(l => l.Contains("billing-projections not found", StringComparison.Ordinal));
        output.WriteLine(warning);
        Assert.Contains("no member with role 'billing' is up (Telephony:Cluster:BillingRole)", warning);
        Assert.DoesNotContain("ClusterSingletonProxy failed to find", host.Output);
        // A member without the role runs a proxy only: no singleton manager refused with an error and a stack trace.
        Assert.DoesNotContain(WarningLines(host.Output), l => l.Contains("fail:", StringComparison.Ordinal) || l.Contains("crit:", StringComparison.Ordinal));
        Assert.DoesNotContain("ClusterSingletonManager", host.Output);
        work.Delete(recursive: true);
    }

    /// <summary>Akka's heartbeat sender reports a scheduler that ran late: true when the test machine's cores are
    /// starved (several hosts and the test runner on 2 cores), so not a false alarm of the service.</summary>
    private const string MachineStarvedWarning = "Scheduled sending of heartbeat was delayed";

    /// <summary>Akka's shard dropping a message that reached it while it was handed off: at the SIGTERM of the only
    /// member a call event read in the stop's last moment can meet its shard stopping (seen once in CI; five local runs passed). Nothing
    /// takes the node over, so what it read and did not journal is the gap the next start journals from the node's
    /// last heartbeat, as for any stop of the last member.</summary>
    private const string LastMemberHandOffDrop = "buffered messages to shard";

    /// <summary>Lines at warning level or worse: the console logger's <c>warn:</c>, <c>fail:</c>, <c>crit:</c>, and
    /// the host's own <c>telephony: warning:</c> on stderr.</summary>
    public static IEnumerable<string> WarningLines(string output) =>
        output.Split('\n').Where(l => WarningLine().IsMatch(l));

    private static int HealthyProgressLines(string output) =>
        HealthyProgressLine().Matches(output).Count(m => long.Parse(m.Groups["rows"].Value) > 0);

    [GeneratedRegex(@"^\d\d:\d\d:\d\d (warn|fail|crit): |^telephony: warning:")]
    private static partial Regex WarningLine();

    [GeneratedRegex(@"billing rows (?<rows>\d+),.*demo-1 Connected")]
    private static partial Regex HealthyProgressLine();
}
