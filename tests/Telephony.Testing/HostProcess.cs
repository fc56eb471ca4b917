using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace Telephony.Testing;

/// <summary>The service as a real process (dotnet Telephony.Host.dll, or as a script's background job: see
/// <see cref="HostLaunch"/>), configured through environment variables the way the README documents, with its output
/// kept for diagnostics and for lines a test waits for.</summary>
public sealed partial class HostProcess : IDisposable
{
    // What is kept in memory: everything up to 32 M characters, then only the latest 1 M (a long soak logs far more;
    // all of it still goes to LogFile when there is one).
    private const int HeadLimit = 32 * 1024 * 1024;
    private const int TailLimit = 1024 * 1024;

    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly Queue<string> _tail = new();
    private readonly StreamWriter? _log;
    private int _tailChars;
    private long _notKept;

    private HostProcess(Process process, string? logFile)
    {
        _process = process;
        LogFile = logFile;
        if (logFile is not null) _log = new StreamWriter(logFile, append: true) { AutoFlush = false };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) Keep(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Keep(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>Where every line of the output is written, if anywhere.</summary>
    public string? LogFile { get; }

    private void Keep(string line)
    {
        lock (_output)
        {
            _log?.WriteLine(line);
            if (_output.Length + line.Length < HeadLimit)
            {
                _output.AppendLine(line);
                return;
            }
            _tail.Enqueue(line);
            _tailChars += line.Length + 1;
            while (_tailChars > TailLimit && _tail.TryDequeue(out var old))
            {
                _tailChars -= old.Length + 1;
                _notKept++;
            }
        }
    }

    public int Id => _process.Id;
    public bool HasExited => _process.HasExited;
    public int ExitCode => _process.ExitCode;
    public DateTime StartTime => _process.StartTime;

    public string Output
    {
        get
        {
            lock (_output)
            {
                if (_tail.Count == 0) return _output.ToString();
                var all = new StringBuilder(_output.Length + _tailChars + 100).Append(_output);
                if (_notKept > 0) all.AppendLine($"[... {_notKept} lines not kept in memory{(LogFile is null ? "" : ", see " + LogFile)} ...]");
                foreach (var line in _tail) all.AppendLine(line);
                return all.ToString();
            }
        }
    }

    public static HostProcess Start(string workingDirectory, IReadOnlyDictionary<string, string> environment, params string[] args) =>
        Start(workingDirectory, environment, HostLaunch.DotnetDll, args);

    public static HostProcess Start(string workingDirectory, IReadOnlyDictionary<string, string> environment, HostLaunch launch, params string[] args) =>
        Start(workingDirectory, environment, launch, null, args);

    /// <param name="logFile">A file every line of the output is also written to.</param>
    public static HostProcess Start(string workingDirectory, IReadOnlyDictionary<string, string> environment, HostLaunch launch,
        string? logFile, params string[] args)
    {
        string[] command = launch == HostLaunch.BackgroundExecutable
            ? [Binaries.ExecutableOf("Telephony.Host")]
            : ["dotnet", Binaries.Of("Telephony.Host")];
        // A background job is what `cmd &` in a script starts: POSIX has a non-interactive shell start it with SIGINT
        // and SIGQUIT ignored. exec keeps the pid, so the test signals the host itself.
        if (launch != HostLaunch.DotnetDll) command = ["/bin/sh", "-c", "trap '' INT QUIT; exec \"$0\" \"$@\"", .. command];
        var info = new ProcessStartInfo(command[0])
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var c in command[1..]) info.ArgumentList.Add(c);
        foreach (var a in args) info.ArgumentList.Add(a);
        // Several hosts may run at once (and a developer's demo on 9110): each takes a free management port.
        info.Environment["TELEPHONY__MANAGEMENT__URL"] = "http://127.0.0.1:0";
        // Several hosts share the test machine's 2 cores with the test runner: workstation GC keeps each host from
        // running a collection thread per core (the service itself ships with server GC).
        info.Environment["DOTNET_gcServer"] = "0";
        foreach (var (k, v) in environment) info.Environment[k] = v;
        info.Environment["DOTNET_ENVIRONMENT"] = "Production";
        return new HostProcess(Process.Start(info) ?? throw new InvalidOperationException("could not start the host"), logFile);
    }

    /// <summary>The <c>host:port</c> the management endpoint bound (the host logs it once Kestrel listens).</summary>
    public async Task<string> ManagementEndpointAsync(TimeSpan wait)
    {
        var deadline = DateTime.UtcNow + wait;
        while (DateTime.UtcNow < deadline)
        {
            if (ListeningLine().Match(Output) is { Success: true } m) return $"127.0.0.1:{m.Groups["port"].Value}";
            if (HasExited) throw new InvalidOperationException($"the host exited ({ExitCode}) before listening:\n{Output}");
            await Task.Delay(200);
        }
        throw new TimeoutException($"the host did not log its management endpoint within {wait}:\n{Output}");
    }

    /// <summary>SIGKILL: no shutdown hooks, no flushing — a power cut for the process.</summary>
    public void KillHard()
    {
        _process.Kill(entireProcessTree: false);
        _process.WaitForExit(10_000);
    }

    /// <summary>SIGTERM: the graceful stop an operator or an orchestrator sends.</summary>
    public bool Terminate(TimeSpan wait) => Signal("TERM", wait);

    /// <summary>Sends the signal (<c>TERM</c>, <c>INT</c>, ...) and waits for the process to exit.</summary>
    public bool Signal(string signal, TimeSpan wait)
    {
        if (_process.HasExited) return true;
        using (var kill = Process.Start("kill", [$"-{signal}", _process.Id.ToString()])) kill.WaitForExit();
        return WaitForExit(wait);
    }

    /// <summary>Waits until the output so far satisfies <paramref name="condition"/>; fails with the output when the
    /// host exits first or <paramref name="wait"/> runs out.</summary>
    public async Task WaitForOutputAsync(Func<string, bool> condition, string what, TimeSpan wait)
    {
        var deadline = DateTime.UtcNow + wait;
        while (!condition(Output))
        {
            if (HasExited) throw new InvalidOperationException($"the host exited ({ExitCode}) while waiting until {what}:\n{Output}");
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"timed out after {wait} waiting until {what}:\n{Output}");
            await Task.Delay(200);
        }
    }

    public bool WaitForExit(TimeSpan wait)
    {
        if (!_process.WaitForExit((int)wait.TotalMilliseconds)) return false;
        _process.WaitForExit(); // also drains the redirected output
        return true;
    }

    public void Dispose()
    {
        if (!_process.HasExited && !Terminate(TimeSpan.FromSeconds(15)))
        {
            try { _process.Kill(true); } catch (InvalidOperationException) { }
            _process.WaitForExit(5000);
        }
        _process.Dispose();
        lock (_output) _log?.Dispose();
    }

    [GeneratedRegex(@"management endpoint listening on http://[^\s:]+:(?<port>\d+)")]
    private static partial Regex ListeningLine();
}

/// <summary>How a test starts the service.</summary>
public enum HostLaunch
{
    /// <summary><c>dotnet Telephony.Host.dll</c>, from the test process.</summary>
    DotnetDll,

    /// <summary>The <c>Telephony.Host</c> executable as a script's background job: SIGINT and SIGQUIT ignored.</summary>
    BackgroundExecutable,

    /// <summary><c>dotnet Telephony.Host.dll</c> as a script's background job.</summary>
    BackgroundDotnetDll,
}
