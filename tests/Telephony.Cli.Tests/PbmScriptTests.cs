using System.Diagnostics;

namespace Telephony.Cli.Tests;

/// <summary>
/// <c>scripts/pbm</c>, the quick start's way to run pbm: it builds src/Telephony.Cli in Release when that has not been
/// built or a source changed, then runs it with the arguments. Run from a copy of the checkout (the script, the Cli
/// sources, the Directory.*.props), so its builds never touch the binaries the other tests run.
/// </summary>
public sealed class PbmScriptTests(DemoHost host) : IClassFixture<DemoHost>, IDisposable
{
    private const string Building = "pbm: building src/Telephony.Cli (Release)...";
    private readonly DirectoryInfo _checkout = CopyOfCheckout();

    [Fact]
    public async Task It_builds_once_runs_pbm_with_the_arguments_and_builds_again_only_after_a_source_changed()
    {
        var first = await RunScriptAsync("--help");
        Assert.Equal(0, first.ExitCode);
        Assert.StartsWith("usage: pbm <host:port>", first.Stdout);
        Assert.Equal([Building], first.ErrorLines);

        var show = await RunScriptAsync(host.Endpoint, "cluster", "show");
        Assert.Equal(0, show.ExitCode);
        Assert.Equal("Count: 1 nodes", show.Lines[^1]);
        Assert.Empty(show.Stderr); // built already: no second build

        var bad = await RunScriptAsync(host.Endpoint, "cluster", "explode");
        Assert.Equal(2, bad.ExitCode);
        Assert.StartsWith("pbm: unknown command 'cluster explode'", Assert.Single(bad.ErrorLines));

        var unreachable = await RunScriptAsync($"127.0.0.1:{PbmUsageTests.FreePort()}", "cluster", "show");
        Assert.Equal(1, unreachable.ExitCode);
        Assert.StartsWith("pbm: cannot reach the management endpoint", Assert.Single(unreachable.ErrorLines));

        // A changed source is built before it runs, once.
        var palette = Path.Combine(_checkout.FullName, "src", "Telephony.Cli", "Palette.cs");
        File.WriteAllText(palette, File.ReadAllText(palette).Replace("usage: pbm <host:port>", "usage: pbm (rebuilt) <host:port>"));
        var changed = await RunScriptAsync("--help");
        Assert.Equal(0, changed.ExitCode);
        Assert.StartsWith("usage: pbm (rebuilt) <host:port>", changed.Stdout);
        Assert.Equal([Building], changed.ErrorLines);
        var again = await RunScriptAsync("--help");
        Assert.StartsWith("usage: pbm (rebuilt) <host:port>", again.Stdout);
        Assert.Empty(again.Stderr);
    }

    private async Task<PbmRun> RunScriptAsync(params string[] args)
    {
        var info = new ProcessStartInfo(Path.Combine(_checkout.FullName, "scripts", "pbm"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = _checkout.FullName,
        };
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment.Remove("PBM_TOKEN");
        using var process = Process.Start(info) ?? throw new InvalidOperationException("could not start scripts/pbm");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5)); // a cold build on 2 busy cores
        await process.WaitForExitAsync(timeout.Token);
        return new PbmRun(process.ExitCode, await stdout, await stderr);
    }

    private static DirectoryInfo CopyOfCheckout()
    {
        var top = Binaries.RepositoryRoot;
        var copy = Directory.CreateTempSubdirectory("telephony-pbm-script-");
        Directory.CreateDirectory(Path.Combine(copy.FullName, "scripts"));
        File.Copy(Path.Combine(top, "scripts", "pbm"), Path.Combine(copy.FullName, "scripts", "pbm"));
        foreach (var props in new[] { "Directory.Build.props", "Directory.Packages.props" })
            File.Copy(Path.Combine(top, props), Path.Combine(copy.FullName, props));
        var source = Path.Combine(top, "src", "Telephony.Cli");
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(source, file);
            if (relative.StartsWith("bin" + Path.DirectorySeparatorChar) || relative.StartsWith("obj" + Path.DirectorySeparatorChar)) continue;
            var target = Path.Combine(copy.FullName, "src", "Telephony.Cli", relative);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        return copy;
    }

    public void Dispose() => _checkout.Delete(recursive: true);
}
