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
/// the moment every one has written the last event of its tag. Then, in the same run, the same rows go into another
/// fresh database with plain multi-row INSERTs (1,000 rows per statement, one connection, no upsert, no offset): the
/// raw limit.
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
        for (var i = 0; i < argv.Length; i++)
        {
            string Next() => i + 1 < argv.Length ? argv[++i] : throw new ArgumentException($"{argv[i]} needs a value");
            switch (argv[i])
            {
                case "--calls": calls = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--events-per-row": eventsPerRow = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--batch": batch = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--null-sink": nullSink = true; break;
                default: throw new ArgumentException($"unknown option {argv[i]}");
            }
        }

        var journal = await BenchJournal.MariaDbAsync();
        var billing = await BenchJournal.MariaDbAsync();
        var raw = await BenchJournal.MariaDbAsync();
        try
        {
            var built = await BuildJournalAsync(journal, CapturedCalls.Load(), calls, eventsPerRow);
            var expectedRows = built.Cdr.Count + built.Cel.Count + built.Calls.Count;
            Console.WriteLine($"journal ({journal.Description}): {built.CallCount:N0} calls, {built.Events:N0} CEL/Cdr events in " +
                              $"{built.EventRows:N0} rows + {built.CallCount:N0} billing rows, written in {built.Seconds:F1} s; " +
                              $"rows to project: {built.Cdr.Count:N0} cdr, {built.Cel.Count:N0} cel, {built.Calls.Count:N0} call = {expectedRows:N0}");

            var (projected, projectSeconds) = await ProjectAsync(journal, billing, built, batch, nullSink);
            var projectRate = projected / projectSeconds;
            Console.WriteLine($"projection: {projected:N0} rows in {projectSeconds:F2} s = {projectRate:N0} rows/s " +
                              $"({built.Events / projectSeconds:N0} journal events/s, batch {batch})");

            var rawSeconds = await RawInsertAsync(raw, built);
            var rawRate = expectedRows / rawSeconds;
            Console.WriteLine($"raw multi-row insert: {expectedRows:N0} rows in {rawSeconds:F2} s = {rawRate:N0} rows/s");

            var counted = await CountRowsAsync(billing);
            var ok = counted == expectedRows && projected == expectedRows;
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

    private static async Task<(long Rows, double Seconds)> ProjectAsync(BenchJournal journal, BenchJournal billing, Built built, int batch, bool nullSink)
    {
        var options = new TelephonyOptions
        {
            JournalProvider = journal.Provider,
            JournalConnectionString = journal.ConnectionString,
            HoconDirectory = Path.Combine(AppContext.BaseDirectory, "hocon"),
            ExtraHocon = BenchHost.BaseHocon,
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
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddAkka(TelephonyOptions.ActorSystemName, (akka, _) => akka.AddTelephony(options).AddTelephonyBilling(billingOptions));
        using var host = builder.Build();
        await host.StartAsync();
        try
        {
            var projections = host.Services.GetRequiredService<IActorRegistry>().Get<BillingProjections>();
            async Task<BillingStatus> Status() => await projections.Ask<BillingStatus>(GetProjectionStatus.Instance, TimeSpan.FromSeconds(10));

            var sw = new Stopwatch();
            var sinceStart = Stopwatch.StartNew();
            var deadline = DateTime.UtcNow.AddMinutes(10);
            while (DateTime.UtcNow < deadline)
            {
                var status = await Status();
                if (!sw.IsRunning && status.Projections.Any(p => p.State != ProjectionState.Starting))
                {
                    sw.Start();
                    Console.WriteLine($"projections running {sinceStart.Elapsed.TotalSeconds:F1} s after the host started");
                }
                if (status.Projections.Count == 3 && status.Projections.All(p => p.Offset >= built.LastOrdering[p.Tag]))
                {
                    sw.Stop();
                    foreach (var p in status.Projections)
                        Console.WriteLine($"  {p.Name}: {p.RowsWritten:N0} rows in {p.BatchesWritten:N0} batches, offset {p.Offset:N0}, failures {p.Failures}");
                    return (status.Projections.Sum(p => p.RowsWritten), sw.Elapsed.TotalSeconds);
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
        command.CommandText = "SELECT (SELECT COUNT(*) FROM cdr) + (SELECT COUNT(*) FROM cel) + (SELECT COUNT(*) FROM `call`)";
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    private sealed record Built(int CallCount, long Events, long EventRows, double Seconds, Dictionary<string, long> LastOrdering,
        List<CdrRow> Cdr, List<CelRow> Cel, List<CallRow> Calls);

    /// <summary>Writes the journal rows (multi-row INSERTs, payloads by the real serializer) and the rows a projection
    /// must produce from them (by the same mapper the projection uses).</summary>
    private static async Task<Built> BuildJournalAsync(BenchJournal journal, List<CallTemplate> templates, int calls, int eventsPerRow)
    {
        await JournalSchema.EnsureAsync(journal.Provider, journal.ConnectionString);
        using var system = ActorSystem.Create("journal-writer", "akka.loglevel = WARNING");
        var serializer = new TelephonySerializer((ExtendedActorSystem)system);
        var interpreter = new CelBillingInterpreter();
        var mapper = new BillingRowMapper(_ => TimeZoneInfo.Utc);
        var sw = Stopwatch.StartNew();
        await using var connection = new MySqlConnection(journal.ConnectionString);
        await connection.OpenAsync();

        var pending = new List<(string Pid, long Seq, string Tags, object Payload)>();
        long ordering = 0, events = 0, eventRows = 0;
        var last = new Dictionary<string, long> { [CallTags.Cdr] = 0, [CallTags.Cel] = 0, [CallTags.Billing] = 0 };
        var cdrRows = new List<CdrRow>();
        var celRows = new List<CelRow>();
        var callRows = new List<CallRow>();

        async Task FlushAsync()
        {
            if (pending.Count == 0) return;
            await using var command = connection.CreateCommand();
            var sql = new StringBuilder("INSERT INTO journal (deleted, persistence_id, sequence_number, created, tags, message, identifier, manifest, writer_uuid) VALUES ");
            for (var i = 0; i < pending.Count; i++)
            {
                var (pid, seq, tags, payload) = pending[i];
                sql.Append(i == 0 ? "" : ",").Append($"(0,@pid{i},@seq{i},@created{i},@tags{i},@msg{i},7170,@man{i},'bench')");
                command.Parameters.AddWithValue("@pid" + i, pid);
                command.Parameters.AddWithValue("@seq" + i, seq);
                command.Parameters.AddWithValue("@created" + i, DateTime.UtcNow.Ticks);
                command.Parameters.AddWithValue("@tags" + i, tags);
                command.Parameters.AddWithValue("@msg" + i, serializer.ToBinary(payload));
                command.Parameters.AddWithValue("@man" + i, serializer.Manifest(payload));
            }
            command.CommandText = sql.ToString();
            await command.ExecuteNonQueryAsync();
            pending.Clear();
        }

        void Row(string pid, long seq, string tags, object payload)
        {
            pending.Add((pid, seq, tags, payload));
            ordering++;
            foreach (var tag in last.Keys.ToList())
                if (tags.Contains(";" + tag + ";", StringComparison.Ordinal)) last[tag] = ordering;
        }

        for (var call = 0; call < calls; call++)
        {
            var template = templates[call % templates.Count];
            var instance = CapturedCalls.Instantiate(template, call);
            if (instance is null) continue;
            var (linkedId, recorded, cels) = (instance.LinkedId, instance.Events, instance.Cels);
            foreach (var e in recorded)
            {
                if (e.Kind == RecordedEventKind.Cel) celRows.Add(mapper.ToCelRow(Node, e)!);
                else cdrRows.Add(mapper.ToCdrRow(Node, e)!);
            }
            var pid = "call/" + CallEntityId.Of(Node, linkedId);
            long seqNr = 0;
            for (var i = 0; i < recorded.Count; i += eventsPerRow)
            {
                var chunk = recorded.GetRange(i, Math.Min(eventsPerRow, recorded.Count - i));
                var tags = CapturedCalls.TagCsv(chunk);
                Row(pid, ++seqNr, tags, new CallEventsRecorded(Node, linkedId, chunk));
                eventRows++;
            }
            events += recorded.Count;
            IReadOnlyList<BillingRecord> records = [interpreter.InterpretCall(cels)];
            var completed = new CallCompleted(Node, linkedId, 1, "linkedid-end", DateTimeOffset.UtcNow, records);
            Row(pid, ++seqNr, ";billing;", completed);
            callRows.Add(mapper.ToCallRow(completed, 0));
            cdrRows.Add(mapper.ToDerivedCdrRow(completed, 0));
            if (pending.Count >= 500) await FlushAsync();
        }
        await FlushAsync();
        await system.Terminate();
        return new Built(calls, events, eventRows, sw.Elapsed.TotalSeconds, last, cdrRows, celRows, callRows);
    }
}

/// <summary>--null-sink: reads, batches and maps but writes nothing (the read side's own limit, for diagnosis).</summary>
internal sealed class NullSink(IBillingSink inner) : BillingSinkDecorator(inner)
{
    public override Task WriteAsync(ProjectionBatch batch, CancellationToken ct) => Task.CompletedTask;
}
