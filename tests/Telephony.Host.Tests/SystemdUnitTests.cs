using System.Diagnostics;

namespace Telephony.Host.Tests;

/// <summary>docker/telephony.service, the example for running a member under systemd: systemd itself accepts it, and
/// it stops the service with the signal <see cref="ServiceSignalTests"/> shows to be graceful.</summary>
public class SystemdUnitTests
{
    [Fact]
    public async Task The_unit_passes_systemd_analyze_verify_and_stops_with_SIGTERM()
    {
        var unit = File.ReadAllLines(Path.Combine(Binaries.RepositoryRoot, "docker", "telephony.service"));
        string Value(string key) => Assert.Single(unit, l => l.StartsWith(key + "=", StringComparison.Ordinal))[(key.Length + 1)..];
        Assert.Equal("Telephony.Host", Path.GetFileName(Value("ExecStart")));
        Assert.Equal("SIGTERM", Value("KillSignal"));
        Assert.Equal("on-failure", Value("Restart"));
        Assert.Equal("2", Value("RestartPreventExitStatus")); // the exit code of a configuration error

        // verify checks that the executable exists and the user is known: point them at this machine's.
        var work = Directory.CreateTempSubdirectory("telephony-unit-");
        var copy = Path.Combine(work.FullName, "telephony.service");
        File.WriteAllLines(copy, unit.Select(l =>
            l.StartsWith("ExecStart=", StringComparison.Ordinal) ? "ExecStart=" + Binaries.ExecutableOf("Telephony.Host")
            : l.StartsWith("User=", StringComparison.Ordinal) ? "User=root"
            : l.StartsWith("EnvironmentFile=", StringComparison.Ordinal) ? "EnvironmentFile=-" + Path.Combine(work.FullName, "telephony.env")
            : l));
        var info = new ProcessStartInfo("systemd-analyze") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add("verify");
        info.ArgumentList.Add(copy);
        using var verify = Process.Start(info) ?? throw new InvalidOperationException("systemd-analyze (Debian package systemd) is needed");
        var stdout = verify.StandardOutput.ReadToEndAsync();
        var stderr = verify.StandardError.ReadToEndAsync();
        await verify.WaitForExitAsync();
        Assert.True(verify.ExitCode == 0 && (await stderr).Length == 0, $"systemd-analyze verify: exit {verify.ExitCode}\n{await stdout}{await stderr}");
        work.Delete(recursive: true);
    }
}
