using System.Globalization;
using Akka.Actor;
using Akka.Persistence.Query;
using Telephony.Actors.Calls;
using Telephony.Billing.Projections;
using Telephony.Billing.Rows;
using Telephony.Billing.Sinks;
using Telephony.Domain.Billing;
using Telephony.Simulator;
using Xunit.Abstractions;

namespace Telephony.Billing.Tests;

/// <summary>Simulator -> node -> call entities -> journal -> billing projections -> SQLite / MariaDB tables.</summary>
public class ProjectionScenarioTests(ITestOutputHelper output)
{
    internal static readonly string[] Scripts = ["answered", "busy", "noanswer", "dial-answered"];

    internal static Task<AsteriskSimulator> StartSimulatorAsync() => AsteriskSimulator.StartAsync(new SimulatorOptions
    {
        Port = 0, TimeScale = 0.01, TimeZone = TimeZoneInfo.Utc, CdrLinkedIdAndSequence = true,
    });

    [Theory]
    [InlineData("sqlite")]
    [InlineData("mariadb")]
    public async Task After_N_calls_the_cdr_table_holds_exactly_the_calls_field_for_field(string provider)
    {
        await using var sim = await StartSimulatorAsync();
        var journal = await TestJournal.CreateAsync(provider);
        var db = await TestBillingDatabase.CreateAsync(provider);
        await using var host = await BillingHost.StartAsync(journal, BillingHost.Options(db.Sink()), BillingHost.NodeFor(sim.Node));
        await Wait.Until(() => sim.Node.Sessions.LoggedInNow > 0, "the node logs in to the simulator");

        const int calls = 12;
        for (var i = 0; i < calls; i++) sim.Node.StartCall(Scripts[i % Scripts.Length]);
        await Wait.Until(async () => (await host.ReadTagAsync(CallTags.Billing)).Count >= calls, "every call is billed", 60);
        await WaitCaughtUpAsync(host, db);

        var cdrEvents = Flatten(await host.ReadTagAsync(CallTags.Cdr)).Where(e => e.Kind == RecordedEventKind.Cdr).ToList();
        var rows = await db.QueryAsync($"SELECT * FROM {db.Q("cdr")} WHERE origin = 'asterisk-cdr'");
        output.WriteLine($"{provider}: {cdrEvents.Count} Cdr events journaled, {rows.Count} asterisk-cdr rows");
        Assert.Equal(cdrEvents.Count, rows.Count);
        Assert.Equal(calls, cdrEvents.Select(e => e.Header("LinkedID")).Distinct().Count());

        var byId = rows.ToDictionary(r => r["record_id"]!);
        foreach (var e in cdrEvents)
        {
            var row = byId[e.Identity];
            string H(string key) => e.Header(key) ?? "";
            Assert.Equal(H("StartTime")[..19], row["calldate"]);
            Assert.Equal(H("CallerID"), row["clid"]);
            Assert.Equal(H("Source"), row["src"]);
            Assert.Equal(H("Destination"), row["dst"]);
            Assert.Equal(H("DestinationContext"), row["dcontext"]);
            Assert.Equal(H("Channel"), row["channel"]);
            Assert.Equal(H("DestinationChannel"), row["dstchannel"]);
            Assert.Equal(H("LastApplication"), row["lastapp"]);
            Assert.Equal(H("LastData"), row["lastdata"]);
            Assert.Equal(H("Duration"), row["duration"]);
            Assert.Equal(H("BillableSeconds"), row["billsec"]);
            Assert.Equal(H("Disposition"), row["disposition"]);
            Assert.Equal(BillingRowMapper.AmaFlagsNumber(H("AMAFlags")).ToString(CultureInfo.InvariantCulture), row["amaflags"]);
            Assert.Equal(H("AccountCode"), row["accountcode"]);
            Assert.Equal(H("UniqueID"), row["uniqueid"]);
            Assert.Equal(H("UserField"), row["userfield"]);
            Assert.Equal(H("LinkedID"), row["linkedid"]);
            Assert.Equal(H("Sequence"), row["sequence"] ?? "");
            Assert.Equal(H("PeerAccount"), row["peeraccount"]);
            Assert.Equal("pbx1", row["node"]);
        }

        var celEvents = Flatten(await host.ReadTagAsync(CallTags.Cel)).Where(e => e.Kind == RecordedEventKind.Cel).ToList();
        Assert.Equal(celEvents.Count, await db.CountAsync("cel"));
        var billed = (await host.ReadTagAsync(CallTags.Billing)).Select(e => (CallCompleted)e.Event).ToList();
        Assert.Equal(billed.Sum(b => b.Records.Count), await db.CountAsync("call"));
        Assert.Equal(billed.Sum(b => b.Records.Count), await db.CountAsync("cdr", "origin = 'cel-derived'"));

        var answered = billed.First(b => b.Records[0].Disposition == CallDisposition.Answered).Records[0];
        var call = (await db.QueryAsync($"SELECT * FROM {db.Q("call")} WHERE linkedid = '{answered.LinkedId}'")).Single();
        Assert.Equal("ANSWERED", call["disposition"]);
        Assert.Equal(answered.BillableSeconds.ToString(CultureInfo.InvariantCulture), call["billsec"]);
        Assert.Equal(answered.SourceChannel, call["source_channel"]);
        Assert.Equal(BillingRowMapper.PrecisionText(answered.Precision), call["seconds_precision"]);

        // One call_segment row per talk period of every record: the dialled calls' caller with the callee.
        var segments = await db.QueryAsync($"SELECT * FROM {db.Q("call_segment")}");
        Assert.Equal(billed.Sum(b => b.Records[0].Segments.Count), segments.Count);
        var dialled = billed.Select(b => b.Records[0]).Where(r => r.Segments.Count > 0).ToList();
        Assert.NotEmpty(dialled);
        foreach (var r in dialled)
        {
            var row = segments.Single(x => x["linkedid"] == r.LinkedId);
            var segment = r.Segments.Single();
            Assert.Equal(("1", segment.PartyA.Channel, segment.PartyB.Channel, "dial", "hangup"),
                (row["segment"], row["party_a_channel"], row["party_b_channel"], row["began_by"], row["ended_by"]));
            Assert.Equal(segment.BillableSeconds.ToString(CultureInfo.InvariantCulture), row["billsec"]);
        }

        var status = await host.StatusAsync();
        foreach (var p in status.Projections) output.WriteLine(p.ToString());
        Assert.All(status.Projections, p => Assert.Equal(0, p.LagEvents));
    }

