using System.Globalization;

namespace Telephony.Testing.Fleet;

public sealed record LatencyPercentiles(int Count, double P50, double P99, double Max)
{
    public static LatencyPercentiles Of(IReadOnlyCollection<double> values)
    {
        if (values.Count == 0) return new(0, double.NaN, double.NaN, double.NaN);
        var sorted = values.Order().ToArray();
        double At(double q) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
        return new(sorted.Length, At(0.5), At(0.99), sorted[^1]);
    }

    public override string ToString() => Count == 0 ? "none"
        : string.Create(CultureInfo.InvariantCulture, $"{Count} callers, p50 {P50:0.0} ms, p99 {P99:0.0} ms, max {Max:0.0} ms");
}

/// <summary>A soak's decision latencies: every caller who joined with a free agent (the last line's p99), and split by
/// when it joined. <see cref="SlowestCalm"/> describes the slowest calm ones, for the member logs.</summary>
public sealed record DecisionLatencies(LatencyPercentiles All, LatencyPercentiles Calm, LatencyPercentiles StartUp,
    LatencyPercentiles AfterFaults, int JoinedWithAgentsBusy, IReadOnlyList<string> SlowestCalm)
{
    /// <summary>The load's first minute per 10 s of joins, p99/max ms.</summary>
    public string StartUpTimeline { get; init; } = "";
}

/// <summary>
/// What a fleet soak found. <see cref="Lost"/>, <see cref="Duplicated"/> and <see cref="DoubleBooked"/> are the
/// zeros the design promises; <see cref="Problems"/> names every promise broken (empty on a good run).
/// </summary>
public sealed record FleetSoakReport
{
    public required FleetSoakOptions Options { get; init; }
    /// <summary>Ordinary calls made on the billed nodes.</summary>
    public int Calls { get; init; }
    public int Callers { get; init; }
    public int Connected { get; init; }
    /// <summary>Callers with patience who gave up before an agent was free.</summary>
    public int Abandoned { get; init; }
    /// <summary>Callers without patience not connected by the end (only a caller the queue never saw join may be).</summary>
    public int TimedOut { get; init; }
    /// <summary>Callers whose channel the PBX hung up (an Asterisk restart).</summary>
    public int HungUpByPbx { get; init; }
    /// <summary>Callers who joined while no member held their node's session, or inside a gap its journal records:
    /// never read, or read by a member that could not hand the join on, so never queued.</summary>
    public int JoinedUnobserved { get; init; }
    /// <summary>Callers seen joining around a database outage (5 s before to 30 s after) who reached the phone's hold
    /// limit first: the queue journals before it decides, so nobody is connected while the journal is down.</summary>
    public int TimedOutInOutage { get; init; }
    /// <summary>Callers seen joining, without patience, who were never connected (outside an outage's window).</summary>
    public IReadOnlyList<string> LostCallers { get; init; } = [];
    /// <summary>Callers whose connections in the PBX's ledger are not exactly one when connected, none otherwise.</summary>
    public int ConnectionsNotMatchingOutcome { get; init; }
    public int ConnectedTwice { get; init; }
    /// <summary>Pairs of one agent's connections up at the same time (wall clock).</summary>
    public int DoubleBooked { get; init; }
    public required BillingCheck Billing { get; init; }
    public int Gaps { get; init; }
    /// <summary>Gaps journaled by a planned hand-over (leave, SIGTERM, rebalance): the design says none.</summary>
    public int HandOverGaps { get; init; }
    public required DecisionLatencies Decisions { get; init; }
    public IReadOnlyList<double> RecoverySeconds { get; init; } = [];
    /// <summary>Per partition: from the cut until the cut-off member had downed itself and exited.</summary>
    public IReadOnlyList<double> SelfDownSeconds { get; init; } = [];
    /// <summary>Members that could not reach the queue within a minute of a partition's recovery (reported; not a broken
    /// promise of the accounting: the queue served from the others).</summary>
    public IReadOnlyList<string> QueueUnreachable { get; init; } = [];
    public int AmiDrops { get; init; }
    /// <summary>Connections of a caller to an agent the PBX saw (what the queue assigned and the agent answered).</summary>
    public int Assignments { get; init; }
    public LatencyPercentiles? ProjectionLagSeconds { get; init; }
    public IReadOnlyDictionary<string, long> PeakRssKb { get; init; } = new Dictionary<string, long>();
    public IReadOnlyList<(string Member, int Pid, long[] QuarterKb)> RssFlatness { get; init; } = [];
    public double? BytesPerActiveCall { get; init; }
    public int PeakActiveCalls { get; init; }
    public int MostSessionsAtOnce { get; init; }
    public TimeSpan LongestSessionOverlap { get; init; }
    public IReadOnlyList<string> Schedule { get; init; } = [];
    /// <summary>Faults after which the cluster did not recover within the harness's waits.</summary>
    public IReadOnlyList<string> FaultsNotRecovered { get; init; } = [];

    public int Lost => LostCallers.Count + Billing.Missing;
    public int Duplicated => ConnectedTwice + Billing.Duplicated;
    public int CallsInGaps => Billing.Made - Billing.Exact;

