using System.Text.Json;
using Telephony.Actors.Calls;
using Telephony.Billing.Hosting;
using Telephony.Billing.Rows;
using Telephony.Billing.Sinks.Beanstalkd;
using Xunit.Abstractions;

namespace Telephony.Billing.Tests;

/// <summary>The beanstalkd sink against the real beanstalkd of scripts/services.sh (jobs reserved back with the tests'
/// own consumer), and against a fake server for the answers a healthy one does not give.</summary>
public class BeanstalkdSinkTests(ITestOutputHelper output)
{
    private const string Projection = "queue:cdr";

    private static BeanstalkdSinkOptions Options(string tube, string? state = null) => new()
    {
        Tube = tube,
        StateFolder = state ?? TestDatabases.TempFolder(),
        TimeToRun = TimeSpan.FromSeconds(120),
        PriorityRules = [new BeanstalkdPriorityRule { Field = "AccountCode", Values = ["1001", "1002"], Priority = 1 }],
        RetryBackoff = TimeSpan.FromMilliseconds(20),
        MaxRetryBackoff = TimeSpan.FromMilliseconds(100),
    };

    private static CdrRow Cdr(string id, string accountCode = "", string lastData = "PJSIP/200,30") =>
        JsonlFileSinkTests.Cdr(id, lastData) with { AccountCode = accountCode };

    private static ProjectionBatch Batch(long offset, params CdrRow[] rows) => new(Projection, offset, rows.Length, 0, rows, [], []);

    [Fact]
    public async Task Each_Cdr_is_put_with_the_keys_of_cdr_beanstalkd_and_the_priority_of_its_rule()
    {
        var tube = TestBeanstalkd.NewTube();
        var sink = new BeanstalkdSink("queue", TestBeanstalkd.Server(), Options(tube));
        await using var consumer = await BeanstalkdConsumer.WatchAsync(TestBeanstalkd.Server(), tube);
        Assert.Equal(0, await sink.ReadOffsetAsync(Projection, CancellationToken.None));
        var unanswered = Cdr("cdr1:b") with { AnswerUtc = null, BillSec = 0, Disposition = "NO ANSWER", AmaFlags = 0 };
        var derived = Cdr("1700000000.1#0", "1001") with { Origin = CdrOrigin.CelDerived };
        var cel = new CelRow { EventType = "CHAN_START", EventTime = DateTime.UtcNow, Node = "pbx1", EventId = "cel1:x", EventTimeUtc = DateTime.UtcNow };
        await sink.WriteAsync(new ProjectionBatch(Projection, 5, 4, 0, [Cdr("cdr1:a", "1001"), unanswered, derived], [cel], []), CancellationToken.None);

        var jobs = (await consumer.DrainAsync()).ToDictionary(j => j.Text("RecordID"));
        Assert.Equal(["cdr1:a", "cdr1:b"], jobs.Keys.Order());
        var a = jobs["cdr1:a"];
        output.WriteLine(a.Body.ToString());
        Assert.Equal(BeanstalkdCdrJob.AsteriskFields, a.Body.EnumerateObject().Select(p => p.Name).Take(BeanstalkdCdrJob.AsteriskFields.Count));
        Assert.Equal(("1001", "100", "200", "\"Alice\" <100>", "Dial", "PJSIP/200,30"),
            (a.Text("AccountCode"), a.Text("Source"), a.Text("Destination"), a.Text("CallerID"), a.Text("LastApplication"), a.Text("LastData")));
        // calldate is 11:00 for a 10:00:00.250 UTC start: the node is at UTC+1, and so are the other times.
        Assert.Equal(("2026-11-22 11:00:00", "2026-11-22 11:00:10", "2026-11-22 11:00:30"), (a.Text("StartTime"), a.Text("AnswerTime"), a.Text("EndTime")));
        Assert.Equal((30, 20), (a.Number("Duration"), a.Number("Billsec")));
        Assert.Equal(JsonValueKind.Number, a.Body.GetProperty("Billsec").ValueKind);
        Assert.Equal(("ANSWERED", "DOCUMENTATION", "1700000000.1", ""), (a.Text("Disposition"), a.Text("AMAFlags"), a.Text("UniqueID"), a.Text("UserField")));
        Assert.Equal(("pbx1", "asterisk-cdr", 0), (a.Text("Node"), a.Text("Origin"), a.Number("Revision")));
        Assert.Equal((1u, 120u), (a.Priority, a.TimeToRun));

        var b = jobs["cdr1:b"];
        Assert.Equal(("", 0, "NO ANSWER", "Unknown"), (b.Text("AnswerTime"), b.Number("Billsec"), b.Text("Disposition"), b.Text("AMAFlags")));
        Assert.Equal(99u, b.Priority);
        Assert.Equal((2, 0, 0), (sink.Inserted, sink.Buried, sink.Quarantined));
        Assert.Equal(5, await sink.ReadOffsetAsync(Projection, CancellationToken.None));
    }

