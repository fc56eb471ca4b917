using System.Diagnostics;
using Telephony.Simulator;
using Telephony.Simulator.Load;
using Xunit.Abstractions;

namespace Telephony.Host.Tests;

/// <summary>SIGINT and SIGTERM both stop the service gracefully, also when a script started it in the background
/// (which starts it with SIGINT ignored): coordinated shutdown, the AMI session logged off, exit code 0.</summary>
[Collection(SingleHostProcesses.Name)]
public class ServiceSignalTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("INT", HostLaunch.BackgroundExecutable)]
    [InlineData("TERM", HostLaunch.BackgroundExecutable)]
    [InlineData("INT", HostLaunch.BackgroundDotnetDll)]
    public async Task The_signal_stops_the_service_gracefully(string signal, HostLaunch launch)
    {
        await using var sim = await AsteriskSimulator.StartAsync(new SimulatorOptions
        {
            Port = 0, TimeScale = 0.1, TimeZone = TimeZoneInfo.Utc, CdrLinkedIdAndSequence = true,
            Load = new LoadOptions { CallsPerSecond = 5, MaxConcurrent = 50, Seed = 3 },
        });
        var work = Directory.CreateTempSubdirectory("telephony-signal-");
        using var host = HostProcess.Start(work.FullName, new Dictionary<string, string>
        {
            ["TELEPHONY__NODES__0__NAME"] = "pbx1",
            ["TELEPHONY__NODES__0__HOST"] = "127.0.0.1",
            ["TELEPHONY__NODES__0__PORT"] = sim.Port.ToString(),
            ["TELEPHONY__NODES__0__USERNAME"] = "admin",
            ["TELEPHONY__NODES__0__SECRET"] = "secret",
            ["TELEPHONY__PROGRESSINTERVAL"] = "00:00:01",
        }, launch);

        // Working: logged in (past the start-up login check) and journaling calls.
        await host.WaitForOutputAsync(JournaledSome, "pbx1 is connected and events are journaled", TimeSpan.FromMinutes(2));
        Assert.Equal(1, sim.Node.Sessions.LoggedInNow);

        var clock = Stopwatch.StartNew();
        Assert.True(host.Signal(signal, TimeSpan.FromSeconds(30)), $"SIG{signal} should stop the host:\n{host.Output}");
        output.WriteLine($"SIG{signal} ({launch}): exited with {host.ExitCode} after {clock.Elapsed.TotalSeconds:0.0} s");

        Assert.Equal(0, host.ExitCode);
        // Graceful means the node logged off (a killed process only drops the connection: "client closed").
        var sessions = sim.Node.Sessions.LoggedIn;
        Assert.NotEmpty(sessions);
        Assert.All(sessions, s => Assert.Equal("logoff", s.CloseReason));
        Assert.DoesNotContain("ClusterSingletonProxy failed to find", host.Output);
        work.Delete(recursive: true);
    }

    private static bool JournaledSome(string output) =>
        output.Split('\n').Any(l => l.Contains("pbx1 Connected", StringComparison.Ordinal) &&
                                    l.Contains("events journaled ", StringComparison.Ordinal) &&
                                    !l.Contains("events journaled 0,", StringComparison.Ordinal));
}
