using Telephony.Simulator;

namespace Telephony.Testing.Fleet;

/// <summary>
/// Every 2 s: each running member's resident set (<c>/proc/&lt;pid&gt;/status</c> VmRSS) and the calls up in the
/// simulator (ordinary calls and queue callers). Gives each member's peak, each member process's RSS over each quarter
/// of its life (flat or growing), and the memory per active call: the slope of the members' total RSS over
/// active calls (least squares across samples taken while no member was starting). Also the billing projections'
/// lag (the largest of them, in seconds, as a member's <c>/projections</c> reports it).
/// </summary>
public sealed class MemorySampler : IDisposable
{
    private readonly HostCluster _cluster;
    private readonly AsteriskSimulator _simulator;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<(DateTimeOffset At, int ActiveCalls, long TotalKb, bool AllUp)> _samples = [];
    private readonly Dictionary<string, long> _peakKb = [];
    private readonly Dictionary<int, (string Member, List<long> Kb)> _byProcess = [];
    private readonly List<double> _lagSeconds = [];
    private readonly Task _loop;

    public MemorySampler(HostCluster cluster, AsteriskSimulator simulator)
    {
        _cluster = cluster;
        _simulator = simulator;
        _loop = Task.Run(LoopAsync);
    }

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                Sample();
                await SampleLagAsync();
            }
            catch (InvalidOperationException)
            {
                // The member list changed under the enumeration (a member restarted): the next round samples it. Run 21
                // lost its RSS and lag samples after the first kill to this, the loop's task faulted and unobserved.
            }
            try
            {
                await Task.Delay(2000, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private void Sample()
    {
        long total = 0;
        var running = 0;
        foreach (var member in _cluster.Members)
        {
            if (member.Process.HasExited || RssKb(member.Process.Id) is not { } kb) continue;
            running++;
            total += kb;
            lock (_samples)
            {
                _peakKb[member.Name] = Math.Max(_peakKb.GetValueOrDefault(member.Name), kb);
                if (!_byProcess.TryGetValue(member.Process.Id, out var p)) _byProcess[member.Process.Id] = p = (member.Name, []);
                p.Kb.Add(kb);
            }
        }
        var active = _simulator.Nodes.Sum(n => n.ActiveCalls);
        lock (_samples) _samples.Add((DateTimeOffset.UtcNow, active, total, running == _cluster.Members.Count));
    }

    private async Task SampleLagAsync()
    {
        foreach (var member in _cluster.Running)
        {
            try
            {
                var projections = (await HostCluster.GetAsync(member, "/projections")).GetProperty("projections").EnumerateArray().ToList();
                if (projections.Count == 0) continue;
                var lag = projections.Max(p => p.GetProperty("lagSeconds").GetDouble());
                lock (_samples) _lagSeconds.Add(lag);
                return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or InvalidOperationException
                                           or KeyNotFoundException or System.Text.Json.JsonException) { } // a member just killed
        }
    }

    /// <summary>The projections' lag (seconds) as sampled every 2 s: p99 and max.</summary>
    public LatencyPercentiles ProjectionLag
    {
        get { lock (_samples) return LatencyPercentiles.Of([.. _lagSeconds]); }
    }

    private static long? RssKb(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                    return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return null;
    }

    public IReadOnlyDictionary<string, long> PeakKb
    {
        get { lock (_samples) return new Dictionary<string, long>(_peakKb); }
    }

    public int PeakActiveCalls
    {
        get { lock (_samples) return _samples.Count == 0 ? 0 : _samples.Max(s => s.ActiveCalls); }
    }

    /// <summary>Per member process that lived at least 8 samples: its average RSS over each quarter of its life (a
    /// process that warms up and then holds steady rises in the first quarters only; one that keeps growing rises in
    /// every quarter).</summary>
    public IReadOnlyList<(string Member, int Pid, long[] QuarterKb)> Flatness()
    {
        lock (_samples)
            return _byProcess.Where(p => p.Value.Kb.Count >= 8).Select(p =>
            {
                var kb = p.Value.Kb;
                var quarters = Enumerable.Range(0, 4)
                    .Select(q => (long)kb.Skip(q * kb.Count / 4).Take((q + 1) * kb.Count / 4 - q * kb.Count / 4).Average())
                    .ToArray();
                return (p.Value.Member, p.Key, quarters);
            }).ToList();
    }

    /// <summary>Bytes of members' RSS per active call: the least-squares slope of total RSS over active calls, across
    /// samples with every member up; null with too few or too uniform samples.</summary>
    public double? BytesPerActiveCall()
    {
        List<(double X, double Y)> points;
        lock (_samples) points = _samples.Where(s => s.AllUp).Select(s => ((double)s.ActiveCalls, s.TotalKb * 1024.0)).ToList();
        if (points.Count < 10) return null;
        var mx = points.Average(p => p.X);
        var my = points.Average(p => p.Y);
        var sxx = points.Sum(p => (p.X - mx) * (p.X - mx));
        var syy = points.Sum(p => (p.Y - my) * (p.Y - my));
        if (sxx < 1 || syy <= 0) return null;
        var sxy = points.Sum(p => (p.X - mx) * (p.Y - my));
        // Only a slope the calls explain: with a few hundred calls, restarts and collections move RSS far more
        // (a soak once printed -120 KB per call).
        return sxy > 0 && sxy * sxy / (sxx * syy) >= 0.5 ? sxy / sxx : null;
    }

    public void Dispose()
    {
        _stop.Cancel();
        try { _loop.Wait(5000); } catch (AggregateException) { }
        _stop.Dispose();
    }
}
