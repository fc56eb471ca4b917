using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace Telephony.Benchmarks;

internal static partial class MemoryBenchmark
{
    /// <summary>The simulator's command-line executable as a child process (built beside by the project reference),
    /// so that its calls, channels and rendered events are not in the measured heap. Stopped with SIGTERM.</summary>
    private sealed partial class SimulatorProcess : IAsyncDisposable
    {
        private readonly Process _process;

        private SimulatorProcess(Process process, List<(string Name, int Port)> nodes)
        {
            _process = process;
            Nodes = nodes;
        }

        public int Pid => _process.Id;
        public List<(string Name, int Port)> Nodes { get; }

        public static async Task<SimulatorProcess> StartAsync(int nodes, double timeScale)
        {
            var dll = Telephony.Testing.Binaries.Of("Telephony.Simulator");
            if (!File.Exists(dll)) throw new FileNotFoundException("the simulator is not built (dotnet build bench/Telephony.Benchmarks -c Release)", dll);
            var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, UseShellExecute = false };
            foreach (var arg in new[] { dll, "--port", "0", "--nodes", nodes.ToString(CultureInfo.InvariantCulture), "--time-scale",
                         timeScale.ToString(CultureInfo.InvariantCulture), "--time-zone", "UTC", "--cdr-mappings", "--seed", "7" })
                info.ArgumentList.Add(arg);
            var process = Process.Start(info)!;
            var found = new List<(string, int)>();
            var clock = Stopwatch.StartNew();
            while (await process.StandardOutput.ReadLineAsync() is { } line && !line.StartsWith("Ctrl+C", StringComparison.Ordinal))
            {
                if (Listening().Match(line) is { Success: true } m) found.Add((m.Groups[1].Value, int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture)));
                if (clock.Elapsed > TimeSpan.FromSeconds(30)) break;
            }
            _ = Task.Run(async () =>
            {
                while (await process.StandardOutput.ReadLineAsync() is { } line) Console.WriteLine($"  [simulator] {line}");
            });
            if (found.Count != nodes) throw new InvalidOperationException($"the simulator announced {found.Count} node(s), not {nodes}");
            return new SimulatorProcess(process, found);
        }

        [GeneratedRegex(@"^(\S+): listening on \S+:(\d+)")]
        private static partial Regex Listening();

        /// <summary>VmRSS of a process, from /proc (0 where there is none).</summary>
        public static long RssOf(int pid)
        {
            try
            {
                var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
                return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
            }
            catch (IOException)
            {
                return 0;
            }
        }

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited)
            {
                Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]).WaitForExit();
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                try
                {
                    await _process.WaitForExitAsync(cts.Token);
                }
                catch (OperationCanceledException)
                {
                    _process.Kill();
                }
            }
            _process.Dispose();
        }
    }

    /// <summary>A bare socket logged in to one simulated node that only counts what it is sent: the bytes of AMI text
    /// (and messages, by their blank line) the host's session also receives. A fixed buffer, nothing kept.</summary>
    private sealed class RawAmiCounter : IDisposable
    {
        private readonly Socket _socket;
        private long _bytes;
        private long _events;

        private RawAmiCounter(Socket socket) => _socket = socket;

        public long Bytes => Interlocked.Read(ref _bytes);
        public long Events => Interlocked.Read(ref _events);

        public static async Task<RawAmiCounter> StartAsync(int port)
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync("127.0.0.1", port);
            await socket.SendAsync(Encoding.ASCII.GetBytes("Action: Login\r\nUsername: admin\r\nSecret: secret\r\n\r\n"));
            var counter = new RawAmiCounter(socket);
            _ = Task.Run(counter.ReadAsync);
            return counter;
        }

        private async Task ReadAsync()
        {
            var buffer = new byte[64 * 1024];
            var tail = 0; // how much of "\r\n\r\n" the bytes so far end with
            try
            {
                while (true)
                {
                    var n = await _socket.ReceiveAsync(buffer);
                    if (n == 0) return;
                    long messages = 0;
                    for (var i = 0; i < n; i++)
                    {
                        var b = buffer[i];
                        tail = b == (tail % 2 == 0 ? (byte)'\r' : (byte)'\n') ? tail + 1 : b == '\r' ? 1 : 0;
                        if (tail == 4)
                        {
                            messages++;
                            tail = 0;
                        }
                    }
                    Interlocked.Add(ref _bytes, n);
                    Interlocked.Add(ref _events, messages);
                }
            }
            catch (SocketException)
            {
            }
            catch (ObjectDisposedException)
            {
            }
        }

        public void Dispose() => _socket.Dispose();
    }

    /// <summary>--gcdump: a heap snapshot of this process with dotnet-gcdump (PATH or ~/.dotnet/tools; `dotnet tool
    /// install -g dotnet-gcdump`), read back as a histogram: type -> (size of one object, count). The report gives
    /// the base size of strings and arrays, so their bytes are a floor; counts are exact.</summary>
    private static async Task<Dictionary<string, (long Size, long Count)>?> GcDumpAsync(string label)
    {
        var tool = "dotnet-gcdump";
        var home = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".dotnet", "tools", tool);
        if (File.Exists(home)) tool = home;
        var file = Path.Combine(Path.GetTempPath(), $"memory-{Environment.ProcessId}-{label}.gcdump");
        if (await RunToolAsync(tool, ["collect", "-p", Environment.ProcessId.ToString(CultureInfo.InvariantCulture), "-o", file]) is null) return null;
        var report = await RunToolAsync(tool, ["report", file]);
        if (report is null) return null;
        Console.WriteLine($"  heap snapshot {label}: {file}");
        var types = new Dictionary<string, (long, long)>();
        foreach (var line in report.Split('\n'))
        {
            var parts = line.Trim().Split((char[]?)null, 3, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length < 3 || !long.TryParse(parts[0].Replace(",", ""), out var size) || !long.TryParse(parts[1].Replace(",", ""), out var count)) continue;
            var type = parts[2].Split("  [")[0];
            types[type] = types.TryGetValue(type, out var t) ? (Math.Max(t.Item1, size), t.Item2 + count) : (size, count);
        }
        return types;
    }

    /// <summary>The types whose count changed most from <paramref name="before"/> to <paramref name="after"/>, by
    /// (change in count) x (size of one), per call.</summary>
    private static void PrintTypeDelta(Dictionary<string, (long Size, long Count)> before, Dictionary<string, (long Size, long Count)> after,
        int calls, string what, int top = 25)
    {
        var rows = after.Keys.Union(before.Keys).Select(t =>
        {
            var a = after.GetValueOrDefault(t);
            var b = before.GetValueOrDefault(t);
            return (Type: t, Count: a.Count - b.Count, Bytes: a.Count * a.Size - b.Count * b.Size);
        }).Where(r => r.Count != 0).OrderByDescending(r => Math.Abs(r.Bytes)).Take(top).ToList();
        Console.WriteLine($"  {what} (count per call, base bytes per call, type):");
        foreach (var r in rows)
            Console.WriteLine($"    {(double)r.Count / calls,7:F2} {(double)r.Bytes / calls,8:F0} B  {r.Type}");
    }

    private static async Task<string?> RunToolAsync(string tool, string[] args)
    {
        try
        {
            var info = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in args) info.ArgumentList.Add(a);
            using var p = Process.Start(info)!;
            var output = p.StandardOutput.ReadToEndAsync();
            var errors = await p.StandardError.ReadToEndAsync();
            await p.WaitForExitAsync();
            if (p.ExitCode == 0) return await output;
            Console.WriteLine($"  [gcdump] {tool} failed ({p.ExitCode}): {errors.Trim()}");
            return null;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            Console.WriteLine($"  [gcdump] {tool} not found ({e.Message}): dotnet tool install -g dotnet-gcdump");
            return null;
        }
    }
}
