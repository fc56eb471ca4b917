using System.Diagnostics;

namespace Telephony.Testing;

/// <summary>What one <c>pbm</c> run printed and how it exited.</summary>
public sealed record PbmRun(int ExitCode, string Stdout, string Stderr)
{
    public string[] Lines => Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    public string[] ErrorLines => Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    public override string ToString() => $"exit {ExitCode}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";
}

/// <summary>Runs <c>pbm</c> as a real process (dotnet Telephony.Cli.dll), the way an operator does.</summary>
public static class Pbm
{
    public static async Task<PbmRun> RunAsync(IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Binaries.Of("Telephony.Cli"));
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment.Remove("PBM_TOKEN");
        foreach (var (k, v) in environment ?? new Dictionary<string, string>()) info.Environment[k] = v;
        using var process = Process.Start(info) ?? throw new InvalidOperationException("could not start pbm");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await process.WaitForExitAsync(timeout.Token);
        return new PbmRun(process.ExitCode, await stdout, await stderr);
    }

    public static Task<PbmRun> RunAsync(params string[] args) => RunAsync(null, args);
}
