using System.Diagnostics;
using System.Globalization;
using Akka.Actor;
using Akka.Cluster.Sharding;
using Telephony.Actors.Nodes;
using Telephony.Ami.Actions;
using Telephony.Ami.Client;
using Telephony.Ami.Protocol;

namespace Telephony.Benchmarks;

/// <summary>
/// Memory per active call, measured in the host's own process: the simulator runs as a child process (its per-call
/// state must not be counted), the host here on SQLite (or MariaDB) with K nodes. A control AMI client with events off
/// originates N long calls (Local/long@test: answered, then ~59 s of talk scaled by --time-scale) at a steady rate;
/// once every event is journaled, two full compacting collections, and (live heap - baseline) / call entities is the
/// figure. Then the calls are hung up through AMI, they complete, bill and passivate, and the heap is measured again:
/// what it kept over the baseline, and over the previous wave, is what completed calls leave behind. The raw
/// reference: bytes of AMI text the simulator sent per call, counted by a bare socket logged in beside the host.
/// </summary>
internal static partial class MemoryBenchmark
{
    private sealed class Args
    {
        public int Calls = 3000;
        public int Nodes = 2;
        public bool MariaDb;
        public int Waves = 2;
        public double Rate = 200; // originates per second, all nodes
        public double TimeScale = 10; // long.call: answered after 0 s, talk starts after 1 s (x scale), hangs up at 60 s
        public bool GcDump;
        public string Hocon = "";
    }

    private sealed record Snap(long Live, long Heap, long Rss, long AmiBytes, long AmiEvents, int Entities)
    {
        public override string ToString() =>
            $"live heap {Live / 1048576.0,7:F1} MB, GC heap {Heap / 1048576.0,7:F1} MB, RSS {Rss / 1048576.0,7:F1} MB, call entities {Entities,6:N0}";
    }

