using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MySqlConnector;
using Telephony.Actors.Calls;
using Telephony.Actors.Hosting;
using Telephony.Actors.Persistence;
using Telephony.Actors.Serialization;
using Telephony.Ami.Protocol;
using Telephony.Billing.Hosting;
using Telephony.Billing.Projections;
using Telephony.Billing.Rows;
using Telephony.Billing.Sinks;
using Telephony.Domain.Billing;
using Telephony.Domain.Billing.Interpretation;
using Telephony.Domain.Cdr;
using Telephony.Domain.Cel;
using Telephony.Domain.Identity;

namespace Telephony.Benchmarks;

/// <summary>
/// Projection speed: a fresh MariaDB journal is filled with --calls completed calls (the real captured calls of
/// tests/fixtures/ami-captures with fresh uniqueids, journaled as the call entity does: rows of up to --events-per-row
/// CEL/Cdr events tagged cel/cdr, and a CallCompleted tagged billing), then a host starts the billing projections
/// (cdr, cel and billing into a fresh MariaDB billing database) and the clock runs from the moment they are running to
/// the moment every one has written the last event of its tag. In the same run (just before the projection), the same
/// rows go into another fresh database with plain multi-row INSERTs (1,000 rows per statement, one connection, no
/// upsert, no offset): the raw limit. With the projections caught up, a live phase (--lag-seconds, 0 to skip) appends calls of the same shapes at
/// a steady --ingest-rate CEL/Cdr events per second while they run, and samples each projection's lag every 100 ms: the
/// age of the oldest event of its tag it has not written yet (0 when it has written them all).
/// </summary>
internal static class ProjectBenchmark
{
    private const string Node = "bench-1";

    public static async Task<int> RunAsync(string[] argv)
    {
        var calls = 10_000;
        var eventsPerRow = 8;
        var batch = 1000;
        var nullSink = false;
        var lagSeconds = 20;
        var ingestRate = 5000;
        var extraHocon = "";
        for (var i = 0; i < argv.Length; i++)
        {
            string Next() => i + 1 < argv.Length ? argv[++i] : throw new ArgumentException($"{argv[i]} needs a value");
            switch (argv[i])
            {
                case "--calls": calls = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--events-per-row": eventsPerRow = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--batch": batch = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--null-sink": nullSink = true; break;
                case "--lag-seconds": lagSeconds = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--ingest-rate": ingestRate = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--hocon": extraHocon = Next(); break;
                default: throw new ArgumentException($"unknown option {argv[i]}");
            }
        }

        var journal = await BenchJournal.MariaDbAsync();
        var billing = await BenchJournal.MariaDbAsync();
        var raw = await BenchJournal.MariaDbAsync();
        try
        {
            await using var feed = new JournalFeed(CapturedCalls.Load(), eventsPerRow);
            var built = await BuildJournalAsync(journal, feed, calls);
            var expectedRows = built.Cdr.Count + built.Cel.Count + built.Calls.Count + built.Segments.Count;
            Console.WriteLine($"journal ({journal.Description}): {built.CallCount:N0} calls, {built.Events:N0} CEL/Cdr events in " +
                              $"{built.EventRows:N0} rows + {built.CallCount:N0} billing rows, written in {built.Seconds:F1} s; " +
                              $"rows to project: {built.Cdr.Count:N0} cdr, {built.Cel.Count:N0} cel, {built.Calls.Count:N0} call, {built.Segments.Count:N0} call_segment = {expectedRows:N0}");

            // The raw insert runs first so that the rows can be dropped before the projection runs: ~300 MB of rows
            // held by the benchmark made every full GC of the projecting process (a service holds none) several
            // times longer.
            var rawSeconds = await RawInsertAsync(raw, built);
            var rawRate = expectedRows / rawSeconds;
            built.Cdr.Clear();
            built.Cel.Clear();
            built.Calls.Clear();
            built.Segments.Clear();
            GC.Collect();

            var (projected, projectSeconds, live) = await ProjectAsync(journal, billing, built, batch, nullSink, feed, lagSeconds, ingestRate, extraHocon);
            var projectRate = projected / projectSeconds;
            Console.WriteLine($"projection: {projected:N0} rows in {projectSeconds:F2} s = {projectRate:N0} rows/s " +
                              $"({built.Events / projectSeconds:N0} journal events/s, batch {batch})");
            if (live is not null) Console.WriteLine(live);
            Console.WriteLine($"raw multi-row insert (run before the projection): {expectedRows:N0} rows in {rawSeconds:F2} s = {rawRate:N0} rows/s");

            var counted = await CountRowsAsync(billing);
            var liveRows = feed.Rows - expectedRows;
            var ok = counted == expectedRows + liveRows && projected == expectedRows;
            if (liveRows > 0) Console.WriteLine($"(of which {liveRows:N0} rows from the live phase)");
            Console.WriteLine($"billing tables hold {counted:N0} rows -> {(ok ? "every row once" : "MISMATCH")}");
            Console.WriteLine($"project: {projectRate:F0} rows/s, {projectRate / rawRate:F2} x of raw multi-row insert");
            return ok ? 0 : 1;
        }
        finally
        {
            await journal.CleanUpAsync();
            await billing.CleanUpAsync();
            await raw.CleanUpAsync();
        }
    }

