using Telephony.Simulator.Queue;

namespace Telephony.Testing.Fleet;

// The accounting at the end, from the simulator's ground truth against what the cluster recorded.
public sealed partial class FleetSoak
{
    private async Task<FleetSoakReport> AccountAsync(List<QueueCaller> callers, LedgerWatch watch, BillingCheck billing,
        MemorySampler memory, DateTimeOffset loadStarted)
    {
        var sim = _scenario.Simulator;
        var ledger = sim.VirtualQueue.Ledger;
        var gaps = await _scenario.JournaledGapsAsync();
        // A hand-over's gap counts against the hand-over unless one of the soak's own AMI drops of that node cut the
        // previous session during it (then the journal says the session "was lost": the fault's window, not the design's).
        List<(string Node, DateTimeOffset At)> drops;
        lock (_faultWindows) drops = [.. _dropsByNode];
        var handOverGaps = gaps.Count(g => g.Reason.StartsWith("node handed over", StringComparison.Ordinal)
            && !drops.Any(d => d.Node == g.Node && d.At >= g.From - TimeSpan.FromSeconds(2) && d.At <= g.To + TimeSpan.FromSeconds(1)));
        var connections = ledger.Connections;
        var byCaller = connections.GroupBy(c => (c.CallerNode, c.CallerUniqueid)).ToDictionary(g => g.Key, g => g.Count());

        // A join is the dialplan's UserEvent: one that happened while no member held its node's AMI session was never
        // read, and its caller can only time out or give up (the "calls in gaps", for callers). Margins as
        // for billing: a session's first second, and the last 8 s before it ended (what a member had read but not
        // yet handed on when it died).
        var now = DateTimeOffset.UtcNow;
        var observed = sim.Nodes.ToDictionary(n => n.Name, n => AmiSessions.Observed(n.Sessions, ClusterScenario.User, now));
        // Also unseen: a join inside a gap its node's journal records (the rule for calls): read by a member
        // that could hand nothing on — cut off by a partition, or dead before it did — so the cluster never had it.
        bool InJournaledGap(QueueCaller c, DateTimeOffset t) => gaps.Any(g => g.Node == c.NodeName &&
            t >= g.From - TimeSpan.FromSeconds(1) && t <= g.To + TimeSpan.FromSeconds(1));
        bool Seen(QueueCaller c) => c.JoinedAt is { } t && !InJournaledGap(c, t) && observed[c.NodeName].Any(w =>
            w.From + TimeSpan.FromSeconds(1) <= t && t + TimeSpan.FromSeconds(8) <= w.To);
        var unseen = callers.Where(c => !Seen(c)).ToList();
        var hungUp = callers.Count(c => c.Outcome == QueueCallerOutcome.HungUp);
        // The queue makes no decision it cannot journal: a caller who joins while the journal is down waits until it
        // is back (and the cluster has caught up), and may reach the phone's hold limit first. Counted apart, with
        // the window stated: joined from 5 s before an outage to 30 s after it.
        List<(DateTimeOffset From, DateTimeOffset To)> outages;
        lock (_faultWindows) outages = [.. _outages];
        bool InOutage(QueueCaller c) => c.JoinedAt is { } t && outages.Any(o => t >= o.From - TimeSpan.FromSeconds(5) && t <= o.To + TimeSpan.FromSeconds(30));
        var notConnected = callers.Where(Seen).Where(c => c.Outcome is not QueueCallerOutcome.Connected and not QueueCallerOutcome.HungUp
                                                          && c.Patience is null).ToList();
        var lost = notConnected.Where(c => !InOutage(c)).ToList();
        var timedOutInOutage = notConnected.Count - lost.Count;
        var wrongCount = callers.Count(c => byCaller.GetValueOrDefault((c.NodeName, c.Uniqueid)) != (c.Outcome == QueueCallerOutcome.Connected ? 1 : 0));
        var overlaps = watch.Overlaps();
        foreach (var (a, b) in overlaps.Take(30))
            Note($"OVERLAP agent {a.Connection.AgentId}@{a.Connection.AgentNode}: {a.Connection.CallerNode}/{a.Connection.CallerUniqueid} " +
                 $"seen {a.Up:HH:mm:ss.fff}-{a.Over:HH:mm:ss.fff}, then {b.Connection.CallerNode}/{b.Connection.CallerUniqueid} seen {b.Up:HH:mm:ss.fff}");
        var twice = ledger.CallersConnectedMoreThanOnce().Count;

        var sessions = sim.Nodes.Select(n => (n.Name,
            Max: AmiSessions.MaxConcurrentLoggedInSince(n.Sessions, ClusterScenario.User, loadStarted),
            Overlap: AmiSessions.LongestOverlapSince(n.Sessions, ClusterScenario.User, loadStarted, now))).ToList();

        var decisions = DecisionLatency(callers, watch, loadStarted);
        var report = new FleetSoakReport
        {
            Options = _options,
            Calls = billing.Made,
            Callers = callers.Count,
            Connected = callers.Count(c => c.Outcome == QueueCallerOutcome.Connected),
            Abandoned = callers.Count(c => c.Outcome == QueueCallerOutcome.Abandoned && c.Patience is not null),
            TimedOut = callers.Count(c => c.Outcome == QueueCallerOutcome.Abandoned && c.Patience is null),
            HungUpByPbx = hungUp,
            JoinedUnobserved = unseen.Count,
            TimedOutInOutage = timedOutInOutage,
            LostCallers = lost.Select(c => $"{c.NodeName}/{c.Uniqueid} {c.Outcome} (joined {c.JoinedAt:HH:mm:ss.fff}, first Redirect " +
                                           $"{(c.FirstRedirectAt is { } r ? r.ToString("HH:mm:ss.fff") : "none")})").ToList(),
            ConnectionsNotMatchingOutcome = wrongCount,
            ConnectedTwice = twice,
            DoubleBooked = overlaps.Count,
            Billing = billing,
            Gaps = gaps.Count,
            HandOverGaps = handOverGaps,
            Decisions = decisions,
            RecoverySeconds = [.. _recoveries],
            SelfDownSeconds = [.. _selfDowns],
            QueueUnreachable = [.. _queueUnreachable],
            AmiDrops = _drops,
            PeakRssKb = memory.PeakKb,
            ProjectionLagSeconds = memory.ProjectionLag,
            Assignments = connections.Count,
            RssFlatness = memory.Flatness(),
            BytesPerActiveCall = memory.BytesPerActiveCall(),
            PeakActiveCalls = memory.PeakActiveCalls,
            MostSessionsAtOnce = sessions.Max(s => s.Max),
            LongestSessionOverlap = sessions.Max(s => s.Overlap),
            Schedule = [.. _schedule],
            FaultsNotRecovered = [.. _faultFailures],
        };
        foreach (var line in report.Describe()) _log(line);
        return report;
    }

