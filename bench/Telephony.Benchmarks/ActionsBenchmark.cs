using System.Diagnostics;
using System.Globalization;
using Akka.Actor;
using Akka.Hosting;
using Telephony.Actors.Actions;
using Telephony.Actors.Hosting;
using Telephony.Ami.Actions;
using Telephony.Ami.Client;
using Telephony.Domain.Actions;
using Telephony.Simulator;
using Telephony.Simulator.Calls;

namespace Telephony.Benchmarks;

/// <summary>
/// Originates submitted through the in-cluster API (<see cref="SubmitAction"/> to the node region) to k simulated nodes
/// with the queue's limits off, journaled, written and answered; against the raw limit, the plain
/// <see cref="AmiClient"/> sending as many Originates (Async, ChannelId) to the same simulator with no queue, in the same
/// concurrency shape. Two phases on each side: as fast as it takes them (a bounded number in flight), then paced at a
/// fixed rate for the submit-to-wire latency. Submit-to-wire is the submit call to the simulator's receipt of the
/// Originate (<c>SimulatedNode.ActionRate</c>): one AMI session per node writes in call order and the queue sends one
/// node's actions in the order of their numbers, so the k-th Originate a node received in a phase is that phase's k-th
/// action on it (checked: every receipt lies between the action's SentAt and its RespondedAt).
/// The call is the bench route <c>Local/short@bench</c>: answered, 3 events (Newchannel, OriginateResponse, Hangup),
/// no CEL, so neither the simulator nor call ingestion is what is measured.
/// </summary>
internal static partial class ActionsBenchmark
{
    private sealed class Args
    {
        public int Count = 20_000;
        public int InFlight = 2_000;
        public double PacedRate = 1_000;
        public double PacedSeconds = 10;
        public int Nodes = 4;
        public int Warmup = 2_000;
        public string Journal = "sqlite";
        public string Route = "short";
        public double TimeScale = 1.0; // the bench call talks 1 s
        public string ExtraHocon = "";
    }

    private const string ShortRoute = "Local/short@bench";

    /// <summary>An answered Originate in three events: channel up, OriginateResponse Success, after a talk of 1 s
    /// (times the time scale, 1 by default) its hangup. The queue needs exactly these to take the action Sent -> Succeeded -> Up -> Ended.</summary>
    private const string ShortScript = """
        @script bench-short
        @channel Local/short@bench
        @context hold
        @exten s

        Event: Newchannel
        Privilege: call,all
        Channel: Local/short@bench-{{local:0}};1
        ChannelState: 0
        ChannelStateDesc: Down
        CallerIDNum: <unknown>
        CallerIDName: <unknown>
        ConnectedLineNum: <unknown>
        ConnectedLineName: <unknown>
        Language: en
        AccountCode: 
        Context: bench
        Exten: short
        Priority: 1
        Uniqueid: {{uid:0}}
        Linkedid: {{uid:0}}

        Event: OriginateResponse
        Privilege: call,all
        ActionID: {{actionid}}
        Response: Success
        Channel: Local/short@bench-{{local:0}};1
        Context: hold
        Exten: s
        Reason: 4
        Uniqueid: {{uid:0}}
        CallerIDNum: {{cid.num|<unknown>}}
        CallerIDName: {{cid.name|<unknown>}}

        @wait 1000

        Event: Hangup
        Privilege: call,all
        Channel: Local/short@bench-{{local:0}};1
        ChannelState: 6
        ChannelStateDesc: Up
        CallerIDNum: <unknown>
        CallerIDName: <unknown>
        ConnectedLineNum: <unknown>
        ConnectedLineName: <unknown>
        Language: en
        AccountCode: 
        Context: hold
        Exten: s
        Priority: 2
        Uniqueid: {{uid:0}}
        Linkedid: {{uid:0}}
        Cause: 16
        Cause-txt: Normal Clearing
        """;

    // One clock for submit times and the simulator's receipts (which it keeps as origin + Stopwatch).
    private static readonly DateTimeOffset Origin = DateTimeOffset.UtcNow;
    private static readonly long OriginTicks = Stopwatch.GetTimestamp();
    private static DateTimeOffset Now() => Origin + Stopwatch.GetElapsedTime(OriginTicks);

