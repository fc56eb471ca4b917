using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace Telephony.Testing;

/// <summary>One member of a <see cref="HostCluster"/>: a real host process with its remoting address and management
/// endpoint.</summary>
public sealed class ClusterMember(string name, int port, IReadOnlyList<string> roles, HostProcess process, string endpoint)
{
    public string Name { get; } = name;
    public int Port { get; } = port;
    public IReadOnlyList<string> Roles { get; } = roles;
    public HostProcess Process { get; } = process;

    /// <summary><c>127.0.0.1:port</c> of the management endpoint (what pbm takes).</summary>
    public string Endpoint { get; } = endpoint;

    public string Address => $"akka.tcp://telephony@127.0.0.1:{Port}";

    public override string ToString() => $"{Name} ({Address}, pid {Process.Id})";
}

/// <summary>
/// Several host processes on loopback forming one cluster, configured only through the environment variables the
/// README documents: fixed remoting ports, the first member as the seed, roles per member, the rest shared.
/// </summary>
public sealed class HostCluster : IDisposable
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private readonly List<ClusterMember> _members = [];
    private readonly Dictionary<string, Dictionary<string, string>> _environments = new(StringComparer.Ordinal);
    private readonly List<(string Name, int Pid, HostProcess Process)> _ended = []; // earlier processes of restarted members, for their output

    private HostCluster(DirectoryInfo work) => Work = work;

    public DirectoryInfo Work { get; }
    public IReadOnlyList<ClusterMember> Members => _members;
    public IEnumerable<ClusterMember> Running => _members.Where(m => !m.Process.HasExited);

    public ClusterMember this[string name] => _members.Single(m => m.Name == name);

    /// <summary>Starts one process per (name, roles); every member gets <paramref name="shared"/> plus its own port,
    /// roles and the first member's address as the seed.</summary>
    public static async Task<HostCluster> StartAsync(IReadOnlyList<(string Name, string[] Roles)> members,
        IReadOnlyDictionary<string, string> shared)
    {
        var cluster = new HostCluster(Directory.CreateTempSubdirectory("telephony-cluster-"));
        var ports = members.Select(_ => FreePort()).ToArray();
        try
        {
            var started = members.Select((m, i) =>
            {
                var environment = new Dictionary<string, string>(shared)
                {
                    ["TELEPHONY__CLUSTER__HOSTNAME"] = "127.0.0.1",
                    ["TELEPHONY__CLUSTER__PORT"] = ports[i].ToString(),
                    ["TELEPHONY__CLUSTER__SEEDS__0"] = $"akka.tcp://telephony@127.0.0.1:{ports[0]}",
                };
                for (var r = 0; r < m.Roles.Length; r++) environment[$"TELEPHONY__CLUSTER__ROLES__{r}"] = m.Roles[r];
                var folder = cluster.Work.CreateSubdirectory(m.Name);
                cluster._environments[m.Name] = environment;
                return (m, port: ports[i], process: HostProcess.Start(folder.FullName, environment, HostLaunch.DotnetDll,
                    Path.Combine(folder.FullName, "host-1.log")));
            }).ToList();
            foreach (var (m, port, process) in started)
                cluster._members.Add(new ClusterMember(m.Name, port, m.Roles, process, await process.ManagementEndpointAsync(TimeSpan.FromMinutes(3))));
        }
        catch
        {
            cluster.Dispose();
            throw;
        }
        return cluster;
    }

    /// <summary>Starts a member whose process has ended again, as it was configured (same port, roles, folder and
    /// environment: its seed list still names only the first member), and returns it once its endpoint is up.</summary>
    public async Task<ClusterMember> RestartAsync(ClusterMember member)
    {
        if (!member.Process.HasExited) throw new InvalidOperationException($"{member} is still running");
        var pid = member.Process.Id;
        var folder = Path.Combine(Work.FullName, member.Name);
        var process = HostProcess.Start(folder, _environments[member.Name], HostLaunch.DotnetDll,
            Path.Combine(folder, $"host-{Directory.GetFiles(folder, "host-*.log").Length + 1}.log"));
        var restarted = new ClusterMember(member.Name, member.Port, member.Roles, process,
            await process.ManagementEndpointAsync(TimeSpan.FromMinutes(3)));
        _ended.Add((member.Name, pid, member.Process));
        _members[_members.IndexOf(member)] = restarted;
        return restarted;
    }

    /// <summary>GET a management route of a member as JSON.</summary>
    public static async Task<JsonElement> GetAsync(ClusterMember member, string path)
    {
        using var response = await Http.GetAsync($"http://{member.Endpoint}{path}");
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new HttpRequestException($"{member.Name} {path}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Status of the members as <paramref name="asker"/> sees them (address → status).</summary>
    public static async Task<Dictionary<string, string>> MemberStatusAsync(ClusterMember asker)
    {
        var view = await GetAsync(asker, "/cluster");
        return view.GetProperty("members").EnumerateArray()
            .ToDictionary(m => m.GetProperty("address").GetString()!, m => m.GetProperty("status").GetString()!);
    }

    /// <summary>Each configured node's AMI state and the member that runs its entity, as <paramref name="asker"/>
    /// finds them (node → (state, member address)); a node that did not answer has state "no answer".</summary>
    public static async Task<Dictionary<string, (string State, string? Member)>> NodesAsync(ClusterMember asker)
    {
        var view = await GetAsync(asker, "/nodes");
        return view.GetProperty("nodes").EnumerateArray().ToDictionary(
            n => n.GetProperty("node").GetString()!,
            n => n.GetProperty("status") is { ValueKind: JsonValueKind.Object } s
                ? (s.GetProperty("amiState").GetString()!, s.GetProperty("member").GetString())
                : ("no answer", (string?)null));
    }

    /// <summary>Waits until <paramref name="condition"/> holds, polling; fails with every member's recent output when
    /// it does not within <paramref name="wait"/> or when a member that should run has exited.</summary>
    public async Task WaitUntilAsync(Func<Task<bool>> condition, string what, TimeSpan wait, int pollMilliseconds = 1000)
    {
        var deadline = DateTime.UtcNow + wait;
        Exception? last = null;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                if (await condition()) return;
                last = null;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException or KeyNotFoundException or InvalidOperationException)
            {
                last = e;
            }
            await Task.Delay(pollMilliseconds);
        }
        throw new TimeoutException($"timed out after {wait} waiting until {what}{(last is null ? "" : $" (last error: {last.Message})")}\n{Diagnostics()}");
    }

    /// <summary>Waits until every running member sees <paramref name="count"/> members Up.</summary>
    public Task WaitForUpAsync(int count, TimeSpan wait) => WaitUntilAsync(async () =>
    {
        foreach (var member in Running)
        {
            var statuses = await MemberStatusAsync(member);
            if (statuses.Count != count || statuses.Values.Any(s => s != "Up")) return false;
        }
        return true;
    }, $"{count} members are Up", wait);

    /// <summary>The tail of every member's output, for a failure message.</summary>
    public string Diagnostics() => $"(whole outputs in {LogFolder} once the cluster is disposed)\n" + string.Join("\n", _members.Select(m =>
    {
        var output = m.Process.Output;
        return $"--- {m} {(m.Process.HasExited ? $"exited {m.Process.ExitCode}" : "running")}\n{output[^Math.Min(3000, output.Length)..]}";
    }));

    /// <summary>Where <see cref="Dispose"/> keeps every member's whole output (the work folder itself is deleted).</summary>
    public string LogFolder { get; } = Path.Combine(Path.GetTempPath(), "telephony-cluster-logs", DateTime.UtcNow.ToString("yyyyMMdd-HHmmss-fff"));

    public void Dispose()
    {
        foreach (var m in _members) m.Process.Dispose();
        foreach (var e in _ended) e.Process.Dispose();
        Directory.CreateDirectory(LogFolder);
        // The whole output from the log file (the memory keeps a long output's start and end only).
        void Keep(HostProcess p, string name)
        {
            var target = Path.Combine(LogFolder, name);
            if (p.LogFile is { } file && File.Exists(file)) File.Move(file, target, overwrite: true);
            else File.WriteAllText(target, p.Output);
        }
        foreach (var m in _members) Keep(m.Process, m.Name + ".log");
        foreach (var e in _ended) Keep(e.Process, $"{e.Name}-pid{e.Pid}.log");
        try
        {
            Work.Delete(recursive: true);
        }
        catch (IOException)
        {
            // a file still being released; it is a temp folder
        }
    }

    public static int FreePort() => Telephony.Testing.TestPorts.Free();
}