    private static async Task<(long Rows, double Seconds, string? Live)> ProjectAsync(BenchJournal journal, BenchJournal billing, Built built,
        int batch, bool nullSink, JournalFeed feed, int lagSeconds, int ingestRate, string extraHocon)
    {
        var options = new TelephonyOptions
        {
            JournalProvider = journal.Provider,
            JournalConnectionString = journal.ConnectionString,
            HoconDirectory = Path.Combine(AppContext.BaseDirectory, "hocon"),
            ExtraHocon = BenchHost.BaseHocon + "\n" + extraHocon,
        };
        var billingOptions = new BillingOptions
        {
            Sinks = [new BillingSinkOptions
            {
                Name = "mysql", Kind = BillingSinkKind.MySql, ConnectionString = billing.ConnectionString,
                Wrap = nullSink ? inner => new NullSink(inner) : null,
            }],
            BatchSize = batch,
            BatchWindow = TimeSpan.FromMilliseconds(100),
            JournalProvider = journal.Provider,
            JournalConnectionString = journal.ConnectionString,
            LagInterval = TimeSpan.FromMilliseconds(250),
        };
        // No file watching (see BenchHost): the default builder watches the current directory recursively.
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            ContentRootPath = AppContext.BaseDirectory,
            Configuration = new Microsoft.Extensions.Configuration.ConfigurationManager
            {
                ["hostBuilder:reloadConfigOnChange"] = "false",
            },
        });
        builder.Logging.ClearProviders();
        builder.Services.AddAkka(TelephonyOptions.ActorSystemName, (akka, _) => akka.AddTelephony(options).AddTelephonyBilling(billingOptions));
        using var host = builder.Build();
        await host.StartAsync();
        try
        {
            var projections = host.Services.GetRequiredService<IActorRegistry>().Get<BillingProjections>();
            async Task<BillingStatus> Status() => await projections.Ask<BillingStatus>(GetProjectionStatus.Instance, TimeSpan.FromSeconds(10));

            var sw = new Stopwatch();
            // Where this process's share of a busy 2-core machine went: CPU (reading, mapping, writing, the host) and
            // stop-the-world GC pauses.
            var (cpu0, pause0) = (TimeSpan.Zero, TimeSpan.Zero);
            var sinceStart = Stopwatch.StartNew();
            var deadline = DateTime.UtcNow.AddMinutes(10);
            while (DateTime.UtcNow < deadline)
            {
                var status = await Status();
                if (!sw.IsRunning && status.Projections.Any(p => p.State != ProjectionState.Starting))
                {
                    sw.Start();
                    (cpu0, pause0) = (Process.GetCurrentProcess().TotalProcessorTime, GC.GetTotalPauseDuration());
                    Console.WriteLine($"projections running {sinceStart.Elapsed.TotalSeconds:F1} s after the host started");
                }
                var projected = status.Projections.Where(p => built.LastOrdering.ContainsKey(p.Tag)).ToList(); // not the ami_action one
                if (projected.Count == 3 && projected.All(p => p.Offset >= built.LastOrdering[p.Tag]))
                {
                    sw.Stop();
                    Console.WriteLine($"  this process: {(Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds:F1} s CPU, " +
                                      $"{(GC.GetTotalPauseDuration() - pause0).TotalSeconds:F1} s in GC pauses");
                    foreach (var p in status.Projections)
                        Console.WriteLine($"  {p.Name}: {p.RowsWritten:N0} rows in {p.BatchesWritten:N0} batches, offset {p.Offset:N0}, failures {p.Failures}");
                    var rows = status.Projections.Sum(p => p.RowsWritten);
                    var live = lagSeconds > 0 && !nullSink
                        ? await LiveLagAsync(journal, feed, built.CallCount, lagSeconds, ingestRate, Status)
                        : null;
                    return (rows, sw.Elapsed.TotalSeconds, live);
                }
                await Task.Delay(sw.IsRunning ? 20 : 100);
            }
            throw new TimeoutException("the projections did not reach the end of the journal in 10 minutes");
        }
        finally
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            try { await host.StopAsync(cts.Token); } catch (OperationCanceledException) { }
        }
    }

    /// <summary>The same rows, plain multi-row INSERTs of 1,000 rows on one connection (autocommit per statement).</summary>
    private static async Task<double> RawInsertAsync(BenchJournal raw, Built built)
    {
        await SqlBillingSink.MySql("raw", raw.ConnectionString).EnsureSchemaAsync(CancellationToken.None);
        await using var connection = new MySqlConnection(raw.ConnectionString);
        await connection.OpenAsync();
        var sw = Stopwatch.StartNew();
        await InsertAllAsync(connection, "cdr", BillingSchema.Cdr, built.Cdr);
        await InsertAllAsync(connection, "cel", BillingSchema.Cel, built.Cel);
        await InsertAllAsync(connection, "call", BillingSchema.Call, built.Calls);
        await InsertAllAsync(connection, "call_segment", BillingSchema.Segment, built.Segments);
        return sw.Elapsed.TotalSeconds;
    }

    private static async Task InsertAllAsync<TRow>(MySqlConnection connection, string table, TableDefinition<TRow> definition, List<TRow> rows)
    {
        var head = $"INSERT INTO `{table}` ({string.Join(", ", definition.Columns.Select(c => "`" + c.Name + "`"))}) VALUES ";
        for (var start = 0; start < rows.Count; start += 1000)
        {
            var count = Math.Min(1000, rows.Count - start);
            await using var command = connection.CreateCommand();
            var sql = new StringBuilder(head);
            var p = 0;
            for (var r = 0; r < count; r++)
            {
                var values = definition.Values(rows[start + r]);
                sql.Append(r == 0 ? "(" : ",(");
                for (var c = 0; c < values.Length; c++)
                {
                    var name = "@p" + p++;
                    sql.Append(c == 0 ? name : "," + name);
                    command.Parameters.AddWithValue(name, values[c] ?? DBNull.Value);
                }
                sql.Append(')');
            }
            command.CommandText = sql.ToString();
            await command.ExecuteNonQueryAsync();
        }
    }

    private static async Task<long> CountRowsAsync(BenchJournal db)
    {
        await using var connection = new MySqlConnection(db.ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT (SELECT COUNT(*) FROM cdr) + (SELECT COUNT(*) FROM cel) + (SELECT COUNT(*) FROM `call`) + (SELECT COUNT(*) FROM call_segment)";
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    private sealed record Built(int CallCount, long Events, long EventRows, double Seconds, Dictionary<string, long> LastOrdering,
        List<CdrRow> Cdr, List<CelRow> Cel, List<CallRow> Calls, List<SegmentRow> Segments);

    /// <summary>Writes the journal rows (multi-row INSERTs, payloads by the real serializer) and the rows a projection
    /// must produce from them (by the same mapper the projection uses).</summary>
    private static async Task<Built> BuildJournalAsync(BenchJournal journal, JournalFeed feed, int calls)
    {
        await JournalSchema.EnsureAsync(journal.Provider, journal.ConnectionString);
        var sw = Stopwatch.StartNew();
        await using var connection = new MySqlConnection(journal.ConnectionString);
        await connection.OpenAsync();
        long ordering = 0;
        var last = new Dictionary<string, long> { [CallTags.Cdr] = 0, [CallTags.Cel] = 0, [CallTags.Billing] = 0 };
        for (var call = 0; call < calls; call++)
        {
            foreach (var tags in feed.AddCall(call))
            {
                ordering++;
                foreach (var tag in last.Keys.ToList())
                    if (tags.Contains(";" + tag + ";", StringComparison.Ordinal)) last[tag] = ordering;
            }
            if (feed.Pending >= 500) await feed.FlushAsync(connection);
        }
        await feed.FlushAsync(connection);
        var (cdr, cel, callRows, segments) = feed.TakeRows();
        return new Built(calls, feed.Events, feed.EventRows, sw.Elapsed.TotalSeconds, last, cdr, cel, callRows, segments);
    }

    /// <summary>
    /// The live phase: calls appended at <paramref name="rate"/> CEL/Cdr events per second (a flush every 20 ms of what
    /// is due, each row's created = its write time, as the journal stamps it) while the projections run; every 100 ms
    /// each projection's offset is asked and the oldest event of its tag past that offset read from the journal. Then
    /// the ingest stops and the projections must reach the new end of the journal.
    /// </summary>
    private static async Task<string> LiveLagAsync(BenchJournal journal, JournalFeed feed, int firstCall, int seconds, int rate,
        Func<Task<BillingStatus>> status)
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        var startEvents = feed.Events;
        var clock = Stopwatch.StartNew();
        var writer = Task.Run(async () =>
        {
            await using var connection = new MySqlConnection(journal.ConnectionString);
            await connection.OpenAsync();
            var call = firstCall;
            while (!stop.IsCancellationRequested)
            {
                var due = (long)(clock.Elapsed.TotalSeconds * rate);
                while (feed.Events - startEvents < due) feed.AddCall(call++);
                feed.TakeRows();
                await feed.FlushAsync(connection);
                try { await Task.Delay(20, stop.Token); } catch (OperationCanceledException) { }
            }
            return call - firstCall;
        });

        var lags = new Dictionary<string, List<double>>();
        await using (var connection = new MySqlConnection(journal.ConnectionString))
        {
            await connection.OpenAsync();
            while (!writer.IsCompleted)
            {
                foreach (var p in (await status()).Projections)
                {
                    await using var command = connection.CreateCommand();
                    command.CommandText = "SELECT MIN(created) FROM journal WHERE ordering > @offset AND tags LIKE @tag";
                    command.Parameters.AddWithValue("@offset", p.Offset);
                    command.Parameters.AddWithValue("@tag", "%;" + p.Tag + ";%");
                    var oldest = await command.ExecuteScalarAsync();
                    var lag = oldest is null or DBNull ? 0 : Math.Max(0, (DateTime.UtcNow - new DateTime(Convert.ToInt64(oldest, CultureInfo.InvariantCulture), DateTimeKind.Utc)).TotalSeconds);
                    (lags.TryGetValue(p.Tag, out var list) ? list : lags[p.Tag] = []).Add(lag);
                }
                await Task.Delay(100);
            }
        }
        var liveCalls = await writer;
        var ingested = (feed.Events - startEvents) / clock.Elapsed.TotalSeconds;

        // Every live row must be projected too: wait for the offsets to reach the last row of each tag.
        var ends = new Dictionary<string, long>();
        await using (var connection = new MySqlConnection(journal.ConnectionString))
        {
            await connection.OpenAsync();
            foreach (var tag in lags.Keys)
            {
                await using var command = connection.CreateCommand();
                command.CommandText = "SELECT COALESCE(MAX(ordering), 0) FROM journal WHERE tags LIKE @tag";
                command.Parameters.AddWithValue("@tag", "%;" + tag + ";%");
                ends[tag] = Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
            }
        }
        var drained = Stopwatch.StartNew();
        while (!(await status()).Projections.All(p => p.Offset >= ends[p.Tag]))
        {
            if (drained.Elapsed > TimeSpan.FromMinutes(5)) throw new TimeoutException("the projections did not catch up after the live phase");
            await Task.Delay(50);
        }

        static double P99(List<double> xs) => xs.Order().ElementAt(Math.Max(0, (int)Math.Ceiling(xs.Count * 0.99) - 1));
        var all = lags.Values.SelectMany(x => x).ToList();
        var perTag = string.Join(", ", lags.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key} p99 {P99(kv.Value):F2} s max {kv.Value.Max():F2} s"));
        return $"lag while {ingested:N0} events/s were ingested ({liveCalls:N0} calls in {clock.Elapsed.TotalSeconds:F0} s, {all.Count:N0} samples): " +
               $"p99 {P99(all):F2} s, max {all.Max():F2} s ({perTag}); caught up {drained.Elapsed.TotalSeconds:F1} s after the ingest stopped";
    }

    /// <summary>Journal rows of whole captured calls, as the call entity journals them (rows of up to eventsPerRow CEL/Cdr
    /// events tagged cel/cdr, then a CallCompleted tagged billing), and the table rows a projection must make of them.</summary>
    private sealed class JournalFeed : IAsyncDisposable
    {
        private readonly List<CallTemplate> _templates;
        private readonly int _eventsPerRow;
        private readonly ActorSystem _system = ActorSystem.Create("journal-writer", "akka.loglevel = WARNING");
        private readonly TelephonySerializer _serializer;
        private readonly CelBillingInterpreter _interpreter = new();
        private readonly BillingRowMapper _mapper = new(_ => TimeZoneInfo.Utc);
        private readonly List<(string Pid, long Seq, string Tags, object Payload)> _pending = [];

        public JournalFeed(List<CallTemplate> templates, int eventsPerRow)
        {
            _templates = templates;
            _eventsPerRow = eventsPerRow;
            _serializer = new TelephonySerializer((ExtendedActorSystem)_system);
        }

        private List<CdrRow> _cdr = [];
        private List<CelRow> _cel = [];
        private List<CallRow> _calls = [];
        private List<SegmentRow> _segments = [];

        /// <summary>Table rows the calls added so far must make (all of them, taken or not).</summary>
        public long Rows { get; private set; }
        public long Events { get; private set; }
        public long EventRows { get; private set; }
        public int Pending => _pending.Count;

        public async ValueTask DisposeAsync() => await _system.Terminate();

        /// <summary>The table rows of the calls added since the last take (the live phase only counts them).</summary>
        public (List<CdrRow> Cdr, List<CelRow> Cel, List<CallRow> Calls, List<SegmentRow> Segments) TakeRows()
        {
            var taken = (_cdr, _cel, _calls, _segments);
            (_cdr, _cel, _calls, _segments) = ([], [], [], []);
            return taken;
        }

        /// <summary>Queues the rows of call number <paramref name="call"/>; returns their tags in journal order.</summary>
        public List<string> AddCall(long call)
        {
            var tagsInOrder = new List<string>();
            var instance = CapturedCalls.Instantiate(_templates[(int)(call % _templates.Count)], call);
            if (instance is null) return tagsInOrder;
            var (linkedId, recorded, cels) = (instance.LinkedId, instance.Events, instance.Cels);
            foreach (var e in recorded)
            {
                if (e.Kind == RecordedEventKind.Cel) _cel.Add(_mapper.ToCelRow(Node, e)!);
                else _cdr.Add(_mapper.ToCdrRow(Node, e)!);
            }
            var pid = "call/" + CallEntityId.Of(Node, linkedId);
            long seqNr = 0;
            for (var i = 0; i < recorded.Count; i += _eventsPerRow)
            {
                var chunk = recorded.GetRange(i, Math.Min(_eventsPerRow, recorded.Count - i));
                var tags = CapturedCalls.TagCsv(chunk);
                _pending.Add((pid, ++seqNr, tags, new CallEventsRecorded(Node, linkedId, chunk)));
                tagsInOrder.Add(tags);
                EventRows++;
            }
            Events += recorded.Count;
            IReadOnlyList<BillingRecord> records = [_interpreter.InterpretCall(cels)];
            var completed = new CallCompleted(Node, linkedId, 1, "linkedid-end", DateTimeOffset.UtcNow, records);
            _pending.Add((pid, ++seqNr, ";billing;", completed));
            tagsInOrder.Add(";billing;");
            _calls.Add(_mapper.ToCallRow(completed, 0));
            _cdr.Add(_mapper.ToDerivedCdrRow(completed, 0));
            var segmentsBefore = _segments.Count;
            BillingRowMapper.AddSegmentRows(completed, 0, _segments);
            Rows += recorded.Count + 2 + (_segments.Count - segmentsBefore);
            return tagsInOrder;
        }

        /// <summary>Writes the queued rows in one multi-row INSERT, created = now.</summary>
        public async Task FlushAsync(MySqlConnection connection)
        {
            if (_pending.Count == 0) return;
            await using var command = connection.CreateCommand();
            var sql = new StringBuilder("INSERT INTO journal (deleted, persistence_id, sequence_number, created, tags, message, identifier, manifest, writer_uuid) VALUES ");
            var created = DateTime.UtcNow.Ticks;
            for (var i = 0; i < _pending.Count; i++)
            {
                var (pid, seq, tags, payload) = _pending[i];
                sql.Append(i == 0 ? "" : ",").Append($"(0,@pid{i},@seq{i},@created{i},@tags{i},@msg{i},7170,@man{i},'bench')");
                command.Parameters.AddWithValue("@pid" + i, pid);
                command.Parameters.AddWithValue("@seq" + i, seq);
                command.Parameters.AddWithValue("@created" + i, created);
                command.Parameters.AddWithValue("@tags" + i, tags);
                command.Parameters.AddWithValue("@msg" + i, _serializer.ToBinary(payload));
                command.Parameters.AddWithValue("@man" + i, _serializer.Manifest(payload));
            }
            command.CommandText = sql.ToString();
            await command.ExecuteNonQueryAsync();
            _pending.Clear();
        }
    }
}

/// <summary>--null-sink: reads, batches and maps but writes nothing (the read side's own limit, for diagnosis).</summary>
internal sealed class NullSink(IBillingSink inner) : BillingSinkDecorator(inner)
{
    public override Task WriteAsync(ProjectionBatch batch, CancellationToken ct) => Task.CompletedTask;
}
