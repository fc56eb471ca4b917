using System.Diagnostics;
using System.Text;

namespace Telephony.Host.Tests;

/// <summary>The service as a real process (dotnet Telephony.Host.dll), configured through environment variables the
/// way the README documents, with its output kept for diagnostics.</summary>
public sealed class HostProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private HostProcess(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public int Id => _process.Id;
    public bool HasExited => _process.HasExited;
    public int ExitCode => _process.ExitCode;

    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    /// <summary>The host binary built next to this test project (same configuration).</summary>
    public static string HostDll
    {
        get
        {
            var testBin = AppContext.BaseDirectory; // tests/Telephony.Host.Tests/bin/<Configuration>/net10.0/
            var configuration = new DirectoryInfo(testBin.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
            var repo = Path.GetFullPath(Path.Combine(testBin, "..", "..", "..", "..", ".."));
            return Path.Combine(repo, "src", "Telephony.Host", "bin", configuration, "net10.0", "Telephony.Host.dll");
        }
    }

    public static HostProcess Start(string workingDirectory, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(HostDll);
        foreach (var a in args) info.ArgumentList.Add(a);
        foreach (var (k, v) in environment) info.Environment[k] = v;
        info.Environment["DOTNET_ENVIRONMENT"] = "Production";
        // Several hosts may run at once (and a developer's demo on 9110): each takes a free management port.
        if (!environment.ContainsKey("TELEPHONY__MANAGEMENT__URL")) info.Environment["TELEPHONY__MANAGEMENT__URL"] = "http://127.0.0.1:0";
        return new HostProcess(Process.Start(info) ?? throw new InvalidOperationException("could not start the host"));
    }

    /// <summary>SIGKILL: no shutdown hooks, no flushing — a power cut for the process.</summary>
    public void KillHard()
    {
        _process.Kill(entireProcessTree: false);
        _process.WaitForExit(10_000);
    }

    /// <summary>SIGTERM: the graceful stop an operator or an orchestrator sends.</summary>
    public bool Terminate(TimeSpan wait)
    {
        if (_process.HasExited) return true;
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString()])) kill.WaitForExit();
        return WaitForExit(wait);
    }

    public bool WaitForExit(TimeSpan wait)
    {
        if (!_process.WaitForExit((int)wait.TotalMilliseconds)) return false;
        _process.WaitForExit(); // also drains the redirected output
        return true;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            try { _process.Kill(true); } catch (InvalidOperationException) { }
            _process.WaitForExit(5000);
        }
        _process.Dispose();
    }
}