    public static async Task<int> RunAsync(string[] argv)
    {
        var a = Parse(argv);
        Console.WriteLine($"memory: {a.Calls:N0} calls x {a.Waves} wave(s) on {a.Nodes} simulated node(s), originated at {a.Rate:F0}/s, " +
                          $"time scale {a.TimeScale}; server GC, {Environment.ProcessorCount} cores");
        await using var sim = await SimulatorProcess.StartAsync(a.Nodes, a.TimeScale);
        var journal = a.MariaDb ? await BenchJournal.MariaDbAsync() : BenchJournal.Sqlite();
        Console.WriteLine($"journal: {journal.Description}; simulator: child process {sim.Pid} ({string.Join(", ", sim.Nodes.Select(n => $"{n.Name} :{n.Port}"))})");
        var nodes = sim.Nodes.Select(n => new AsteriskNodeSettings
        {
            Name = n.Name, Host = "127.0.0.1", Port = n.Port, Username = "admin", Secret = "secret",
            AuthType = AmiAuthType.Md5, TimeZone = TimeZoneInfo.Utc,
        }).ToList();
        var host = await BenchHost.StartAsync(journal, nodes, a.Hocon);
        var controls = new List<AmiClient>();
        var counters = new List<RawAmiCounter>();
        try
        {
            foreach (var n in nodes)
            {
                var control = new AmiClient(n.ToClientOptions() with { EventMask = "off", ActionIdPrefix = "mem-" });
                await control.ConnectAsync();
                controls.Add(control);
                counters.Add(await RawAmiCounter.StartAsync(n.Port));
            }
            var wait = Stopwatch.StartNew();
            while (true)
            {
                var s = await Task.WhenAll(nodes.Select(n => host.NodeStatusAsync(n.Name)));
                if (s.All(x => x.AmiState == nameof(AmiConnectionState.Connected))) break;
                if (wait.Elapsed > TimeSpan.FromSeconds(60)) throw new TimeoutException("nodes did not connect");
                await Task.Delay(200);
            }
            await Task.Delay(2000); // let the member settle (shard coordinator, node heartbeats) before the baseline
            var baseline = await MeasureAsync(host, counters);
            Console.WriteLine($"baseline (connected, no calls): {baseline}");

            var results = new List<(Snap Peak, Snap End, int Active)>();
            var dumps = new List<Dictionary<string, (long Size, long Count)>?> { a.GcDump ? await GcDumpAsync("baseline") : null };
            for (var wave = 1; wave <= a.Waves; wave++)
            {
                Console.WriteLine($"--- wave {wave}: originating {a.Calls:N0} calls");
                var channelIds = new WaveChannels(Random.Shared.Next(), wave, a.Calls, controls.Count);
                await OriginateAsync(controls, channelIds, a.Rate);
                await Task.Delay(TimeSpan.FromSeconds(a.TimeScale * 1 + 1)); // the talk phase's first events (STREAM_BEGIN/END)
                await SettleAsync(host, nodes, counters, entities => entities >= a.Calls);
                var peak = await MeasureAsync(host, counters);
                var amiBytes = (double)(peak.AmiBytes - (results.Count > 0 ? results[^1].End.AmiBytes : baseline.AmiBytes)) / peak.Entities;
                var amiEvents = (double)(peak.AmiEvents - (results.Count > 0 ? results[^1].End.AmiEvents : baseline.AmiEvents)) / peak.Entities;
                Console.WriteLine($"peak: {peak}; simulator child RSS {SimulatorProcess.RssOf(sim.Pid) / 1048576.0:F0} MB");
                Console.WriteLine($"  per active call: {(peak.Live - baseline.Live) / peak.Entities:N0} B live heap, " +
                                  $"{(peak.Heap - baseline.Heap) / peak.Entities:N0} B GC heap, {(peak.Rss - baseline.Rss) / peak.Entities:N0} B RSS " +
                                  $"over the baseline; the AMI sent {amiEvents:F1} events, {amiBytes:N0} B of text per call so far " +
                                  $"-> the host keeps {(peak.Live - baseline.Live) / peak.Entities / amiBytes:F1} x the raw event bytes");
                if (wave > 1)
                    Console.WriteLine($"  over the end of wave {wave - 1}: {(peak.Live - results[^1].End.Live) / peak.Entities:N0} B live heap per active call");
                if (a.GcDump && await GcDumpAsync($"wave{wave}-peak") is { } peakDump && dumps[^1] is { } before)
                {
                    PrintTypeDelta(before, peakDump, peak.Entities, $"what {peak.Entities:N0} active calls added to the heap");
                    dumps.Add(peakDump);
                }

                Console.WriteLine($"--- wave {wave}: hanging up {channelIds.Count:N0} calls");
                var hung = await HangUpAsync(controls, channelIds);
                var clock = Stopwatch.StartNew();
                await SettleAsync(host, nodes, counters, entities => entities == 0, TimeSpan.FromSeconds(90));
                var end = await MeasureAsync(host, counters);
                Console.WriteLine($"completed: {hung:N0} hung up, entities passivated {clock.Elapsed.TotalSeconds:F0} s later; {end}");
                Console.WriteLine($"  kept per completed call: {(end.Live - baseline.Live) / (double)(a.Calls * wave):N0} B live heap over the baseline" +
                                  (wave > 1 ? $", {(end.Live - results[^1].End.Live) / (double)a.Calls:N0} B over the end of wave {wave - 1}" : "") +
                                  $"; RSS {(end.Rss - baseline.Rss) / 1048576.0:F1} MB over the baseline");
                results.Add((peak, end, peak.Entities));
                if (a.GcDump && await GcDumpAsync($"wave{wave}-end") is { } endDump && dumps.Count > 1 && dumps[^1] is { } atPeak)
                {
                    PrintTypeDelta(atPeak, endDump, peak.Entities, "what completion let go of", 12);
                    PrintTypeDelta(dumps[0]!, endDump, a.Calls * wave, $"what {a.Calls * wave:N0} completed calls left behind", 12);
                    dumps.Add(endDump);
                }
            }

            var first = results[0];
            var perActive = results.Max(r => (r.Peak.Live - baseline.Live) / r.Active);
            // The first wave's leftovers include one-off growth (pools, grown collections, JIT'd code's statics); a later
            // wave shows whether completed calls keep adding to them.
            var retained = a.Waves > 1
                ? (results[^1].End.Live - first.End.Live) / (a.Calls * (a.Waves - 1.0))
                : (first.End.Live - baseline.Live) / (double)a.Calls;
            var peakRss = results.Max(r => r.Peak.Rss);
            Console.WriteLine($"retained per completed call: {(a.Waves > 1 ? $"end of wave {a.Waves} vs end of wave 1" : "end vs baseline")}; " +
                              $"first wave vs baseline {(first.End.Live - baseline.Live) / (double)a.Calls:N0} B");
            var ok = perActive <= 10 * 1024;
            Console.WriteLine($"issue target <= 10 KB per active call: {(ok ? "met" : "NOT met")}");
            Console.WriteLine($"memory: {perActive:F0} bytes per active call ({results.Max(r => r.Active)} calls), {retained:F0} retained per completed call, " +
                              $"RSS {peakRss / 1048576.0:F0} MB at peak");
            return 0;
        }
        finally
        {
            foreach (var c in counters) c.Dispose();
            foreach (var c in controls) await c.DisposeAsync();
            await host.DisposeAsync();
            await journal.CleanUpAsync();
        }
    }

