using System.Diagnostics;

namespace Telephony.Testing;

/// <summary>
/// Cuts one member process off from the other members' remoting (a network partition on loopback), leaving its
/// AMI sessions, its database and its management endpoint alone — the case the split-brain resolver exists for: both
/// sides keep running and each decides on its own. Done in the kernel with iptables: the process is moved into a
/// cgroup of its own; every connection it opens to another member's remoting port is marked and dropped in both
/// directions (connmark), and so is anything sent to or from its own remoting port. Needs root and the iptables
/// package (the test script installs it); <see cref="Heal"/> removes exactly the rules it added.
/// </summary>
public sealed class NetworkPartition : IDisposable
{
    private const string CgroupRoot = "/sys/fs/cgroup/unified";
    private readonly List<string[]> _rules = [];
    private readonly string _cgroup;
    private readonly int _pid;
    private bool _healed;

    private NetworkPartition(int pid, string cgroup)
    {
        _pid = pid;
        _cgroup = cgroup;
    }

    /// <summary>Isolates process <paramref name="pid"/>, whose remoting listens on <paramref name="port"/>, from the
    /// remoting ports of the others.</summary>
    public static NetworkPartition Isolate(int pid, int port, IReadOnlyCollection<int> otherPorts)
    {
        if (!Directory.Exists(CgroupRoot))
            throw new InvalidOperationException($"a network partition needs the cgroup v2 hierarchy at {CgroupRoot}");
        var name = $"telephony-partition-{pid}";
        var path = Path.Combine(CgroupRoot, name);
        Directory.CreateDirectory(path);
        File.WriteAllText(Path.Combine(path, "cgroup.procs"), pid.ToString());
        var partition = new NetworkPartition(pid, path);
        var mark = $"0x{0x7e000 + pid % 4096:x}";
        var others = string.Join(',', otherPorts);
        try
        {
            partition.Add("-o", "lo", "-p", "tcp", "-m", "cgroup", "--path", name, "-m", "multiport", "--dports", others,
                "-j", "CONNMARK", "--set-mark", mark);
            partition.Add("-o", "lo", "-m", "connmark", "--mark", mark, "-j", "DROP");
            partition.Add("-o", "lo", "-p", "tcp", "--dport", port.ToString(), "-j", "DROP");
            partition.Add("-o", "lo", "-p", "tcp", "--sport", port.ToString(), "-j", "DROP");
            // A socket keeps the cgroup it was made in: connections the process opened before the move are found by
            // their ephemeral ports and cut both ways (the first try, without this, left one member talking to the
            // cut-off one, and the resolver downed the majority's other member as "indirectly connected").
            foreach (var local in EstablishedLocalPorts(pid, otherPorts))
            {
                partition.Add("-o", "lo", "-p", "tcp", "--sport", local.ToString(), "-j", "DROP");
                partition.Add("-o", "lo", "-p", "tcp", "--dport", local.ToString(), "-j", "DROP");
            }
        }
        catch
        {
            partition.Heal();
            throw;
        }
        return partition;
    }

    /// <summary>Local ports of the process's TCP connections to any of <paramref name="peerPorts"/> (from <c>ss</c>).</summary>
    private static List<int> EstablishedLocalPorts(int pid, IReadOnlyCollection<int> peerPorts)
    {
        var info = new ProcessStartInfo("ss", "-tnpH state established") { RedirectStandardOutput = true };
        using var ss = Process.Start(info) ?? throw new InvalidOperationException("ss did not start");
        var lines = ss.StandardOutput.ReadToEnd().Split('\n');
        ss.WaitForExit();
        var ports = new List<int>();
        foreach (var line in lines.Where(l => l.Contains($"pid={pid},", StringComparison.Ordinal)))
        {
            // Recv-Q Send-Q Local:Port Peer:Port users:(...)
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 4) continue;
            static int Port(string endpoint) => int.Parse(endpoint[(endpoint.LastIndexOf(':') + 1)..]);
            if (peerPorts.Contains(Port(fields[3]))) ports.Add(Port(fields[2]));
        }
        return ports;
    }

    private void Add(params string[] rule)
    {
        Iptables(["-A", "OUTPUT", .. rule]);
        _rules.Add(rule);
    }

    /// <summary>Removes the rules (the member's traffic flows again) and the cgroup.</summary>
    public void Heal()
    {
        if (_healed) return;
        _healed = true;
        foreach (var rule in Enumerable.Reverse(_rules))
            Iptables(["-D", "OUTPUT", .. rule]);
        try
        {
            // A process still alive goes back to the root cgroup before its own can be removed.
            if (File.Exists(Path.Combine(_cgroup, "cgroup.procs")) && File.ReadAllText(Path.Combine(_cgroup, "cgroup.procs")).Trim().Length > 0)
                File.WriteAllText(Path.Combine(CgroupRoot, "cgroup.procs"), _pid.ToString());
            Directory.Delete(_cgroup);
        }
        catch (IOException) { } // the process exited meanwhile, or the directory is already gone: nothing to undo
    }

    public void Dispose() => Heal();

    private static void Iptables(string[] arguments)
    {
        var info = new ProcessStartInfo("iptables") { RedirectStandardError = true, RedirectStandardOutput = true };
        info.ArgumentList.Add("-w");
        foreach (var a in arguments) info.ArgumentList.Add(a);
        using var process = Process.Start(info) ?? throw new InvalidOperationException("iptables did not start");
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"iptables {string.Join(' ', arguments)} failed ({process.ExitCode}): {error.Trim()}");
    }
}