    /// <summary>
    /// Decision latency seen from the PBX: a caller's join (the UserEvent out) to its first connect Redirect in, for
    /// callers who joined while at least a quarter of the agents were off a call (a free agent existed, so the wait is
    /// the system's, not the queue's). Split by when the caller joined: within 30 s after a member or database fault
    /// ended or 5 s after an AMI drop (first: a fault explains more than the start does; run 21's first minute had a
    /// partition cut off the queue's member, and its 45 s decisions read as start-up), else in the load's first minute
    /// (the cluster just formed: the members' first decisions, node sessions moving to the members that joined last),
    /// or neither ("calm"). The slowest listed are the calm ones: faults explain theirs.
    /// </summary>
    private DecisionLatencies DecisionLatency(List<QueueCaller> callers, LedgerWatch watch, DateTimeOffset loadStarted)
    {
        var seen = watch.Connections;
        var agents = _options.Agents;
        List<(DateTimeOffset From, DateTimeOffset To)> faults;
        lock (_faultWindows) faults = [.. _faultWindows, .. _dropTimes.Select(t => (t, t - TimeSpan.FromSeconds(25)))];
        var counted = new List<(double Ms, QueueCaller Caller, int Busy)>();
        List<double> afterFaults = [];
        var startUp = new List<(double Ms, DateTimeOffset Joined)>();
        var joinedWithAgentsBusy = 0;
        foreach (var c in callers)
        {
            if (c.JoinedAt is not { } joined || c.FirstRedirectAt is not { } redirected) continue;
            var ms = (redirected - joined).TotalMilliseconds;
            var busy = seen.Count(s => s.Up <= joined && (s.Over ?? DateTimeOffset.MaxValue) > joined);
            if (busy > agents * 3 / 4) joinedWithAgentsBusy++;
            else if (faults.Any(f => joined >= f.From && joined <= f.To + TimeSpan.FromSeconds(30))) afterFaults.Add(ms);
            else if (joined < loadStarted + StartUp) startUp.Add((ms, joined));
            else counted.Add((ms, c, busy));
        }
        var slowest = counted.OrderByDescending(d => d.Ms).Take(5).Select(d =>
        {
            var joined = d.Caller.JoinedAt!.Value;
            var since = faults.Count == 0 ? (double?)null : faults.Select(f => (joined - f.From).TotalSeconds).MinBy(Math.Abs);
            var nearest = since switch
            {
                null => "no fault",
                >= 0 => $"the nearest fault began {since:0.0} s before the join",
                _ => $"the nearest fault began {-since:0.0} s after the join",
            };
            var waiting = callers.Count(o => o.Queue == d.Caller.Queue && o.JoinedAt < joined && (o.FirstRedirectAt ?? DateTimeOffset.MaxValue) > joined);
            return $"{d.Ms:0} ms: {d.Caller.NodeName}/{d.Caller.Uniqueid} queue {d.Caller.Queue} priority {d.Caller.Priority}, joined " +
                   $"{joined:HH:mm:ss.fff}, first Redirect {d.Caller.FirstRedirectAt:HH:mm:ss.fff}; {d.Busy} of {agents} agents on calls, " +
                   $"{waiting} earlier callers of its queue still unoffered; {nearest}";
        }).ToList();
        var calm = counted.Select(d => d.Ms).ToList();
        // The first minute per 10 s of joins: whether its slow decisions are its first seconds (code compiled on first
        // use, shards placed) or spread over it (shards moved by rebalance rounds, every 10 s).
        var timeline = string.Join(", ", startUp.GroupBy(d => (int)((d.Joined - loadStarted).TotalSeconds / 10)).OrderBy(g => g.Key)
            .Select(g => $"{g.Key * 10}-{g.Key * 10 + 10} s {LatencyPercentiles.Of(g.Select(d => d.Ms).ToList()).P99:0}/{g.Max(d => d.Ms):0}"));
        var first = startUp.Select(d => d.Ms).ToList();
        return new DecisionLatencies(LatencyPercentiles.Of([.. calm, .. first, .. afterFaults]), LatencyPercentiles.Of(calm),
            LatencyPercentiles.Of(first), LatencyPercentiles.Of(afterFaults), joinedWithAgentsBusy, slowest) { StartUpTimeline = timeline };
    }

    /// <summary>The load's first stretch, counted apart: a cluster that has just formed makes its first decisions on
    /// code not run before and still moves node sessions to the members that joined last (fault-free runs: up to 0.8 s
    /// in the load's first 10 s, under 0.13 s after them). Agent shards no longer move then: the queue keeper places
    /// them once every member is up (until the thirteenth session they moved for 70 s, with decisions of 1-4 s).</summary>
    private static readonly TimeSpan StartUp = TimeSpan.FromSeconds(60);
}
