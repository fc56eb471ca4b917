using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Akka.Actor;
using Microsoft.Data.Sqlite;
using Telephony.Actors.Calls;
using Telephony.Actors.Hosting;
using Telephony.Actors.Serialization;
using Telephony.Ami.Protocol;
using Telephony.Domain.Billing;
using Telephony.Domain.Billing.Interpretation;
using Telephony.Domain.Cdr;
using Telephony.Domain.Cel;
using Telephony.Domain.Identity;

namespace Telephony.Benchmarks;

/// <summary>
/// Replay speed: a fresh SQLite journal holding at least 1,000,000 events of completed calls is written directly
/// (rows as the call entity journals them, payloads made by the real serializer), then a host starts and every call
/// entity is woken through the call shard region with <see cref="GetCallState"/>; the clock runs from the first ask to
/// the last answer (each answer comes after that entity's recovery). Each call is one of the real captured calls in
/// tests/fixtures/ami-captures (its CEL and Cdr events, headers as Asterisk sent them) with fresh uniqueids, journaled
/// as rows of up to --events-per-row events (what delivery rounds write) plus its CallCompleted billing row.
/// </summary>
internal static class RecoverBenchmark
{

    public static async Task<int> RunAsync(string[] argv)
    {
        long minEvents = 1_000_000;
        var eventsPerRow = 8;
        var inFlight = 5000;
        var hocon = "";
        for (var i = 0; i < argv.Length; i++)
        {
            string Next() => i + 1 < argv.Length ? argv[++i] : throw new ArgumentException($"{argv[i]} needs a value");
            switch (argv[i])
            {
                case "--events": minEvents = long.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--events-per-row": eventsPerRow = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--in-flight": inFlight = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--hocon": hocon += "\n" + Next(); break;
                default: throw new ArgumentException($"unknown option {argv[i]}");
            }
        }
        if (!string.IsNullOrWhiteSpace(hocon)) Console.WriteLine($"hocon overrides: {hocon.Trim().Replace('\n', ';')}");

        var templates = CapturedCalls.Load();
        Console.WriteLine($"call shapes: {templates.Count} captured calls with CEL ({string.Join(", ", templates.Select(t => $"{t.Name} {t.Events.Count}"))} events)");

        var journal = BenchJournal.Sqlite();
        try
        {
            // The serializer needs an actor system only for its base class: a bare one is enough to write payloads.
            var built = await BuildJournalAsync(journal, templates, minEvents, eventsPerRow);
            Console.WriteLine($"journal: {built.Calls:N0} calls, {built.Events:N0} events in {built.EventRows:N0} event rows " +
                              $"({(double)built.Events / built.EventRows:F1} events/row) + {built.Calls:N0} billing rows, " +
                              $"{new FileInfo(Path.Combine(journal.Folder!, "journal.db")).Length / 1048576.0:F0} MiB, written in {built.Seconds:F1} s");

            await using var host = await BenchHost.StartAsync(journal, [], hocon);
            var region = host.Registry.Get<CallRegion>();
            // Let the shard coordinator settle before the clock starts (a one-off cost of a starting member).
            await region.Ask<CallStateView>(new GetCallState("warm", "up"), TimeSpan.FromSeconds(30));

            GC.Collect();
            var gen0 = GC.CollectionCount(0); var gen2 = GC.CollectionCount(2);
            var pauseStart = GC.GetTotalPauseDuration();
            var cpu = Process.GetCurrentProcess();
            var cpuStart = cpu.TotalProcessorTime;
            var sw = Stopwatch.StartNew();
            long recovered = 0, completed = 0, answered = 0;
            using var gate = new SemaphoreSlim(inFlight);
            var tasks = new List<Task>(built.LinkedIds.Count);
            foreach (var linkedId in built.LinkedIds)
            {
                await gate.WaitAsync();
                tasks.Add(region.Ask<CallStateView>(new GetCallState("bench-1", linkedId), TimeSpan.FromMinutes(5)).ContinueWith(t =>
                {
                    gate.Release();
                    var v = t.Result;
                    Interlocked.Add(ref recovered, v.CelCount + v.CdrCount);
                    if (v.Revision == 1) Interlocked.Increment(ref completed);
                    var done = Interlocked.Increment(ref answered);
                    if (done % 20_000 == 0) Console.WriteLine($"  {done:N0} calls recovered after {sw.Elapsed.TotalSeconds:F1} s");
                }, TaskScheduler.Default));
            }
            await Task.WhenAll(tasks);
            sw.Stop();
            cpu.Refresh();
            var rate = recovered / sw.Elapsed.TotalSeconds;
            var ok = recovered == built.Events && completed == built.Calls;
            Console.WriteLine($"recovered {answered:N0} calls, {recovered:N0} events ({completed:N0} with their billing) in {sw.Elapsed.TotalSeconds:F2} s " +
                              $"= {answered / sw.Elapsed.TotalSeconds:N0} calls/s; process CPU {(cpu.TotalProcessorTime - cpuStart).TotalSeconds / sw.Elapsed.TotalSeconds * 100:F0} % " +
                              $"of one core; GCs gen0 {GC.CollectionCount(0) - gen0}, gen2 {GC.CollectionCount(2) - gen2}, paused {(GC.GetTotalPauseDuration() - pauseStart).TotalSeconds:F2} s -> {(ok ? "every event back" : "MISMATCH")}");
            Console.WriteLine($"recover: {rate:F0} events/s");
            return ok ? 0 : 1;
        }
        finally
        {
            await journal.CleanUpAsync();
        }
    }

