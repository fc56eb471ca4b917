using System.Diagnostics;
using System.Text;
using Telephony.Actors.Nodes;
using Telephony.Simulator;

namespace Telephony.Benchmarks;

/// <summary>
/// The simulator at full speed: each simulated node streams a pre-built AMI byte stream (the captured calls with
/// fresh ids, <c>concurrent</c> calls interleaved event by event as a busy PBX interleaves them) as fast as TCP takes
/// it. The node's AMI client parses it into its buffer far faster than the pipeline journals it (3.6M events/s), so
/// the measured rate is the pipeline's: time from the first event journaled to the last one.
/// </summary>
internal static class ReplayIngest
{
    public sealed record Stream(byte[] Bytes, long Events, long Calls);

    /// <summary>Builds one node's stream: <paramref name="calls"/> captured calls (node-specific fresh ids), at most
    /// <paramref name="concurrent"/> in progress at once, the next event taken round-robin over the calls in
    /// progress.</summary>
    public static Stream Build(List<CallTemplate> templates, int node, int calls, int concurrent)
    {
        var text = new StringBuilder(calls * 6000);
        long events = 0, made = 0, next = 0;
        var active = new List<(CapturedCall Call, int Next)>(concurrent);
        CapturedCall? Start()
        {
            while (next < calls)
            {
                var id = node * 10_000_000L + next;
                var call = CapturedCalls.Instantiate(templates[(int)(next++ % templates.Count)], id);
                if (call is not null && call.Events.Count > 0) return call;
            }
            return null;
        }
        while (true)
        {
            while (active.Count < concurrent && Start() is { } started)
            {
                active.Add((started, 0));
                made++;
            }
            if (active.Count == 0) break;
            for (var i = 0; i < active.Count; i++)
            {
                var (call, n) = active[i];
                foreach (var h in call.Events[n].Headers) text.Append(h.Key).Append(": ").Append(h.Value).Append("\r\n");
                text.Append("\r\n");
                events++;
                active[i] = (call, n + 1);
            }
            active.RemoveAll(a => a.Next >= a.Call.Events.Count);
        }
        return new Stream(Encoding.UTF8.GetBytes("Asterisk Call Manager/9.0.0\r\n" + text), events, made);
    }

    public sealed record Result(double EventsPerSecond, JournalCount Count, bool Verified, long Events);