    [Fact]
    public async Task A_restarted_sink_resumes_from_its_offset_file_and_a_batch_already_recorded_is_not_put_again()
    {
        var tube = TestBeanstalkd.NewTube();
        var options = Options(tube);
        await using var consumer = await BeanstalkdConsumer.WatchAsync(TestBeanstalkd.Server(), tube);
        var first = new BeanstalkdSink("queue", TestBeanstalkd.Server(), options);
        await first.ReadOffsetAsync(Projection, CancellationToken.None);
        await first.WriteAsync(Batch(5, Cdr("cdr1:a"), Cdr("cdr1:b")), CancellationToken.None);

        var restarted = new BeanstalkdSink("queue", TestBeanstalkd.Server(), options);
        Assert.Equal(5, await restarted.ReadOffsetAsync(Projection, CancellationToken.None));
        await restarted.WriteAsync(Batch(5, Cdr("cdr1:a"), Cdr("cdr1:b")), CancellationToken.None);
        await restarted.WriteAsync(Batch(9, Cdr("cdr1:c")), CancellationToken.None);
        Assert.Equal(["cdr1:a", "cdr1:b", "cdr1:c"], (await consumer.DrainAsync()).Select(j => j.Text("RecordID")).Order());
        Assert.Equal(9, await new BeanstalkdSink("queue", TestBeanstalkd.Server(), options).ReadOffsetAsync(Projection, CancellationToken.None));
    }

    [Fact]
    public async Task A_job_too_big_for_the_server_is_counted_and_quarantined_never_silently_dropped()
    {
        var tube = TestBeanstalkd.NewTube();
        var sink = new BeanstalkdSink("queue", TestBeanstalkd.Server(), Options(tube));
        await using var consumer = await BeanstalkdConsumer.WatchAsync(TestBeanstalkd.Server(), tube);
        await sink.ReadOffsetAsync(Projection, CancellationToken.None);
        // beanstalkd's default max-job-size is 65535 bytes.
        var huge = Cdr("cdr1:huge", lastData: new string('x', 70_000));
        await sink.WriteAsync(Batch(3, Cdr("cdr1:a"), huge, Cdr("cdr1:b")), CancellationToken.None);

        Assert.Equal(["cdr1:a", "cdr1:b"], (await consumer.DrainAsync()).Select(j => j.Text("RecordID")).Order());
        Assert.Equal((2, 1), (sink.Inserted, sink.Quarantined));
        var quarantined = JsonDocument.Parse(File.ReadAllLines(sink.QuarantinePath).Single()).RootElement;
        Assert.Equal("JOB_TOO_BIG", quarantined.GetProperty("reason").GetString());
        Assert.Equal(tube, quarantined.GetProperty("tube").GetString());
        Assert.Equal("cdr1:huge", quarantined.GetProperty("job").GetProperty("RecordID").GetString());
        Assert.Equal(70_000, quarantined.GetProperty("job").GetProperty("LastData").GetString()!.Length);
        Assert.Equal(3, await sink.ReadOffsetAsync(Projection, CancellationToken.None));
    }