    [Fact]
    public async Task A_projection_restarted_mid_way_resumes_from_its_offset_without_duplicates()
    {
        await using var sim = await StartSimulatorAsync();
        var journal = await TestJournal.MariaDbAsync();
        var db = await TestBillingDatabase.CreateAsync("mariadb");
        var options = BillingHost.Options(db.Sink(wrap: inner => new ThrottledSink(inner) { Delay = TimeSpan.FromMilliseconds(300) }))
            with { BatchSize = 2 };

        await using (var host = await BillingHost.StartAsync(journal, options, BillingHost.NodeFor(sim.Node)))
        {
            await Wait.Until(() => sim.Node.Sessions.LoggedInNow > 0, "the node logs in");
            for (var i = 0; i < 20; i++) sim.Node.StartCall(Scripts[i % Scripts.Length]);
            await Wait.Until(async () => (await host.ReadTagAsync(CallTags.Billing)).Count >= 20, "every call is billed", 60);
            await Wait.Until(async () => await db.CountAsync("cel") > 0, "the projection has written some rows");
            var journaled = Flatten(await host.ReadTagAsync(CallTags.Cel)).Count(e => e.Kind == RecordedEventKind.Cel);
            var written = await db.CountAsync("cel");
            output.WriteLine($"stopping the host with {written} of {journaled} cel rows written");
            Assert.True(written < journaled, "the host stops before the cel projection has finished (mid-way)");
        }

        await using (var host = await BillingHost.StartAsync(journal, options with { Sinks = [db.Sink()] }, BillingHost.NodeFor(sim.Node)))
        {
            await Wait.Until(() => sim.Node.Sessions.LoggedInNow > 0, "the node logs in again");
            for (var i = 0; i < 8; i++) sim.Node.StartCall(Scripts[i % Scripts.Length]);
            await Wait.Until(async () => (await host.ReadTagAsync(CallTags.Billing)).Count >= 28, "every call is billed", 60);
            await WaitCaughtUpAsync(host, db);
            await AssertTablesMatchJournalAsync(host, db);
        }
    }