    public static async Task<Result> RunAsync(BenchJournal journal, string hocon, int nodes, int callsPerNode, int concurrent)
    {
        var templates = CapturedCalls.Load();
        var streams = Enumerable.Range(1, nodes).Select(n => Build(templates, n, callsPerNode, concurrent)).ToList();
        var total = streams.Sum(s => s.Events);
        Console.WriteLine($"--- replay at full speed on {journal.Description}: {nodes} node(s) x {callsPerNode:N0} captured calls " +
                          $"({concurrent} interleaved), {total:N0} CEL+Cdr events, {streams.Sum(s => s.Bytes.Length) / 1048576.0:F0} MiB");

        var sims = new List<AsteriskSimulator>();
        var settings = new List<AsteriskNodeSettings>();
        for (var i = 0; i < nodes; i++)
        {
            var sim = await AsteriskSimulator.StartAsync(new SimulatorOptions
            {
                Port = 0,
                NodeNamePrefix = $"replay{i + 1}",
                ReplayBytes = streams[i].Bytes,
                ReplayAnswersLogin = true,
                ReplayCloseAtEnd = false,
                TimeZone = TimeZoneInfo.Utc,
            });
            sims.Add(sim);
            settings.Add(IngestBenchmark.NodeFor(sim.Nodes[0]) with
            {
                EventBufferCapacity = (int)Math.Min(int.MaxValue, total + 1000),
                // The replay answers the login only: a keepalive Ping would go unanswered and look like a dead peer.
                KeepAliveInterval = TimeSpan.Zero,
            });
        }

        // The streams (hundreds of MiB on the large object heap) and the previous run's garbage are the harness's, not
        // the pipeline's: settle the heap so that they are not collected inside the measured window.
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GcLog.PrintAllocations("before the host started");
        var allocatedAtStart = GC.GetTotalAllocatedBytes(precise: true);
        var writerAtStart = Telephony.Actors.Persistence.SqliteGroupWriter.Totals;
        var mysqlAtStart = Telephony.Actors.Persistence.MySqlGroupWriter.Totals;
        var host = await BenchHost.StartAsync(journal, settings, hocon);
        try
        {
            var clock = Stopwatch.StartNew();
            var cpu = Process.GetCurrentProcess();
            TimeSpan? first = null;
            TimeSpan cpuStart = default;
            long journaled = 0, received = 0;
            int gen0 = 0, gen1 = 0, gen2 = 0;
            var pauseStart = TimeSpan.Zero;
            var lastPrint = TimeSpan.Zero;
            long lastJournaled = 0;
            long peakCommitted = 0, peakWorkingSet = 0; // sampled with each poll
            while (clock.Elapsed < TimeSpan.FromMinutes(10))
            {
                await Task.Delay(100);
                var s = await Task.WhenAll(settings.Select(n => host.NodeStatusAsync(n.Name)));
                journaled = s.Sum(x => x.EventsJournaled);
                received = s.Sum(x => x.CelEvents + x.CdrEvents);
                peakCommitted = Math.Max(peakCommitted, GC.GetGCMemoryInfo().TotalCommittedBytes);
                cpu.Refresh();
                peakWorkingSet = Math.Max(peakWorkingSet, cpu.WorkingSet64);
                if (first is null && journaled > 0)
                {
                    first = clock.Elapsed;
                    if (Environment.GetEnvironmentVariable("BENCH_GC_LOG") == "1") Console.WriteLine($"  {DateTime.UtcNow:HH:mm:ss.fff} first event journaled");
                    cpu.Refresh();
                    cpuStart = cpu.TotalProcessorTime;
                    gen0 = GC.CollectionCount(0);
                    gen1 = GC.CollectionCount(1);
                    gen2 = GC.CollectionCount(2);
                    pauseStart = GC.GetTotalPauseDuration();
                    lastPrint = clock.Elapsed;
                }
                if (first is not null && clock.Elapsed - lastPrint >= TimeSpan.FromSeconds(2))
                {
                    Console.WriteLine($"  {DateTime.UtcNow:HH:mm:ss.fff} t={(clock.Elapsed - first.Value).TotalSeconds,5:F1}s journaled {journaled,10:N0} " +
                                      $"(+{(journaled - lastJournaled) / (clock.Elapsed - lastPrint).TotalSeconds,7:N0}/s), received {received,10:N0}, " +
                                      $"buffered {s.Sum(x => (long)x.BufferUsed),9:N0}, heap {GC.GetGCMemoryInfo().HeapSizeBytes / 1048576,5:N0} MiB");
                    lastPrint = clock.Elapsed;
                    lastJournaled = journaled;
                }
                if (journaled >= total) break;
            }
            var seconds = (clock.Elapsed - (first ?? TimeSpan.Zero)).TotalSeconds;
            cpu.Refresh();
            var rate = journaled / seconds;
            Console.WriteLine($"journaled {journaled:N0} of {total:N0} events in {seconds:F2} s = {rate:N0} events/s; process CPU " +
                              $"{(cpu.TotalProcessorTime - cpuStart).TotalSeconds / seconds * 100:F0} % of one core " +
                              $"({(cpu.TotalProcessorTime - cpuStart).TotalMilliseconds * 1000 / Math.Max(1, journaled):F0} µs CPU per event); " +
                              $"GCs gen0 {GC.CollectionCount(0) - gen0}, gen1 {GC.CollectionCount(1) - gen1}, gen2 {GC.CollectionCount(2) - gen2}, paused {(GC.GetTotalPauseDuration() - pauseStart).TotalSeconds:F2} s; " +
                              $"allocated {(GC.GetTotalAllocatedBytes(precise: true) - allocatedAtStart) / (double)total:N0} bytes per event (host start included); " +
                              $"peak GC-committed {peakCommitted / 1048576.0:N0} MiB, working set {peakWorkingSet / 1048576.0:N0} MiB (the streams' {streams.Sum(x => x.Bytes.Length) / 1048576.0:N0} MiB included)");
            GcLog.PrintAllocations("host start and the measured run");
            var writer = Telephony.Actors.Persistence.SqliteGroupWriter.Totals;
            if (writer.Groups > writerAtStart.Groups)
                Console.WriteLine($"sqlite writer (the serial stage): {writer.Groups - writerAtStart.Groups:N0} transactions, " +
                                  $"{writer.Rows - writerAtStart.Rows:N0} rows, busy {(writer.Busy - writerAtStart.Busy).TotalSeconds:F2} s " +
                                  $"of the {seconds:F2} s run ({(writer.Busy - writerAtStart.Busy).TotalSeconds / seconds * 100:F0} %, pauses and waits for a core included)");
            var mysql = Telephony.Actors.Persistence.MySqlGroupWriter.Totals;
            if (mysql.Groups > mysqlAtStart.Groups)
                Console.WriteLine($"mariadb writer: {mysql.Groups - mysqlAtStart.Groups:N0} transactions, " +
                                  $"{mysql.Statements - mysqlAtStart.Statements:N0} statements, {mysql.Rows - mysqlAtStart.Rows:N0} rows");
            // Let the last billing writes land before counting.
            await Task.Delay(1000);
            var count = await JournalCount.ReadAsync(journal, host.Serializer);
            var verified = count.Events == total && count.DistinctIdentities == total;
            // The rate is the journal's own: its first event row to its last. The polled window above starts at the
            // first status answer that shows an event journaled, and a node answers between turns (a turn reads up to
            // a batch): a late first answer shortened that window and inflated the rate.
            var span = count.EventWriteSpan.TotalSeconds;
            rate = span > 0 ? count.Events / span : 0;
            Console.WriteLine($"journal clock: first event row to last {span:F2} s = {rate:N0} events/s (the measured rate); " +
                              $"events journaled per 0.5 s: {string.Join(" ", count.Timeline(TimeSpan.FromSeconds(double.TryParse(Environment.GetEnvironmentVariable("BENCH_BUCKET"), out var b) ? b : 0.5)).Select(n => $"{n / 1000.0:F0}k"))}");
            Console.WriteLine($"journal: {count.Rows:N0} rows ({count.EventRows:N0} event rows, {count.BillingRows:N0} billing rows); " +
                              $"{count.Events:N0} events, {count.DistinctIdentities:N0} distinct identities, " +
                              $"{(double)count.Events / Math.Max(1, count.EventRows):F1} events per row -> " +
                              (verified ? "every event once" : "MISMATCH"));
            return new Result(rate, count, verified, total);
        }
        finally
        {
            await host.DisposeAsync();
            foreach (var sim in sims) await sim.DisposeAsync();
        }
    }
}