    private sealed record Built(long Calls, long Events, long EventRows, double Seconds, List<string> LinkedIds);

    private static async Task<Built> BuildJournalAsync(BenchJournal journal, List<CallTemplate> templates, long minEvents, int eventsPerRow)
    {
        await Telephony.Actors.Persistence.JournalSchema.EnsureAsync(journal.Provider, journal.ConnectionString);
        using var system = ActorSystem.Create("journal-writer", "akka.loglevel = WARNING");
        var serializer = new TelephonySerializer((ExtendedActorSystem)system);
        var interpreter = new CelBillingInterpreter();
        var sw = Stopwatch.StartNew();
        await using var connection = new SqliteConnection(journal.ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "INSERT INTO journal (deleted, persistence_id, sequence_number, created, tags, message, identifier, manifest, writer_uuid) " +
                              "VALUES (0, $pid, $seq, $created, $tags, $message, 7170, $manifest, $writer)";
        var pid = command.Parameters.Add("$pid", SqliteType.Text);
        var seq = command.Parameters.Add("$seq", SqliteType.Integer);
        var created = command.Parameters.Add("$created", SqliteType.Integer);
        var tags = command.Parameters.Add("$tags", SqliteType.Text);
        var message = command.Parameters.Add("$message", SqliteType.Blob);
        var manifest = command.Parameters.Add("$manifest", SqliteType.Text);
        var writer = command.Parameters.Add("$writer", SqliteType.Text);
        command.Prepare();

        long calls = 0, events = 0, rows = 0, inTx = 0;
        var linkedIds = new List<string>();
        var tx = connection.BeginTransaction();
        command.Transaction = tx;
        void Row(string persistenceId, long sequenceNr, string tagCsv, object payload)
        {
            pid.Value = persistenceId;
            seq.Value = sequenceNr;
            created.Value = DateTime.UtcNow.Ticks;
            tags.Value = tagCsv;
            message.Value = serializer.ToBinary(payload);
            manifest.Value = serializer.Manifest(payload);
            writer.Value = "bench-writer";
            command.ExecuteNonQuery();
            if (++inTx < 1000) return;
            tx.Commit();
            tx.Dispose();
            tx = connection.BeginTransaction();
            command.Transaction = tx;
            inTx = 0;
        }

        while (events < minEvents)
        {
            var template = templates[(int)(calls % templates.Count)];
            var call = calls++;
            var instance = CapturedCalls.Instantiate(template, call);
            if (instance is null) continue;
            var (linkedId, recorded, cels) = (instance.LinkedId, instance.Events, instance.Cels);
            linkedIds.Add(linkedId);
            var persistenceId = "call/" + CallEntityId.Of("bench-1", linkedId);
            long sequenceNr = 0;
            for (var i = 0; i < recorded.Count; i += eventsPerRow)
            {
                var chunk = recorded.GetRange(i, Math.Min(eventsPerRow, recorded.Count - i));
                var tagCsv = CapturedCalls.TagCsv(chunk);
                Row(persistenceId, ++sequenceNr, tagCsv, new CallEventsRecorded("bench-1", linkedId, chunk));
                rows++;
            }
            events += recorded.Count;
            IReadOnlyList<BillingRecord> records = [interpreter.InterpretCall(cels)];
            Row(persistenceId, ++sequenceNr, ";billing;", new CallCompleted("bench-1", linkedId, 1, "linkedid-end", DateTimeOffset.UtcNow, records));
        }
        tx.Commit();
        tx.Dispose();
        await system.Terminate();
        return new Built(linkedIds.Count, events, rows, sw.Elapsed.TotalSeconds, linkedIds);
    }
}