    [Fact]
    public async Task A_sink_that_fails_for_a_while_backs_off_then_resumes_with_exact_rows()
    {
        await using var sim = await StartSimulatorAsync();
        var journal = TestJournal.Sqlite();
        var db = await TestBillingDatabase.CreateAsync("mariadb");
        FlakySink? flaky = null;
        var options = BillingHost.Options(db.Sink(wrap: inner => flaky = new FlakySink(inner) { Failing = true }));
        await using var host = await BillingHost.StartAsync(journal, options, BillingHost.NodeFor(sim.Node));
        await Wait.Until(() => sim.Node.Sessions.LoggedInNow > 0, "the node logs in");
        for (var i = 0; i < 8; i++) sim.Node.StartCall(Scripts[i % Scripts.Length]);
        await Wait.Until(async () => (await host.ReadTagAsync(CallTags.Billing)).Count >= 8, "every call is billed", 60);

        await Wait.Until(async () => (await host.StatusAsync("db:cdr")).Failures >= 3, "the projection failed and retried");
        var failing = await host.StatusAsync("db:cdr");
        output.WriteLine(failing.ToString());
        Assert.Equal(ProjectionState.BackingOff, failing.State);
        Assert.NotNull(failing.LastError);
        Assert.Equal(0, await db.CountAsync("cdr"));

        flaky!.Failing = false;
        await WaitCaughtUpAsync(host, db);
        await AssertTablesMatchJournalAsync(host, db);
        var resumed = await host.StatusAsync("db:cdr");
        Assert.Equal(ProjectionState.Running, resumed.State);
        Assert.Null(resumed.LastError);
    }

    [Fact]
    public async Task A_billing_database_on_a_wrong_port_is_retried_until_it_is_fixed()
    {
        await using var sim = await StartSimulatorAsync();
        var journal = TestJournal.Sqlite();
        var db = await TestBillingDatabase.CreateAsync("mariadb");
        var wrongPort = new MySqlConnector.MySqlConnectionStringBuilder(db.ConnectionString) { Port = 1, ConnectionTimeout = 2 };
        MisconfiguredSink? sink = null;
        var options = BillingHost.Options(db.Sink(wrap: good =>
            sink = new MisconfiguredSink(SqlBillingSink.MySql(good.Name, wrongPort.ConnectionString), good)));
        await using var host = await BillingHost.StartAsync(journal, options, BillingHost.NodeFor(sim.Node));
        await Wait.Until(() => sim.Node.Sessions.LoggedInNow > 0, "the node logs in");
        for (var i = 0; i < 6; i++) sim.Node.StartCall(Scripts[i % Scripts.Length]);
        await Wait.Until(async () => (await host.StatusAsync("db:billing")).Failures >= 2, "the projection cannot connect and backs off");
        output.WriteLine((await host.StatusAsync("db:billing")).LastError);

        sink!.Fix();
        await Wait.Until(async () => (await host.ReadTagAsync(CallTags.Billing)).Count >= 6, "every call is billed", 60);
        await WaitCaughtUpAsync(host, db);
        await AssertTablesMatchJournalAsync(host, db);
    }