    private static Args Parse(string[] argv)
    {
        var a = new Args();
        for (var i = 0; i < argv.Length; i++)
        {
            string Next() => i + 1 < argv.Length ? argv[++i] : throw new ArgumentException($"{argv[i]} needs a value");
            double D() => double.Parse(Next(), CultureInfo.InvariantCulture);
            switch (argv[i])
            {
                case "--calls": a.Calls = (int)D(); break;
                case "--nodes": a.Nodes = (int)D(); break;
                case "--waves": a.Waves = Math.Max(1, (int)D()); break;
                case "--rate": a.Rate = D(); break;
                case "--time-scale": a.TimeScale = D(); break;
                case "--gcdump": a.GcDump = true; break;
                case "--hocon": a.Hocon += "\n" + Next(); break;
                case "--journal": a.MariaDb = BenchJournal.IsMariaDbOption(Next()); break;
                default: throw new ArgumentException($"unknown option {argv[i]}");
            }
        }
        return a;
    }

    /// <summary>Two full, blocking, compacting collections (the large object heap too) with finalizers between.</summary>
    private static async Task<Snap> MeasureAsync(BenchHost host, List<RawAmiCounter> counters)
    {
        var entities = await CallEntitiesAsync(host);
        for (var i = 0; i < 2; i++)
        {
            System.Runtime.GCSettings.LargeObjectHeapCompactionMode = System.Runtime.GCLargeObjectHeapCompactionMode.CompactOnce;
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }
        var live = GC.GetTotalMemory(forceFullCollection: true);
        var heap = GC.GetGCMemoryInfo().HeapSizeBytes;
        return new Snap(live, heap, SimulatorProcess.RssOf(Environment.ProcessId), counters.Sum(c => c.Bytes), counters.Sum(c => c.Events), entities);
    }

    private static async Task<int> CallEntitiesAsync(BenchHost host)
    {
        var region = ClusterSharding.Get(host.System).ShardRegion("call");
        var state = await region.Ask<CurrentShardRegionState>(GetShardRegionState.Instance, TimeSpan.FromSeconds(10));
        return state.Shards.Sum(s => s.EntityIds.Count);
    }

    /// <summary>Until the simulator sent nothing new, every CEL/Cdr received is journaled, no node holds events, and
    /// the entity count is what <paramref name="done"/> wants, for 3 s in a row.</summary>
    private static async Task SettleAsync(BenchHost host, List<AsteriskNodeSettings> nodes, List<RawAmiCounter> counters,
        Func<int, bool> done, TimeSpan? limit = null)
    {
        var clock = Stopwatch.StartNew();
        (long, long, int) last = default;
        var calm = 0;
        while (clock.Elapsed < (limit ?? TimeSpan.FromSeconds(120)))
        {
            await Task.Delay(500);
            var s = await Task.WhenAll(nodes.Select(n => host.NodeStatusAsync(n.Name)));
            var entities = await CallEntitiesAsync(host);
            var now = (counters.Sum(c => c.Events), s.Sum(x => x.EventsJournaled), entities);
            var quiet = s.All(x => x.BufferUsed == 0 && x.DeliveriesInFlight == 0 && x.EventsHeld == 0) &&
                        s.Sum(x => x.CelEvents + x.CdrEvents - x.Quarantined) == s.Sum(x => x.EventsJournaled);
            calm = quiet && now == last && done(entities) ? calm + 1 : 0;
            last = now;
            if (calm >= 6) return;
        }
        Console.WriteLine($"  (not settled after {clock.Elapsed.TotalSeconds:F0} s: AMI events {last.Item1:N0}, journaled {last.Item2:N0}, entities {last.Item3:N0})");
    }