    public IReadOnlyList<string> Problems
    {
        get
        {
            var p = new List<string>(Billing.Problems);
            p.AddRange(FaultsNotRecovered.Select(f => "not recovered from " + f));
            if (LostCallers.Count > 0) p.Add($"{LostCallers.Count} callers lost: {string.Join(", ", LostCallers.Take(30))}");
            if (ConnectedTwice > 0) p.Add($"{ConnectedTwice} callers connected twice");
            if (ConnectionsNotMatchingOutcome > 0) p.Add($"{ConnectionsNotMatchingOutcome} callers' connections do not match their outcome");
            if (DoubleBooked > 0) p.Add($"{DoubleBooked} times an agent was on two calls at once");
            if (HandOverGaps > 0) p.Add($"{HandOverGaps} gaps from planned hand-overs");
            // A hand-over's old session reads until the new one is in and its calls acknowledged: at most 25 s (the
            // drainer's wait for a new owner and for acknowledgements, NodeHandOverDesk.Timings) plus its tail.
            if (MostSessionsAtOnce > 2 || LongestSessionOverlap >= TimeSpan.FromSeconds(30))
                p.Add($"sessions of one node beyond a hand-over's overlap: {MostSessionsAtOnce} at once, longest overlap {LongestSessionOverlap.TotalSeconds:0.0} s");
            if (Callers - JoinedUnobserved - HungUpByPbx - TimedOutInOutage > Connected + Abandoned + LostCallers.Count)
                p.Add($"callers seen joining: {Callers - JoinedUnobserved}, connected {Connected} + abandoned {Abandoned} + hung up " +
                      $"{HungUpByPbx} + timed out in the outage {TimedOutInOutage} + lost {LostCallers.Count}");
            return p;
        }
    }

    /// <summary>The last line, exactly as the issue asks.</summary>
    public string Summary => string.Create(CultureInfo.InvariantCulture,
        $"soak: {Calls} calls, {Callers} callers, lost {Lost}, duplicated {Duplicated}, double-booked {DoubleBooked}, " +
        $"gaps {Gaps} ({CallsInGaps} calls), p99 {Decisions.All.P99:0.0} ms decision");

    public IEnumerable<string> Describe()
    {
        yield return $"schedule (seed {Options.Seed}):";
        foreach (var line in Schedule) yield return "  " + line;
        yield return $"calls {Calls}: outside journaled gaps {Billing.Exact}, billed {Billing.Billed} (of the {CallsInGaps} in gaps, " +
                     $"{Billing.BilledInGaps} billed), missing {Billing.Missing}, duplicated {Billing.Duplicated}";
        yield return $"callers {Callers}: connected {Connected}, abandoned {Abandoned}, timed out {TimedOut}, hung up by the PBX {HungUpByPbx}, " +
                     $"joined unobserved {JoinedUnobserved}, timed out around the database outage {TimedOutInOutage}; lost {LostCallers.Count}, connected twice {ConnectedTwice}, agents double-booked {DoubleBooked}";
        yield return $"assignments (caller connected to an agent) {Assignments}; billing projection lag, sampled every 2 s: " +
                     (ProjectionLagSeconds is { Count: > 0 } lag ? $"p99 {lag.P99:0.00} s, max {lag.Max:0.00} s" : "not sampled");
        yield return $"gaps {Gaps} (from planned hand-overs {HandOverGaps}); AMI drops {AmiDrops}; sessions of one node at once at most " +
                     $"{MostSessionsAtOnce}, longest overlap {LongestSessionOverlap.TotalSeconds:0.000} s";
        yield return $"decision latency (join -> connect Redirect) of the callers who joined with a free agent ({Decisions.JoinedWithAgentsBusy} " +
                     $"who joined with 3/4 of the agents on calls left out): all {Decisions.All}; calm {Decisions.Calm}; " +
                     $"load's first minute outside faults {Decisions.StartUp}; within 30 s after a fault {Decisions.AfterFaults}";
        if (Decisions.StartUpTimeline.Length > 0) yield return "  load's first minute outside faults, per 10 s of joins, p99/max ms: " + Decisions.StartUpTimeline;
        foreach (var slow in Decisions.SlowestCalm) yield return "  slowest calm: " + slow;
        yield return $"cut-off members downed themselves and exited after: " +
                     (SelfDownSeconds.Count == 0 ? "no partition" : string.Join(", ", SelfDownSeconds.Select(s => $"{s:0.0} s")));
        if (QueueUnreachable.Count > 0) yield return "members that could not reach the queue after a partition: " + string.Join(", ", QueueUnreachable);
        yield return $"recovery after each kill or partition (nodes connected on survivors, queue answering): " +
                     (RecoverySeconds.Count == 0 ? "none" : string.Join(", ", RecoverySeconds.Select(s => $"{s:0.0} s")) +
                         $" (max {RecoverySeconds.Max():0.0} s)");
        yield return $"peak RSS: {string.Join(", ", PeakRssKb.OrderBy(p => p.Key).Select(p => $"{p.Key} {p.Value / 1024} MB"))}; " +
                     $"peak active calls {PeakActiveCalls}; memory per active call " +
                     (BytesPerActiveCall is { } b ? $"{b / 1024:0.0} KB (slope of members' RSS over active calls)" : "not measurable here (RSS follows restarts and collections more than a few hundred calls; the memory benchmark measures it)");
        yield return "RSS per member process, average of each quarter of its life: " + string.Join(", ",
            RssFlatness.Select(f => $"{f.Member}/{f.Pid} {string.Join("->", f.QuarterKb.Select(kb => kb / 1024))} MB"));
        foreach (var problem in Problems) yield return "PROBLEM: " + problem;
        yield return Summary;
    }
}
