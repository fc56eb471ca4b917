using System.Diagnostics;
using System.Diagnostics.Tracing;

namespace Telephony.Benchmarks;

/// <summary>With BENCH_GC_LOG=1: one line per garbage collection (generation, reason, pause, what survived), from
/// the runtime's own GC events. A diagnostic for where the pipeline's pauses come from; off by default.</summary>
internal sealed class GcLog : EventListener
{
    private static GcLog? s_log;
    private DateTime _start;
    private double _tookMs;
    private int _gen;
    private string _reason = "";

    private static readonly bool s_allocations = Environment.GetEnvironmentVariable("BENCH_GC_LOG") == "alloc";
    private readonly Dictionary<string, long> _allocatedByType = new();

    /// <summary>BENCH_GC_LOG=1: a line per collection; BENCH_GC_LOG=alloc: sampled allocations by type (the runtime's
    /// allocation tick, one per ~100 KB), printed by <see cref="PrintAllocations"/>.</summary>
    public static void StartIfAsked()
    {
        if (Environment.GetEnvironmentVariable("BENCH_GC_LOG") is "1" or "alloc") s_log ??= new GcLog();
    }

    /// <summary>Prints the sampled allocations since the last call, by type, and starts over.</summary>
    public static void PrintAllocations(string what)
    {
        if (s_log is null || !s_allocations) return;
        lock (s_log._allocatedByType)
        {
            var total = s_log._allocatedByType.Values.Sum();
            Console.WriteLine($"  [alloc] {what}: {total / 1048576.0:N0} MiB sampled");
            foreach (var (type, bytes) in s_log._allocatedByType.OrderByDescending(kv => kv.Value).Take(30))
                Console.WriteLine($"  [alloc] {bytes * 100.0 / total,5:F1} %  {type}");
            s_log._allocatedByType.Clear();
        }
    }

    protected override void OnEventSourceCreated(EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime")
            EnableEvents(source, s_allocations ? EventLevel.Verbose : EventLevel.Informational, (EventKeywords)0x1 /* GC */);
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (s_allocations)
        {
            if (e.EventName == "GCAllocationTick_V4")
                lock (_allocatedByType)
                {
                    var type = (e.Payload![5]?.ToString() ?? "?") + (Convert.ToInt32(e.Payload[1]) == 1 ? " (large object heap)" : "");
                    _allocatedByType[type] = _allocatedByType.GetValueOrDefault(type) + Convert.ToInt64(e.Payload[3]);
                }
            return;
        }
        switch (e.EventName)
        {
            case "GCStart_V2":
                _start = e.TimeStamp;
                _gen = Convert.ToInt32(e.Payload![1]);
                _reason = e.Payload[2]?.ToString() ?? "";
                break;
            case "GCHeapStats_V2":
                var p = e.Payload!;
                static double M(object? o) => Convert.ToUInt64(o) / 1048576.0;
                Console.WriteLine($"  [gc] {_start:HH:mm:ss.fff} gen{_gen} {_tookMs,4:F0} ms, reason {_reason}: " +
                                  $"gen0 {M(p[0]):F0} MiB (promoted {M(p[1]):F0}), gen1 {M(p[2]):F0} (promoted {M(p[3]):F0}), " +
                                  $"gen2 {M(p[4]):F0}, loh {M(p[6]):F0}, poh {M(p[14]):F0}");
                break;
            case "GCEnd_V1":
                _tookMs = (e.TimeStamp - _start).TotalMilliseconds;
                break;
        }
    }
}