    [Fact]
    public async Task A_throttled_sink_lags_while_calls_flow_then_drains_to_zero()
    {
        await using var sim = await StartSimulatorAsync();
        var journal = TestJournal.Sqlite();
        var db = await TestBillingDatabase.CreateAsync("sqlite");
        var options = BillingHost.Options(db.Sink(wrap: inner => new ThrottledSink(inner) { Delay = TimeSpan.FromMilliseconds(500) }))
            with { BatchSize = 3 };
        await using var host = await BillingHost.StartAsync(journal, options, BillingHost.NodeFor(sim.Node));
        await Wait.Until(() => sim.Node.Sessions.LoggedInNow > 0, "the node logs in");

        for (var i = 0; i < 16; i++) sim.Node.StartCall(Scripts[i % Scripts.Length]);
        long maxLag = 0;
        double maxSeconds = 0;
        await Wait.Until(async () =>
        {
            var s = await host.StatusAsync("db:cel");
            maxLag = Math.Max(maxLag, s.LagEvents);
            maxSeconds = Math.Max(maxSeconds, s.LagSeconds);
            return maxLag >= 10 && maxSeconds > 0.5;
        }, "the cel projection falls behind the journal");
        // Ingestion is not held back: every call is journaled and billed while the sink is still behind.
        await Wait.Until(async () => (await host.ReadTagAsync(CallTags.Billing)).Count >= 16, "every call is billed", 60);
        Assert.True((await host.StatusAsync("db:cel")).LagEvents > 0, "still behind when ingestion has finished");
        output.WriteLine($"max lag {maxLag} events, {maxSeconds:F1} s");

        await WaitCaughtUpAsync(host, db, seconds: 90);
        var drained = await host.StatusAsync("db:cel");
        Assert.Equal(0, drained.LagEvents);
        Assert.Equal(0, drained.LagSeconds);
        await AssertTablesMatchJournalAsync(host, db);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("mariadb")]
    public async Task An_amended_record_updates_its_row_and_an_older_revision_never_overwrites_it(string provider)
    {
        var journal = await TestJournal.CreateAsync(provider);
        var db = await TestBillingDatabase.CreateAsync(provider);
        await using var host = await BillingHost.StartAsync(journal, BillingHost.Options(db.Sink()));
        var writer = host.System.ActorOf(JournalWriter.Props("call/pbx9/1700000000.1"), "writer");
        var start = new DateTimeOffset(2026, 11, 22, 10, 0, 0, TimeSpan.Zero);
        var first = Completed(1, new BillingRecord
        {
            LinkedId = "1700000000.1", SourceChannel = "PJSIP/100-00000001", CallerNumber = "100", Destination = "200",
            Start = start, End = start.AddSeconds(30), DurationSeconds = 30, BillableSeconds = 0,
            Disposition = CallDisposition.NoAnswer,
        });
        var amended = Completed(2, first.Records[0] with
        {
            Answer = start.AddSeconds(10), BillableSeconds = 20, Disposition = CallDisposition.Answered,
            DestinationChannel = "PJSIP/200-00000002",
        });

        await writer.Ask<JournalWriter.Done>(new JournalWriter.Write(first, CallTags.Billing), TimeSpan.FromSeconds(10));
        await Wait.Until(async () => await db.CountAsync("call") == 1, "the first revision is projected");
        await writer.Ask<JournalWriter.Done>(new JournalWriter.Write(amended, CallTags.Billing), TimeSpan.FromSeconds(10));
        await Wait.Until(async () => (await db.QueryAsync($"SELECT revision FROM {db.Q("call")}")).Single()["revision"] == "2",
            "the amended revision updates the row");

        var call = (await db.QueryAsync($"SELECT * FROM {db.Q("call")}")).Single();
        Assert.Equal("ANSWERED", call["disposition"]);
        Assert.Equal("20", call["billsec"]);
        Assert.Equal("PJSIP/200-00000002", call["destination_channel"]);
        var cdr = (await db.QueryAsync($"SELECT * FROM {db.Q("cdr")}")).Single();
        Assert.Equal(("cel-derived", "ANSWERED", "20", "2"), (cdr["origin"], cdr["disposition"], cdr["billsec"], cdr["revision"]));

        // A late copy of revision 1 (a second writer, a replay) does not take the row back.
        await writer.Ask<JournalWriter.Done>(new JournalWriter.Write(first, CallTags.Billing), TimeSpan.FromSeconds(10));
        await WaitCaughtUpAsync(host, db);
        Assert.Equal("2", (await db.QueryAsync($"SELECT revision FROM {db.Q("call")}")).Single()["revision"]);
        Assert.Equal("ANSWERED", (await db.QueryAsync($"SELECT disposition FROM {db.Q("cdr")}")).Single()["disposition"]);
    }

    [Fact]
    public async Task A_rebuild_from_zero_gives_the_same_rows_while_the_sink_keeps_projecting()
    {
        await using var sim = await StartSimulatorAsync();
        var journal = TestJournal.Sqlite();
        var db = await TestBillingDatabase.CreateAsync("mariadb");
        var other = await TestBillingDatabase.CreateAsync("sqlite");
        await using var host = await BillingHost.StartAsync(journal, BillingHost.Options(db.Sink("mysql"), other.Sink("sqlite")),
            BillingHost.NodeFor(sim.Node));
        await Wait.Until(() => sim.Node.Sessions.LoggedInNow > 0, "the node logs in");
        for (var i = 0; i < 10; i++) sim.Node.StartCall(Scripts[i % Scripts.Length]);
        await Wait.Until(async () => (await host.ReadTagAsync(CallTags.Billing)).Count >= 10, "every call is billed", 60);
        await WaitCaughtUpAsync(host, db);
        var before = await SnapshotAsync(db);

        var reply = await host.Billing.Ask<object>(new RebuildSink("mysql"), TimeSpan.FromSeconds(10));
        Assert.IsType<RebuildAccepted>(reply);
        Assert.IsType<RebuildRejected>(await host.Billing.Ask<object>(new RebuildSink("nope"), TimeSpan.FromSeconds(10)));
        await Wait.Until(async () => (await host.StatusAsync()).Rebuilds.Any(r => r.Phase == RebuildPhase.Completed),
            "the rebuild completes", 60);
        Assert.Equal(before, await SnapshotAsync(db));

        // The live projections resumed from the rebuilt offsets.
        for (var i = 0; i < 4; i++) sim.Node.StartCall(Scripts[i % Scripts.Length]);
        await Wait.Until(async () => (await host.ReadTagAsync(CallTags.Billing)).Count >= 14, "the new calls are billed", 60);
        await WaitCaughtUpAsync(host, db);
        await AssertTablesMatchJournalAsync(host, db);
        await AssertTablesMatchJournalAsync(host, other);
        Assert.Empty(await db.QueryAsync("SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() AND (table_name LIKE '%_rebuild' OR table_name LIKE '%_old')"));
    }