    /// <summary>Originates round robin over the nodes at <paramref name="rate"/> per second; returns each call's
    /// ChannelId (the ;1 channel's Uniqueid and the call's LinkedID) by node.</summary>
    /// <summary>A wave's channel ids, spelled from their number when needed: a list of 3,000 strings kept by the
    /// benchmark between origination and hang-up was ~100 bytes per call counted as the host's. Same length as the
    /// "mem-" + GUID they replace (36 characters), so the host's strings cost what they did.</summary>
    private sealed record WaveChannels(int Run, int Wave, int Count, int Nodes)
    {
        public string Id(int i) => $"mem-{(uint)Run:x8}{Wave:x8}{i:x16}";
        public int NodeOf(int i) => i % Nodes;
    }

    private static async Task OriginateAsync(List<AmiClient> controls, WaveChannels wave, double rate)
    {
        var calls = wave.Count;
        var pending = new List<Task<AmiMessage>>(calls);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < calls; i++)
        {
            var due = TimeSpan.FromSeconds(i / rate) - clock.Elapsed;
            if (due > TimeSpan.FromMilliseconds(1)) await Task.Delay(due);
            var k = wave.NodeOf(i);
            var id = wave.Id(i);
            var originate = new AmiAction("Originate").Add("Channel", "Local/long@test").Add("Context", "hold").Add("Exten", "s")
                .Add("Priority", "1").Add("CallerID", "\"Memory\" <5550100>").Add("Async", "true")
                .Add("ChannelId", id).Add("OtherChannelId", id + "-2");
            pending.Add(controls[k].SendActionAsync(originate, TimeSpan.FromSeconds(30)));
        }
        var responses = await Task.WhenAll(pending);
        var failed = responses.Count(r => !r.IsSuccess);
        Console.WriteLine($"  {calls:N0} originates sent in {clock.Elapsed.TotalSeconds:F1} s{(failed > 0 ? $", {failed} refused" : "")}");
    }

    /// <summary>Hangs up each call's ;1 channel (found by its Uniqueid in CoreShowChannels): the simulator tears the
    /// whole call down (Hangup, CEL HANGUP/CHAN_END and a Cdr per channel, then LINKEDID_END).</summary>
    private static async Task<int> HangUpAsync(List<AmiClient> controls, WaveChannels calls)
    {
        var hung = 0;
        for (var k = 0; k < controls.Count; k++)
        {
            var wanted = Enumerable.Range(0, calls.Count).Where(i => calls.NodeOf(i) == k).Select(calls.Id).ToHashSet(StringComparer.Ordinal);
            var list = await controls[k].SendListActionAsync(new AmiAction("CoreShowChannels"), TimeSpan.FromSeconds(60));
            var names = (await list.ToListAsync()).Where(m => m["Uniqueid"] is { } u && wanted.Contains(u)).Select(m => m["Channel"]!).ToList();
            using var gate = new SemaphoreSlim(200);
            var pending = names.Select(async name =>
            {
                await gate.WaitAsync();
                try
                {
                    var r = await controls[k].SendActionAsync(new AmiAction("Hangup").Add("Channel", name), TimeSpan.FromSeconds(30));
                    if (r.IsSuccess) Interlocked.Increment(ref hung);
                }
                finally
                {
                    gate.Release();
                }
            }).ToList();
            await Task.WhenAll(pending);
        }
        return hung;
    }
}