    [Fact]
    public async Task Draining_and_out_of_memory_are_retried_until_every_job_is_inserted_once()
    {
        await using var server = new FakeBeanstalkd("DRAINING", "OUT_OF_MEMORY", "INSERTED 40", "DRAINING", "BURIED 41");
        var sink = new BeanstalkdSink("queue", server.Server, Options("asterisk-cdr"));
        await sink.ReadOffsetAsync(Projection, CancellationToken.None);
        await sink.WriteAsync(Batch(4, Cdr("cdr1:a"), Cdr("cdr1:b"), Cdr("cdr1:c")), CancellationToken.None);

        output.WriteLine(string.Join(", ", server.Replies));
        var accepted = server.Accepted.Select(b => JsonDocument.Parse(b).RootElement.GetProperty("RecordID").GetString()).Order().ToList();
        Assert.Equal(["cdr1:a", "cdr1:b", "cdr1:c"], accepted);
        Assert.Equal((2, 1, 3), (sink.Inserted, sink.Buried, sink.Retried));
        Assert.Equal(4, await sink.ReadOffsetAsync(Projection, CancellationToken.None));
    }

    [Fact]
    public async Task A_server_that_keeps_draining_fails_the_batch_and_the_retry_puts_only_what_was_not_accepted()
    {
        await using var server = new FakeBeanstalkd(["INSERTED 1", .. Enumerable.Repeat("DRAINING", 12)]);
        var state = TestDatabases.TempFolder();
        var sink = new BeanstalkdSink("queue", server.Server, Options("asterisk-cdr", state) with { RetryFor = TimeSpan.FromMilliseconds(150) });
        await sink.ReadOffsetAsync(Projection, CancellationToken.None);
        var batch = Batch(8, Cdr("cdr1:a"), Cdr("cdr1:b"));
        var failure = await Assert.ThrowsAsync<BeanstalkdException>(() => sink.WriteAsync(batch, CancellationToken.None));
        output.WriteLine(failure.Message);
        Assert.Contains("DRAINING", failure.Message, StringComparison.Ordinal);
        Assert.Equal(0, await new BeanstalkdSink("queue", server.Server, Options("asterisk-cdr", state)).ReadOffsetAsync(Projection, CancellationToken.None));

        // The projection backs off and writes the batch again until the server takes jobs: the job accepted before is
        // not put twice.
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await sink.WriteAsync(batch, CancellationToken.None);
                break;
            }
            catch (BeanstalkdException) when (attempt < 20)
            {
                // still draining
            }
        }
        Assert.Equal(["cdr1:a", "cdr1:b"], server.Accepted.Select(b => JsonDocument.Parse(b).RootElement.GetProperty("RecordID").GetString()));
        Assert.Equal(8, await sink.ReadOffsetAsync(Projection, CancellationToken.None));
    }

    [Fact]
    public async Task An_unreachable_server_fails_the_batch_and_leaves_the_offset()
    {
        var sink = new BeanstalkdSink("queue", "127.0.0.1:1", Options("asterisk-cdr") with { RetryFor = TimeSpan.FromMilliseconds(200) });
        await sink.ReadOffsetAsync(Projection, CancellationToken.None);
        await Assert.ThrowsAnyAsync<Exception>(() => sink.WriteAsync(Batch(2, Cdr("cdr1:a")), CancellationToken.None));
        Assert.Equal(0, await sink.ReadOffsetAsync(Projection, CancellationToken.None));
    }

    [Fact]
    public async Task A_rebuild_is_refused_with_the_reason_since_a_tube_cannot_be_taken_back()
    {
        var sink = new BeanstalkdSink("queue", "127.0.0.1:1", Options("asterisk-cdr"));
        var refused = await Assert.ThrowsAsync<NotSupportedException>(() => sink.BeginRebuildAsync(CancellationToken.None));
        Assert.Contains("cannot be rebuilt", refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("-starts-with-dash", "Beanstalkd:Tube")]
    [InlineData("has space", "Beanstalkd:Tube")]
    public void A_bad_tube_name_is_refused_with_the_key_to_fix(string tube, string key)
    {
        var options = new BillingSinkOptions
        {
            Name = "queue", Kind = BillingSinkKind.Beanstalkd, ConnectionString = "127.0.0.1:11300", Beanstalkd = new BeanstalkdSinkOptions { Tube = tube },
        };
        Assert.Contains(key, Assert.Throws<ArgumentException>(options.Validate).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_priority_rule_on_an_unknown_field_is_refused()
    {
        var options = new BeanstalkdSinkOptions { PriorityRules = [new BeanstalkdPriorityRule { Field = "billsec", Values = ["0"], Priority = 1 }] };
        Assert.Contains("Beanstalkd:PriorityRules", Assert.Throws<ArgumentException>(() => new BeanstalkdSink("queue", "127.0.0.1", options)).Message,
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task Through_the_projection_every_Cdr_the_simulator_made_is_in_the_tube_field_for_field()
    {
        await using var sim = await ProjectionScenarioTests.StartSimulatorAsync();
        var journal = TestJournal.Sqlite();
        var tube = TestBeanstalkd.NewTube();
        await using var consumer = await BeanstalkdConsumer.WatchAsync(TestBeanstalkd.Server(), tube);
        var queue = new BillingSinkOptions
        {
            Name = "queue", Kind = BillingSinkKind.Beanstalkd, ConnectionString = TestBeanstalkd.Server(),
            Tags = [CallTags.Cdr, CallTags.Billing],
            Beanstalkd = Options(tube) with
            {
                PriorityRules = [new BeanstalkdPriorityRule { Field = "Disposition", Values = ["ANSWERED"], Priority = 1 }],
            },
        };
        await using var host = await BillingHost.StartAsync(journal, BillingHost.Options(queue), BillingHost.NodeFor(sim.Node));
        await Wait.Until(() => sim.Node.Sessions.LoggedInNow > 0, "the node logs in to the simulator");
        const int calls = 12;
        for (var i = 0; i < calls; i++) sim.Node.StartCall(ProjectionScenarioTests.Scripts[i % ProjectionScenarioTests.Scripts.Length]);
        await Wait.Until(async () => (await host.ReadTagAsync(CallTags.Billing)).Count >= calls, "every call is billed", 60);
        await ProjectionScenarioTests.WaitCaughtUpAsync(host);

        var cdrEvents = ProjectionScenarioTests.Flatten(await host.ReadTagAsync(CallTags.Cdr)).Where(e => e.Kind == RecordedEventKind.Cdr).ToList();
        var jobs = await consumer.DrainAsync();
        output.WriteLine($"{cdrEvents.Count} Cdr events journaled, {jobs.Count} jobs reserved; first: {jobs.FirstOrDefault()?.Body}");
        // Only Asterisk's own Cdr go to the tube (the billing projection's cel-derived records would bill calls twice).
        Assert.Equal(cdrEvents.Select(e => e.Identity).Order(), jobs.Select(j => j.Text("RecordID")).Order());
        var byId = jobs.ToDictionary(j => j.Text("RecordID"));
        foreach (var e in cdrEvents)
        {
            var job = byId[e.Identity];
            string H(string key) => e.Header(key) ?? "";
            Assert.Equal(H("AccountCode"), job.Text("AccountCode"));
            Assert.Equal(H("Source"), job.Text("Source"));
            Assert.Equal(H("Destination"), job.Text("Destination"));
            Assert.Equal(H("DestinationContext"), job.Text("DestinationContext"));
            Assert.Equal(H("CallerID"), job.Text("CallerID"));
            Assert.Equal(H("Channel"), job.Text("Channel"));
            Assert.Equal(H("DestinationChannel"), job.Text("DestinationChannel"));
            Assert.Equal(H("LastApplication"), job.Text("LastApplication"));
            Assert.Equal(H("LastData"), job.Text("LastData"));
            Assert.Equal(H("StartTime")[..19], job.Text("StartTime"));
            Assert.Equal(H("AnswerTime") is { Length: >= 19 } answer ? answer[..19] : "", job.Text("AnswerTime"));
            Assert.Equal(H("EndTime")[..19], job.Text("EndTime"));
            Assert.Equal(H("Duration"), job.Number("Duration").ToString(System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(H("BillableSeconds"), job.Number("Billsec").ToString(System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(H("Disposition"), job.Text("Disposition"));
            Assert.Equal(H("UniqueID"), job.Text("UniqueID"));
            Assert.Equal(H("UserField"), job.Text("UserField"));
            Assert.Equal(H("Disposition") == "ANSWERED" ? 1u : 99u, job.Priority);
        }
        Assert.Contains(jobs, j => j.Priority == 1);
        Assert.Contains(jobs, j => j.Priority == 99);
    }
}