    public static async Task<int> RunAsync(string[] argv)
    {
        var a = Parse(argv);
        var channel = a.Route switch
        {
            "short" => ShortRoute,
            "answer" => "Local/answer@test",
            "fail" => "Local/nowhere@bench", // no route: "queued", then OriginateResponse Failure (Reason 0)
            _ => throw new ArgumentException("--route short|answer|fail"),
        };
        var perNode = (a.Warmup + a.Count + (int)(a.PacedRate * a.PacedSeconds)) / a.Nodes + 1_000;
        var keepFinished = Math.Max(10_000, perNode); // every action of the run stays readable for the breakdown
        var hocon = $"""
            telephony.actions.rate-per-second = 0
            telephony.actions.max-originates-in-progress = 0
            telephony.actions.max-queued = 1000000
            telephony.actions.keep-finished = {keepFinished}
            {a.ExtraHocon}
            """;
        Console.WriteLine($"actions: {a.Nodes} simulated nodes, route {channel} (hold/s), time scale {a.TimeScale}; " +
                          $"throughput {a.Count:N0} Originates, {a.InFlight:N0} in flight; paced {a.PacedRate:N0}/s for {a.PacedSeconds} s; " +
                          $"warm-up {a.Warmup:N0} per side; journal {a.Journal}");
        Console.WriteLine($"hocon: {hocon.Trim().Replace('\n', ';')}");
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, load average at start {LoadAverage()}");

        var scripts = ScriptLibrary.BuiltIn().Add(CallScript.Parse(ShortScript));
        await using var sim = await AsteriskSimulator.StartAsync(new SimulatorOptions
        {
            Port = 0,
            Nodes = a.Nodes,
            NodeNamePrefix = "bench",
            TimeScale = a.TimeScale,
            TimeZone = TimeZoneInfo.Utc,
            Scripts = scripts,
            Dialplan = Dialplan.Default.With(new DialplanRoute(ShortRoute, "bench-short")),
            MaxSessionBacklog = 5_000_000,
        });
        var nodes = sim.Nodes.Select(IngestBenchmark.NodeFor).ToList();
        var cpu = Process.GetCurrentProcess();

        // The raw limit first, while no host is connected: the simulator broadcasts every call's events to every
        // session, and a host listening would cost the raw side CPU it does not cost the queue.
        Console.WriteLine("--- raw AMI client (one session per node, no queue)");
        var raw = new RawSide(sim, channel);
        await raw.ConnectAsync();
        await raw.ThroughputAsync(a.Warmup, a.InFlight); // warm-up, not measured
        var rawRun = await raw.ThroughputAsync(a.Count, a.InFlight, cpu);
        Console.WriteLine($"raw throughput: {a.Count:N0} Originates answered in {rawRun.Seconds:F2} s = {rawRun.PerSecond:N0}/s " +
                          $"(CPU {rawRun.CpuPercent:F0} % of one core); submit-to-wire p50 {rawRun.Wire.P50:F2} ms, p99 {rawRun.Wire.P99:F2} ms");
        var rawPaced = await raw.PacedAsync(a.PacedRate, a.PacedSeconds, cpu);
        Console.WriteLine($"raw paced {a.PacedRate:N0}/s: {rawPaced.Count:N0} Originates; submit-to-wire p50 {rawPaced.Wire.P50:F2} ms, " +
                          $"p99 {rawPaced.Wire.P99:F2} ms, max {rawPaced.Wire.Max:F2} ms");
        var rawFailed = raw.Failed;
        await raw.DisposeAsync();
        await WaitCallsEnded(sim);

        var journal = a.Journal == "mariadb" ? await BenchJournal.MariaDbAsync() : BenchJournal.Sqlite();
        Console.WriteLine($"--- queue: SubmitAction -> NodeRegion -> ActionQueue (journal {journal.Description})");
        var host = await BenchHost.StartAsync(journal, nodes, hocon);
        var ok = true;
        try
        {
            var api = new ApiSide(host, sim, channel);
            await WaitUntil(() => sim.Nodes.All(n => n.Sessions.LoggedInNow > 0), TimeSpan.FromSeconds(30), "the nodes log in");
            var warm = await api.ThroughputAsync(a.Warmup, a.InFlight, null);
            Console.WriteLine($"warm-up: {a.Warmup:N0} actions in {warm.Seconds:F2} s (not measured)");

            var run = await api.ThroughputAsync(a.Count, a.InFlight, cpu);
            Console.WriteLine($"queue throughput: {a.Count:N0} actions submitted -> all Succeeded in {run.Seconds:F2} s = {run.PerSecond:N0} actions/s " +
                              $"(all submitted in {run.SubmitSeconds:F2} s, all Up in {run.UpSeconds:F2} s; CPU {run.CpuPercent:F0} % of one core, 2 cores = 200 %; " +
                              $"GCs gen0 {run.Gen0}, gen2 {run.Gen2})");
            run.PrintBreakdown("unpaced");
            var paced = await api.PacedAsync(a.PacedRate, a.PacedSeconds, cpu);
            Console.WriteLine($"queue paced {a.PacedRate:N0}/s: {paced.Count:N0} actions in {paced.SubmitSeconds:F2} s (pacer max lag {paced.PacerLagMs:F1} ms), " +
                              $"all Succeeded {paced.Seconds:F2} s after the first; CPU {paced.CpuPercent:F0} %");
            paced.PrintBreakdown($"paced {a.PacedRate:N0}/s");

            await WaitCallsEnded(sim);
            if (!await api.WaitAllFinal(TimeSpan.FromSeconds(10)))
                Console.WriteLine("note: some actions did not reach a final status 10 s after the simulator ended every call (see final statuses): " +
                                  "an action still Up had its Hangup arrive while its Up step was being journaled, and the queue takes a Hangup " +
                                  "only for an action already Up or Unknown (ActionQueueActor.OnChannelEvents); not counted as a failure here");
            var check = await api.VerifyAsync(journal);
            var duplicates = sim.Nodes.Sum(n => n.OriginatesByChannelId.DuplicateChannelIds.Count);
            Console.WriteLine($"verify: {check.Actions:N0} actions; journal {check.Rows:N0} rows for them ({(double)check.Rows / Math.Max(1, check.Actions):F2} per action: " +
                              $"{string.Join(", ", check.RowsByStep.OrderBy(k => k.Key).Select(k => $"{k.Key} {k.Value:N0}"))}); " +
                              $"Succeeded journaled for {check.Succeeded:N0}, Up without a Succeeded step (OriginateResponse read first) {check.UpWithoutSucceeded:N0}, " +
                              $"neither {check.Actions - check.Succeeded - check.UpWithoutSucceeded:N0}; " +
                              $"final statuses {string.Join(", ", check.Final.Select(k => $"{k.Key} {k.Value:N0}"))}; " +
                              $"ChannelIds received once {check.ReceivedOnce:N0}, never {check.NeverReceived:N0}, more than once {check.ReceivedTwice:N0}; " +
                              $"simulator duplicates over the whole run (raw side included) {duplicates}; raw Originates not answered Success {rawFailed}; " +
                              $"receipts outside [SentAt, RespondedAt] {run.OutOfOrder + paced.OutOfOrder}");
            if (journal.Provider == Telephony.Actors.Persistence.JournalProvider.Sqlite)
            {
                // The journal's own limit on this machine now: as many plain rows as the throughput phase wrote, of the
                // queue's mean payload, prepared, 1,000 per transaction (IngestBenchmark's raw insert).
                var perRow = (int)(check.PayloadBytes / Math.Max(1, check.Rows));
                var rawInsert = IngestBenchmark.RawSqliteInsert(run.Writer.Rows, perRow);
                Console.WriteLine($"journal reference: the queue's rows average {perRow} payload bytes; a raw SQLite insert of {rawInsert.Rows:N0} such rows " +
                                  $"(1,000 per transaction) ran {rawInsert.RowsPerSecond:N0} rows/s here, i.e. {rawInsert.Seconds:F2} s for what the " +
                                  $"journal writer was busy {run.Writer.Busy.TotalSeconds:F2} s with in the throughput phase");
            }
 ok = check.Succeeded + check.UpWithoutSucceeded == check.Actions && check.ReceivedOnce == check.Actions && duplicates == 0 && rawFailed == 0;
            Console.WriteLine(ok ? "verify: every action answered by Asterisk (Succeeded, or Up when its OriginateResponse came first), every ChannelId received exactly once"
                : "verify: MISMATCH (see above)");

            Console.WriteLine($"unpaced: p50 {run.Wire.P50:F2} ms, p99 {run.Wire.P99:F2} ms submit-to-wire with up to {a.InFlight:N0} submissions in flight " +
                              $"(raw client {rawRun.Wire.P50:F2} / {rawRun.Wire.P99:F2} ms); paced raw client p99 {rawPaced.Wire.P99:F2} ms");
            Console.WriteLine($"machine: load average at end {LoadAverage()}");
            var ratio = run.PerSecond / rawRun.PerSecond;
            Console.WriteLine($"actions: {run.PerSecond:F0} actions/s, {ratio:F2} x of raw AMI client, p99 {paced.Wire.P99:F1} ms submit-to-wire");
        }
        finally
        {
            await host.DisposeAsync();
            await journal.CleanUpAsync();
        }
        return ok ? 0 : 1;
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
                case "--count": a.Count = (int)D(); break;
                case "--in-flight": a.InFlight = (int)D(); break;
                case "--paced-rate": a.PacedRate = D(); break;
                case "--paced-seconds": a.PacedSeconds = D(); break;
                case "--nodes": a.Nodes = (int)D(); break;
                case "--warmup": a.Warmup = (int)D(); break;
                case "--journal": a.Journal = Next(); break;
                case "--route": a.Route = Next(); break;
                case "--time-scale": a.TimeScale = D(); break;
                case "--hocon": a.ExtraHocon += "\n" + Next(); break;
                default: throw new ArgumentException($"unknown option {argv[i]}");
            }
        }
        if (a.Journal is not ("sqlite" or "mariadb")) throw new ArgumentException("--journal sqlite|mariadb");
        return a;
    }

    /// <summary>The 1/5/15-minute load averages (Linux), so a reader can tell a busy shared machine from a slow pipeline.</summary>
    private static string LoadAverage()
    {
        try
        {
            return string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "n/a";
        }
    }

    private static async Task WaitUntil(Func<bool> condition, TimeSpan limit, string what)
    {
        var sw = Stopwatch.StartNew();
        while (!condition())
        {
            if (sw.Elapsed > limit) throw new TimeoutException($"{what}: not within {limit.TotalSeconds} s");
            await Task.Delay(10);
        }
    }

    private static Task WaitCallsEnded(AsteriskSimulator sim) =>
        WaitUntil(() => sim.Nodes.All(n => n.ActiveCalls == 0), TimeSpan.FromSeconds(60), "the simulator's calls end");

    private static ActionRequest Originate(string node, string channel) =>
        new(node, "Originate",
        [
            new("Channel", channel), new("Context", "hold"), new("Exten", "s"), new("Priority", "1"),
            new("CallerID", "\"Dialer\" <5550100>"),
        ]);

    internal readonly record struct JournalWriter(long Groups, long Rows, TimeSpan Busy, long Checkpoints)
    {
        public static JournalWriter Now()
        {
            var (groups, rows, busy) = Telephony.Actors.Persistence.SqliteGroupWriter.Totals;
            return new JournalWriter(groups, rows, busy, Telephony.Actors.Persistence.SqliteGroupWriter.Checkpoints);
        }

        public static JournalWriter operator -(JournalWriter a, JournalWriter b) =>
            new(a.Groups - b.Groups, a.Rows - b.Rows, a.Busy - b.Busy, a.Checkpoints - b.Checkpoints);
    }

    internal readonly record struct Percentiles(double P50, double P90, double P99, double Max, int Count)
    {
        public static Percentiles Of(IEnumerable<double> values)
        {
            var sorted = values.Order().ToArray();
            if (sorted.Length == 0) return default;
            double At(double q) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
            return new Percentiles(At(0.50), At(0.90), At(0.99), sorted[^1], sorted.Length);
        }

        public override string ToString() => $"p50 {P50,7:F2}  p90 {P90,7:F2}  p99 {P99,7:F2}  max {Max,7:F2} ms";
    }

    /// <summary>Per node, receipts of Originates this phase, oldest first (the simulator keeps every receipt).</summary>
    private static List<DateTimeOffset>[] ReceiptMarks(AsteriskSimulator sim) =>
        sim.Nodes.Select(n => new List<DateTimeOffset>(n.ActionRate.Timestamps("Originate"))).ToArray();

    /// <summary>Calls <paramref name="submit"/> <paramref name="total"/> times at <paramref name="rate"/> per second on
    /// the schedule start + i / rate (catching up at once when late); returns the worst lag behind that schedule.</summary>
    private static async Task<double> Pace(double rate, int total, Action<int> submit)
    {
        var sw = Stopwatch.StartNew();
        double worstLag = 0;
        for (var i = 0; i < total;)
        {
            var due = Math.Min(total, (int)(sw.Elapsed.TotalSeconds * rate) + 1);
            if (i < due) worstLag = Math.Max(worstLag, sw.Elapsed.TotalMilliseconds - i / rate * 1000);
            for (; i < due; i++) submit(i);
            if (i < total) await Task.Delay(1);
        }
        return worstLag;
    }

}
