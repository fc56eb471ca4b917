using System.Globalization;

namespace Telephony.Testing.Fleet;

/// <summary>
/// The size and the faults of a fleet soak (<see cref="FleetSoak"/>). <see cref="Short"/> is what the test suite runs;
/// <see cref="Full"/> the issue's day. Times are wall clock unless named simulated; the simulator's
/// <see cref="TimeScale"/> compresses every call, ring, talk and patience alike (the cluster's own timers — AMI
/// heartbeats, delivery timeouts, the split-brain resolver — run in real time, which is the harder case for them).
/// </summary>
public sealed record FleetSoakOptions
{
    public int Seed { get; init; } = 19;
    /// <summary>Simulated Asterisk nodes: the first two of every four carry ordinary calls, the other two a virtual
    /// queue's callers and agents.</summary>
    public int Nodes { get; init; } = 4;
    /// <summary>1, or 2: nodes 1-4 in region a, 5-8 in region b; m1 serves a, m2 b, m3 both.</summary>
    public int Regions { get; init; } = 1;
    public int Agents { get; init; } = 16;
    public int Callers { get; init; } = 120;
    /// <summary>How long callers keep arriving (evenly), and the ordinary calls run: the load's length.</summary>
    public TimeSpan Load { get; init; } = TimeSpan.FromSeconds(60);
    public double CallsPerSecondPerNode { get; init; } = 3;
    /// <summary>Wall seconds per simulated second.</summary>
    public double TimeScale { get; init; } = 0.05;
    /// <summary>Simulated talk time of an agent's call, min and max.</summary>
    public (double Min, double Max) TalkSeconds { get; init; } = (40, 200);
    /// <summary>Share of callers with patience (they hang up after 60-300 simulated seconds if not connected).</summary>
    public double ImpatientShare { get; init; } = 0.3;
    /// <summary>Simulated seconds a caller without patience holds before the dialplan's Wait ends and it hangs up
    /// (the PBX's hold limit): "timed out".</summary>
    public double MaxWaitSeconds { get; init; } = 2400;
    public int Kills { get; init; } = 2;
    public int Drops { get; init; } = 5;
    /// <summary>Members cut off from the others' remoting (iptables; root) until they down themselves.</summary>
    public int Partitions { get; init; } = 1;
    public bool Leave { get; init; }
    public bool NodeRestart { get; init; }
    /// <summary>MariaDB (journal and billing) stopped this long, on a server of the soak's own.</summary>
    public TimeSpan? DatabaseOutage { get; init; }

    public static FleetSoakOptions Short => new();

    /// <summary>The issue's day as far as this machine carries it: every fault, 8 nodes in 2 regions; the load's size
    /// is an option (see the README for the figures of the last run and the size it used).</summary>
    public static FleetSoakOptions Full => new()
    {
        Nodes = 8, Regions = 2, Agents = 2000, Callers = 3600, Load = TimeSpan.FromMinutes(12), CallsPerSecondPerNode = 2,
        TimeScale = 0.02, TalkSeconds = (120, 420), Kills = 20, Drops = 50, Partitions = 2, Leave = true, NodeRestart = true,
        DatabaseOutage = TimeSpan.FromSeconds(60),
    };

    /// <summary>Reads <c>--short</c> / <c>--seed N --agents N --callers N --minutes M --kills N --drops N
    /// --partitions N --time-scale X --calls-per-second X --nodes N --regions N --no-leave --no-restart --outage S</c>.</summary>
    public static FleetSoakOptions Parse(IReadOnlyList<string> args)
    {
        var o = args.Contains("--short") ? Short : Full;
        for (var i = 0; i < args.Count; i++)
        {
            string Next() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            int Int() => int.Parse(Next(), CultureInfo.InvariantCulture);
            double Double() => double.Parse(Next(), CultureInfo.InvariantCulture);
            o = args[i] switch
            {
                "--short" => o,
                "--seed" => o with { Seed = Int() },
                "--nodes" => o with { Nodes = Int() },
                "--regions" => o with { Regions = Int() },
                "--agents" => o with { Agents = Int() },
                "--callers" => o with { Callers = Int() },
                "--minutes" => o with { Load = TimeSpan.FromMinutes(Double()) },
                "--calls-per-second" => o with { CallsPerSecondPerNode = Double() },
                "--time-scale" => o with { TimeScale = Double() },
                "--kills" => o with { Kills = Int() },
                "--drops" => o with { Drops = Int() },
                "--partitions" => o with { Partitions = Int() },
                "--no-leave" => o with { Leave = false },
                "--no-restart" => o with { NodeRestart = false },
                "--outage" => o with { DatabaseOutage = Double() is var s && s > 0 ? TimeSpan.FromSeconds(s) : null },
                _ => throw new ArgumentException($"unknown option {args[i]}"),
            };
        }
        if (o.Nodes % 4 != 0) throw new ArgumentException("--nodes must be a multiple of 4");
        if (o.Regions is < 1 or > 2 || (o.Regions == 2 && o.Nodes < 8)) throw new ArgumentException("--regions is 1, or 2 with 8 nodes or more");
        return o;
    }

    public override string ToString() =>
        $"seed {Seed}, {Nodes} nodes in {Regions} region(s), {Agents} agents, {Callers} callers over {Load.TotalMinutes:0.#} min, " +
        $"{CallsPerSecondPerNode}/s ordinary calls per billed node, time x{TimeScale} ({Load.TotalSeconds / TimeScale / 3600:0.#} simulated hours); " +
        $"faults: {Kills} SIGKILLs, {Partitions} partitions, {Drops} AMI drops{(Leave ? ", a cluster leave" : "")}{(NodeRestart ? ", an Asterisk restart" : "")}" +
        (DatabaseOutage is { } d ? $", MariaDB down {d.TotalSeconds:0} s" : "");
}
