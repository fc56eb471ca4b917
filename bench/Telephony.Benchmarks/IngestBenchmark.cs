using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using MySqlConnector;
using Telephony.Actors.Nodes;
using Telephony.Actors.Persistence;
using Telephony.Ami.Client;
using Telephony.Simulator;
using Telephony.Simulator.Load;

namespace Telephony.Benchmarks;

/// <summary>
/// By default the simulator at full speed (<see cref="ReplayIngest"/>: k nodes each streaming captured calls as fast
/// as TCP takes them) -> AsteriskNode entities -> Call entities -> a fresh SQLite journal (and MariaDB with --mariadb),
/// against a raw batched insert of one row per event. With --load: the simulator under load (k nodes, tiny time
/// scale) instead, which is simulator-bound on this machine. Load mode counts CEL+Cdr events journaled per second over a steady window after a
/// warm-up, then stops the load, lets the journal catch up and reads every row back to check that each event is there
/// once. In the same run it inserts as many plain rows as there were events (one row per event, the journal's row
/// shape and the measured payload size per event) with prepared commands in transactions of 1,000: the ratio says how
/// close the actor pipeline comes to that limit. It also measures what the simulator alone produces (drained by bare
/// AMI clients), so the reader can tell whether the simulator or the pipeline was the bottleneck.
/// </summary>
internal static class IngestBenchmark
{
    private sealed class Args
    {
        public bool MariaDb;
        public double Seconds = 20;
        public double Warmup = 5;
        public int Nodes = 2;
        public double CallsPerSecond = 150; // per node: near what the pipeline sustains here; more starves it of CPU (see the report)
        public int MaxConcurrent = 4000; // per node
        public double TimeScale = 0.0002;
        public int? DeliveryBatch;
        public string ExtraHocon = "";
        public double SimOnlySeconds = 6;
        public string Mix = "demo";
        public bool Load;
        public int ReplayCalls = 8000;
        public int Concurrent = 1000;
        public int WarmupCalls = 1000; // per node, replay mode: a pass that is not measured
        public int Repeat = 3; // replay mode: measured passes; the median is reported
        public bool RawBackgroundCheckpoint; // the raw side checkpoints on a thread of its own, as the journal writer does
    }