    private static CallCompleted Completed(int revision, BillingRecord record) =>
        new("pbx9", record.LinkedId, revision, revision == 1 ? "linkedid-end" : "late-events", record.End.AddSeconds(1), [record]);

    internal static IEnumerable<RecordedEvent> Flatten(IEnumerable<EventEnvelope> envelopes) =>
        envelopes.Select(e => e.Event).OfType<CallEventsRecorded>().SelectMany(r => r.Events);

    /// <summary>Every projection of every sink is running (its schema and offset read) and has measured zero lag in a
    /// measurement begun after this call and after its last write.</summary>
    internal static async Task WaitCaughtUpAsync(BillingHost host, TestBillingDatabase? db = null, int seconds = 60)
    {
        var since = DateTimeOffset.UtcNow;
        await Wait.Until(async () =>
        {
            var status = await host.StatusAsync();
            return status.Projections.Count > 0 && status.Projections.All(p =>
                p.State == ProjectionState.Running && p.LagEvents == 0 &&
                p.LagMeasuredAt > since && p.LagMeasuredAt > (p.LastWriteAt ?? DateTimeOffset.MinValue));
        }, "every projection has caught up with the journal", seconds);
    }

    /// <summary>The tables hold exactly what the journal holds: one row per Cdr / CEL event / billing record, no more.
    /// Asterisk sends a call's Cdr after its LINKEDID_END, so the journal may still grow for a moment after the calls
    /// are billed: compare until both agree (or time runs out, then show the difference).</summary>
    private static async Task AssertTablesMatchJournalAsync(BillingHost host, TestBillingDatabase db)
    {
        (List<string>, List<string>)[] last = [];
        var deadline = DateTime.UtcNow.AddSeconds(30);
        do
        {
            last = await CompareAsync(host, db);
            if (last.All(pair => pair.Item1.SequenceEqual(pair.Item2))) return;
            await Task.Delay(200);
        } while (DateTime.UtcNow < deadline);
        foreach (var (expected, actual) in last) Assert.Equal(expected, actual);
    }

    private static async Task<(List<string>, List<string>)[]> CompareAsync(BillingHost host, TestBillingDatabase db)
    {
        var events = Flatten(await host.ReadTagAsync(CallTags.Cdr)).Concat(Flatten(await host.ReadTagAsync(CallTags.Cel)))
            .DistinctBy(e => e.Identity).ToList();
        var cdrIds = events.Where(e => e.Kind == RecordedEventKind.Cdr).Select(e => e.Identity).Order().ToList();
        var celIds = events.Where(e => e.Kind == RecordedEventKind.Cel).Select(e => e.Identity).Order().ToList();
        var billed = (await host.ReadTagAsync(CallTags.Billing)).Select(e => (CallCompleted)e.Event)
            .SelectMany(c => c.Records.Select((_, i) => $"{c.LinkedId}#{i}")).Distinct().Order().ToList();
        return
        [
            (cdrIds, (await db.QueryAsync($"SELECT record_id FROM {db.Q("cdr")} WHERE origin = 'asterisk-cdr'")).Select(r => r["record_id"]!).Order().ToList()),
            (celIds, (await db.QueryAsync($"SELECT event_id FROM {db.Q("cel")}")).Select(r => r["event_id"]!).Order().ToList()),
            (billed, (await db.QueryAsync($"SELECT record_id FROM {db.Q("cdr")} WHERE origin = 'cel-derived'")).Select(r => r["record_id"]!).Order().ToList()),
            (billed, (await db.QueryAsync($"SELECT linkedid, record_index FROM {db.Q("call")}")).Select(r => $"{r["linkedid"]}#{r["record_index"]}").Order().ToList()),
        ];
    }

    /// <summary>Every row of the three tables without the surrogate id, in a stable order.</summary>
    private static async Task<List<string>> SnapshotAsync(TestBillingDatabase db)
    {
        var all = new List<string>();
        foreach (var table in new[] { "cdr", "cel", "call" })
            foreach (var row in await db.QueryAsync($"SELECT * FROM {db.Q(table)}"))
                all.Add(table + ": " + string.Join("|", row.Where(kv => kv.Key != "id").Select(kv => $"{kv.Key}={kv.Value}")));
        all.Sort(StringComparer.Ordinal);
        return all;
    }
}