    public static async Task<int> RunAsync(string[] argv)
    {
        var a = Parse(argv);
        var hocon = a.ExtraHocon;
        if (a.DeliveryBatch is { } batch) hocon += $"\ntelephony.nodes.delivery-batch-size = {batch}";
        if (a.Load)
            Console.WriteLine($"load: {a.Nodes} simulated node(s) x {a.CallsPerSecond:F0} calls/s (max {a.MaxConcurrent} up), " +
                              $"time scale {a.TimeScale}, mix '{a.Mix}'; warm-up {a.Warmup:F0} s, window {a.Seconds:F0} s");
        if (!string.IsNullOrWhiteSpace(hocon)) Console.WriteLine($"hocon overrides: {hocon.Trim().Replace('\n', ';')}");

        if (!a.Load)
        {
            // The default: the simulator streams captured calls at full speed; the pipeline is the bottleneck.
            if (a.WarmupCalls > 0)
            {
                // A service runs for days: what it sustains is the rate of compiled code. A fresh process spends its
                // first seconds in the JIT (tiered compilation, PGO instrumentation): in a 10 s run that alone moved
                // the figure by half. So both sides run once, unmeasured, in this process first.
                Console.WriteLine($"warm-up (not measured): {a.WarmupCalls:N0} calls per node through the same pipeline, and a raw insert");
                var wj = BenchJournal.Sqlite();
                await ReplayIngest.RunAsync(wj, hocon, a.Nodes, a.WarmupCalls, Math.Min(a.Concurrent, a.WarmupCalls));
                await wj.CleanUpAsync();
                RawSqliteInsert(50_000, 450);
                Console.WriteLine("--- measured run");
            }
            // The same pass several times, each with its own raw insert right after it: on a shared 2-core machine one
            // pass of ~4 s moves by a fifth from run to run, so the figure is the median, not the luck of one pass.
            var passes = new List<(ReplayIngest.Result Run, RawResult Raw)>();
            for (var pass = 1; pass <= a.Repeat; pass++)
            {
                if (a.Repeat > 1) Console.WriteLine($"--- measured pass {pass} of {a.Repeat}");
                var rj = BenchJournal.Sqlite();
                var run = await ReplayIngest.RunAsync(rj, hocon, a.Nodes, a.ReplayCalls, a.Concurrent);
                await rj.CleanUpAsync();
                var passRaw = RawSqliteInsert(run.Count.Events, (int)(run.Count.PayloadBytes / Math.Max(1, run.Count.Events)), a.RawBackgroundCheckpoint);
                Console.WriteLine($"raw batched insert (SQLite WAL, prepared, 1000 rows/transaction, {passRaw.BlobBytes}-byte blob per row" +
                                  $"{(a.RawBackgroundCheckpoint ? ", checkpoints on a thread of their own" : "")}): " +
                                  $"{passRaw.Rows:N0} rows in {passRaw.Seconds:F2} s = {passRaw.RowsPerSecond:N0} rows/s");
                Console.WriteLine($"pass {pass}: {run.EventsPerSecond:F0} events/s, {run.EventsPerSecond / passRaw.RowsPerSecond:F2} x of raw batched insert");
                passes.Add((run, passRaw));
            }
            var rates = passes.Select(p => p.Run.EventsPerSecond).Order().ToList();
            var ratios = passes.Select(p => p.Run.EventsPerSecond / p.Raw.RowsPerSecond).Order().ToList();
            var medianRate = rates[rates.Count / 2];
            var medianRatio = ratios[ratios.Count / 2];
            if (a.Repeat > 1)
                Console.WriteLine($"passes: {string.Join(", ", passes.Select(p => $"{p.Run.EventsPerSecond:F0} ({p.Run.EventsPerSecond / p.Raw.RowsPerSecond:F2} x)"))}; " +
                                  $"median {medianRate:F0} events/s, median ratio {medianRatio:F2} x");
            var ok = passes.All(p => p.Run.Verified);
            if (a.MariaDb)
            {
                var maria = await BenchJournal.MariaDbAsync();
                var m = await ReplayIngest.RunAsync(maria, hocon, a.Nodes, a.ReplayCalls, a.Concurrent);
                var mraw = await RawMariaDbInsertAsync(maria, m.Count.Events, (int)(m.Count.PayloadBytes / Math.Max(1, m.Count.Events)));
                Console.WriteLine($"raw batched insert (MariaDB, 1000 rows per multi-row INSERT, one transaction each): {mraw.Rows:N0} rows " +
                                  $"in {mraw.Seconds:F2} s = {mraw.RowsPerSecond:N0} rows/s");
                Console.WriteLine($"mariadb: {m.EventsPerSecond:F0} events/s, {m.EventsPerSecond / mraw.RowsPerSecond:F2} x of raw batched insert");
                await maria.CleanUpAsync();
                ok &= m.Verified;
            }
            Console.WriteLine($"ingest: {medianRate:F0} events/s, {medianRatio:F2} x of raw batched insert");
            return ok ? 0 : 1;
        }

        double simOnly = 0;
        if (a.SimOnlySeconds > 0)
        {
            simOnly = await SimulatorOnlyAsync(a);
            Console.WriteLine($"simulator alone (drained by bare AMI clients): {simOnly:N0} CEL+Cdr events/s");
        }

        var sqlite = BenchJournal.Sqlite();
        var result = await PipelineAsync(a, sqlite, hocon);
        var raw = RawSqliteInsert(result.Count.Events, (int)(result.Count.PayloadBytes / Math.Max(1, result.Count.Events)));
        Console.WriteLine($"raw batched insert (SQLite WAL, prepared, 1000 rows/transaction, {raw.BlobBytes}-byte blob per row): " +
                          $"{raw.Rows:N0} rows in {raw.Seconds:F2} s = {raw.RowsPerSecond:N0} rows/s");
        await sqlite.CleanUpAsync();

        if (a.MariaDb)
        {
            var maria = await BenchJournal.MariaDbAsync();
            var m = await PipelineAsync(a, maria, hocon);
            var mraw = await RawMariaDbInsertAsync(maria, m.Count.Events, (int)(m.Count.PayloadBytes / Math.Max(1, m.Count.Events)));
            Console.WriteLine($"raw batched insert (MariaDB, 1000 rows per multi-row INSERT, one transaction each): {mraw.Rows:N0} rows " +
                              $"in {mraw.Seconds:F2} s = {mraw.RowsPerSecond:N0} rows/s");
            Console.WriteLine($"mariadb: {m.EventsPerSecond:F0} events/s, {m.EventsPerSecond / mraw.RowsPerSecond:F2} x of raw batched insert");
            await maria.CleanUpAsync();
        }

        Console.WriteLine($"bottleneck: {(simOnly > 0 && result.EventsPerSecond > 0.8 * simOnly ? "the simulator (pipeline kept up with it)" : "the pipeline")}");
        Console.WriteLine($"ingest: {result.EventsPerSecond:F0} events/s, {result.EventsPerSecond / raw.RowsPerSecond:F2} x of raw batched insert");
        return result.Verified ? 0 : 1;
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
                case "--mariadb": a.MariaDb = true; break;
                case "--seconds": a.Seconds = D(); break;
                case "--warmup": a.Warmup = D(); break;
                case "--nodes": a.Nodes = (int)D(); break;
                case "--cps": a.CallsPerSecond = D(); break;
                case "--max-concurrent": a.MaxConcurrent = (int)D(); break;
                case "--time-scale": a.TimeScale = D(); break;
                case "--batch": a.DeliveryBatch = (int)D(); break;
                case "--hocon": a.ExtraHocon += "\n" + Next(); break;
                case "--sim-only-seconds": a.SimOnlySeconds = D(); break;
                case "--mix": a.Mix = Next(); break;
                case "--replay": a.ReplayCalls = (int)D(); break;
                case "--load": a.Load = true; break;
                case "--concurrent": a.Concurrent = (int)D(); break;
                case "--warmup-calls": a.WarmupCalls = (int)D(); break;
                case "--repeat": a.Repeat = Math.Max(1, (int)D()); break;
                case "--raw-background-checkpoint": a.RawBackgroundCheckpoint = true; break;
                default: throw new ArgumentException($"unknown option {argv[i]}");
            }
        }
        return a;
    }

    private static SimulatorOptions SimulatorOptionsFor(Args a) => new()
    {
        Port = 0,
        Nodes = a.Nodes,
        NodeNamePrefix = "bench",
        TimeScale = a.TimeScale,
        TimeZone = TimeZoneInfo.Utc,
        CdrLinkedIdAndSequence = true,
        MaxSessionBacklog = 5_000_000,
        Load = new LoadOptions
        {
            CallsPerSecond = a.CallsPerSecond,
            MaxConcurrent = a.MaxConcurrent,
            Duration = DurationDistribution.Uniform(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(120)),
            Scripts = a.Mix switch
            {
                "answered" => [new("answered", 1)],
                "queue" => [new("queue-answered", 2), new("queue-abandoned", 1)],
                _ => [new("answered", 5), new("dial-answered", 3), new("busy", 1), new("noanswer", 1), new("queue-answered", 2)],
            },
            Seed = 7,
        },
    };

    internal static AsteriskNodeSettings NodeFor(SimulatedNode sim) => new()
    {
        Name = sim.Name,
        Host = "127.0.0.1",
        Port = sim.Port,
        Username = "admin",
        Secret = "secret",
        AuthType = AmiAuthType.Md5,
        TimeZone = TimeZoneInfo.Utc,
        EventBufferCapacity = 5_000_000, // the benchmark may outrun the pipeline for a while: measure, do not drop
    };

    /// <summary>The same load drained by bare AMI clients that only count: what the simulator can produce here.</summary>
    private static async Task<double> SimulatorOnlyAsync(Args a)
    {
        await using var sim = await AsteriskSimulator.StartAsync(SimulatorOptionsFor(a));
        var clients = sim.Nodes.Select(n => new AmiClient(NodeFor(n).ToClientOptions())).ToList();
        long counted = 0;
        using var stop = new CancellationTokenSource();
        var drains = clients.Select(c => Task.Run(async () =>
        {
            c.Start();
            try
            {
                while (await c.Events.WaitToReadAsync(stop.Token))
                    while (c.Events.TryRead(out var m))
                        if (m.EventName is "CEL" or "Cdr") Interlocked.Increment(ref counted);
            }
            catch (OperationCanceledException)
            {
            }
        })).ToList();
        await Task.Delay(TimeSpan.FromSeconds(Math.Min(3, a.Warmup)));
        var start = Interlocked.Read(ref counted);
        var sw = Stopwatch.StartNew();
        await Task.Delay(TimeSpan.FromSeconds(a.SimOnlySeconds));
        var rate = (Interlocked.Read(ref counted) - start) / sw.Elapsed.TotalSeconds;
        await stop.CancelAsync();
        await Task.WhenAll(drains);
        foreach (var c in clients) await c.DisposeAsync();
        return rate;
    }

    private sealed record PipelineResult(double EventsPerSecond, JournalCount Count, bool Verified);

    private static async Task<PipelineResult> PipelineAsync(Args a, BenchJournal journal, string hocon)
    {
        Console.WriteLine($"--- pipeline on {journal.Description}");
        var sim = await AsteriskSimulator.StartAsync(SimulatorOptionsFor(a));
        var nodes = sim.Nodes.Select(NodeFor).ToList();
        var host = await BenchHost.StartAsync(journal, nodes, hocon);
        try
        {
            async Task<(long Journaled, long Received, long Buffered, long InFlight, long Gaps, long Dropped, long Quarantined)> Sample()
            {
                var s = await Task.WhenAll(nodes.Select(n => host.NodeStatusAsync(n.Name)));
                return (s.Sum(x => x.EventsJournaled), s.Sum(x => x.CelEvents + x.CdrEvents), s.Sum(x => (long)x.BufferUsed),
                    s.Sum(x => (long)x.DeliveriesInFlight), s.Sum(x => x.Gaps), s.Sum(x => x.EventsDroppedOnOverflow),
                    s.Sum(x => x.Quarantined));
            }

            var clock = Stopwatch.StartNew();
            var cpu = Process.GetCurrentProcess();
            await Task.Delay(TimeSpan.FromSeconds(a.Warmup));
            var first = await Sample();
            var cpuStart = cpu.TotalProcessorTime;
            var windowStart = clock.Elapsed;
            var gen0 = GC.CollectionCount(0); var gen2 = GC.CollectionCount(2);
            var last = first;
            for (var t = 1; t <= (int)a.Seconds; t++)
            {
                var due = TimeSpan.FromSeconds(1) * t - (clock.Elapsed - windowStart);
                if (due > TimeSpan.Zero) await Task.Delay(due); // a slow sample (a starved machine) must not end the run
                var s = await Sample();
                Console.WriteLine($"  t={t,3}s journaled {s.Journaled,10:N0} (+{s.Journaled - last.Journaled,7:N0}/s), received {s.Received,10:N0}, " +
                                  $"buffered {s.Buffered,8:N0}, in flight {s.InFlight,5:N0}");
                last = s;
            }
            var windowSeconds = (clock.Elapsed - windowStart).TotalSeconds;
            cpu.Refresh();
            var cpuUsed = (cpu.TotalProcessorTime - cpuStart).TotalSeconds;
            var rate = (last.Journaled - first.Journaled) / windowSeconds;
            var received = (last.Received - first.Received) / windowSeconds;
            Console.WriteLine($"window: {rate:N0} events/s journaled, {received:N0} events/s received from AMI; process CPU " +
                              $"{cpuUsed / windowSeconds * 100:F0} % of one core (2 cores = 200 %); GCs gen0 {GC.CollectionCount(0) - gen0}, " +
                              $"gen2 {GC.CollectionCount(2) - gen2}");

            // Stop starting calls, let running ones end, then let the journal catch up.
            foreach (var n in sim.Nodes) await n.Load!.DisposeAsync();
            var drainClock = Stopwatch.StartNew();
            while (sim.Nodes.Any(n => n.ActiveCalls > 0) && drainClock.Elapsed < TimeSpan.FromSeconds(60)) await Task.Delay(50);
            var settled = await Sample();
            var calm = 0;
            while (drainClock.Elapsed < TimeSpan.FromMinutes(5))
            {
                await Task.Delay(200);
                var s = await Sample();
                calm = s.Buffered == 0 && s.InFlight == 0 && s.Received == settled.Received && s.Journaled == settled.Journaled ? calm + 1 : 0;
                settled = s;
                if (calm >= 5) break;
            }
            Console.WriteLine($"caught up {drainClock.Elapsed.TotalSeconds:F1} s after the load stopped: received {settled.Received:N0}, " +
                              $"journaled {settled.Journaled:N0}, quarantined {settled.Quarantined}, gaps {settled.Gaps}, dropped {settled.Dropped}");

            var count = await JournalCount.ReadAsync(journal, host.Serializer);
            var verified = count.Events == count.DistinctIdentities && count.Events == settled.Received - settled.Quarantined &&
                           settled.Gaps == 0 && settled.Dropped == 0;
            Console.WriteLine($"journal: {count.Rows:N0} rows ({count.EventRows:N0} event rows, {count.BillingRows:N0} billing rows, " +
                              $"{count.OtherRows:N0} other); {count.Events:N0} events, {count.DistinctIdentities:N0} distinct identities, " +
                              $"{(double)count.Events / Math.Max(1, count.EventRows):F1} events per row, " +
                              $"{(double)count.PayloadBytes / Math.Max(1, count.Events):F0} payload bytes per event -> " +
                              (verified ? "every event once" : "MISMATCH"));
            Console.WriteLine($"simulator: {sim.Nodes.Sum(n => n.CallsCompleted):N0} calls completed, {sim.Nodes.Sum(n => n.CallFaults)} faults, " +
                              $"{sim.Nodes.Sum(n => n.Load!.Skipped):N0} load slots skipped at the concurrency limit");
            return new PipelineResult(rate, count, verified);
        }
        finally
        {
            await host.DisposeAsync();
            await sim.DisposeAsync();
        }
    }

    internal sealed record RawResult(long Rows, double Seconds, int BlobBytes)
    {
        public double RowsPerSecond => Rows / Seconds;
    }

    /// <summary>One row per event in the journal's shape (persistence id, sequence number, created, tags, blob,
    /// serializer id, manifest, writer), prepared command, 1,000 rows per transaction, into a fresh WAL file.</summary>
    internal static RawResult RawSqliteInsert(long rows, int blobBytes, bool backgroundCheckpoint = false)
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true); // not the pipeline's garbage
        GC.WaitForPendingFinalizers();
        var journal = BenchJournal.Sqlite("raw.db");
        JournalSchema.EnsureAsync(JournalProvider.Sqlite, journal.ConnectionString).GetAwaiter().GetResult();
        var blob = new byte[blobBytes];
        new Random(1).NextBytes(blob);
        var writer = Guid.NewGuid().ToString();
        using var connection = new SqliteConnection(journal.ConnectionString);
        connection.Open();
        using var checkpointDue = new SemaphoreSlim(0, 1);
        var stopCheckpoints = false;
        Thread? checkpointer = null;
        void CheckpointSoon()
        {
            try
            {
                checkpointDue.Release();
            }
            catch (SemaphoreFullException)
            {
            }
        }
        if (backgroundCheckpoint)
        {
            // As the journal's writer does (SqliteGroupWriter): checkpoints on their own thread and connection, woken
            // after each commit; printed so that the like-for-like raw limit is known too.
            using (var pragma = connection.CreateCommand())
            {
                pragma.CommandText = "PRAGMA wal_autocheckpoint=0";
                pragma.ExecuteNonQuery();
            }
            checkpointer = new Thread(() =>
            {
                using var other = new SqliteConnection(journal.ConnectionString);
                other.Open();
                using var checkpoint = other.CreateCommand();
                checkpoint.CommandText = "PRAGMA wal_checkpoint(PASSIVE)";
                while (true)
                {
                    checkpointDue.Wait();
                    if (Volatile.Read(ref stopCheckpoints)) break;
                    checkpoint.ExecuteNonQuery();
                }
            }) { IsBackground = true };
            checkpointer.Start();
        }
        var sw = Stopwatch.StartNew();
        using var command = connection.CreateCommand();
        command.CommandText = "INSERT INTO journal (deleted, persistence_id, sequence_number, created, tags, message, identifier, manifest, writer_uuid) " +
                              "VALUES (0, $pid, $seq, $created, $tags, $message, 7170, 'cer1', $writer)";
        var pid = command.Parameters.Add("$pid", SqliteType.Text);
        var seq = command.Parameters.Add("$seq", SqliteType.Integer);
        var created = command.Parameters.Add("$created", SqliteType.Integer);
        var tags = command.Parameters.Add("$tags", SqliteType.Text);
        var message = command.Parameters.Add("$message", SqliteType.Blob);
        command.Parameters.AddWithValue("$writer", writer);
        message.Value = blob;
        tags.Value = ";cel;";
        command.Prepare();
        const int callEvents = 20; // a call's worth of events per persistence id
        for (long i = 0; i < rows;)
        {
            using var tx = connection.BeginTransaction();
            command.Transaction = tx;
            for (var j = 0; j < 1000 && i < rows; j++, i++)
            {
                pid.Value = "call/bench-1/1763850676." + (i / callEvents).ToString(CultureInfo.InvariantCulture);
                seq.Value = i % callEvents + 1;
                created.Value = DateTime.UtcNow.Ticks;
                command.ExecuteNonQuery();
            }
            tx.Commit();
            if (checkpointer is not null) CheckpointSoon();
        }
        sw.Stop();
        if (checkpointer is not null)
        {
            Volatile.Write(ref stopCheckpoints, true);
            CheckpointSoon();
            checkpointer.Join();
        }
        connection.Close();
        journal.CleanUpAsync().GetAwaiter().GetResult();
        return new RawResult(rows, sw.Elapsed.TotalSeconds, blobBytes);
    }

    /// <summary>The MariaDB raw limit: 1,000 rows per multi-row INSERT, one transaction each, into the journal table of
    /// the same fresh database (after the pipeline's rows, with other persistence ids).</summary>
    private static async Task<RawResult> RawMariaDbInsertAsync(BenchJournal journal, long rows, int blobBytes)
    {
        var blob = new byte[blobBytes];
        new Random(1).NextBytes(blob);
        var writer = Guid.NewGuid().ToString();
        await using var connection = new MySqlConnection(journal.ConnectionString);
        await connection.OpenAsync();
        var sw = Stopwatch.StartNew();
        const int callEvents = 20;
        for (long i = 0; i < rows;)
        {
            var n = (int)Math.Min(1000, rows - i);
            await using var tx = await connection.BeginTransactionAsync();
            await using var command = connection.CreateCommand();
            command.Transaction = tx;
            var sql = new System.Text.StringBuilder(
                "INSERT INTO journal (deleted, persistence_id, sequence_number, created, tags, message, identifier, manifest, writer_uuid) VALUES ");
            for (var j = 0; j < n; j++, i++)
            {
                if (j > 0) sql.Append(',');
                sql.Append(CultureInfo.InvariantCulture, $"(0,'rawcall/bench-1/1763850676.{i / callEvents}',{i % callEvents + 1},{DateTime.UtcNow.Ticks},';cel;',@m,7170,'cer1','{writer}')");
            }
            command.CommandText = sql.ToString();
            command.Parameters.AddWithValue("@m", blob);
            await command.ExecuteNonQueryAsync();
            await tx.CommitAsync();
        }
        sw.Stop();
        return new RawResult(rows, sw.Elapsed.TotalSeconds, blobBytes);
    }

}
