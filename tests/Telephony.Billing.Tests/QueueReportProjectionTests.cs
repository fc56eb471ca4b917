using System.Globalization;
using Akka.Actor;
using Telephony.Actors.Queues;
using Telephony.Billing.Hosting;
using Telephony.Domain.Queues.QueueLog;
using Xunit.Abstractions;

namespace Telephony.Billing.Tests;

/// <summary>Queue and agent journals (tag <c>queues</c>) -> the <c>queues</c> projection -> queue_call, queue_agent,
/// agent_session and queue_log rows in a real SQLite file and a real MariaDB database.</summary>
public class QueueReportProjectionTests(ITestOutputHelper output)
{
    private const string Projection = "db:queues";
    private static readonly string[] Scenarios = [.. QueueFixtures.CallScenarios, "agent"];
    private static readonly string[] Tables = ["queue_call", "queue_agent", "agent_session", "queue_log"];

    private static BillingOptions Options(TestBillingDatabase db, int batchSize = 200) =>
        BillingHost.Options(db.Sink() with { Tags = [QueueTags.Queues] }) with { BatchSize = batchSize };

    [Theory]
    [InlineData("sqlite")]
    [InlineData("mariadb")]
    public async Task Every_scenario_is_folded_into_rows_across_batches_and_two_replays_from_offset_zero_change_nothing(string provider)
    {
        var journal = await TestJournal.CreateAsync(provider);
        var db = await TestBillingDatabase.CreateAsync(provider);
        var events = Scenarios.SelectMany(QueueFixtures.Events).ToList();
        List<string> before;
        // Batches of 3 events: most stays and the agent's session are read back from the tables between their events.
        await using (var host = await BillingHost.StartAsync(journal, Options(db, batchSize: 3)))
        {
            await JournalAsync(host, events);
            await ProjectionScenarioTests.WaitCaughtUpAsync(host);
            Assert.Equal(0, (await host.StatusAsync(Projection)).Failures);

            var lines = (await db.QueryAsync($"SELECT * FROM {db.Q("queue_log")} ORDER BY journal_offset, line_no")).ToList();
            Assert.Equal(Scenarios.SelectMany(QueueFixtures.QueueLog), lines.Select(l => l["line"]));
            foreach (var l in lines)
            {
                var e = QueueLogEntry.Parse(l["line"]).Value!;
                Assert.Equal((l["callid"], l["queuename"], l["agent"], l["event"], l["data1"] ?? ""), (e.CallId, e.Queue, e.Agent, e.Event, e.Data[0]));
                Assert.Equal(e.Time.UtcDateTime, Time(l["time"]));
            }
            Assert.All(lines.Where(l => l["callid"] is not ("NONE" or "MANAGER")), l => Assert.Equal("pbx1", l["node"]));

            var calls = await db.QueryAsync($"SELECT * FROM {db.Q("queue_call")} ORDER BY queue, caller_uniqueid");
            Assert.Equal(10, calls.Count);
            Assert.Equal(["abandoned", "abandoned", "abandoned", "answered", "answered", "answered", "broken_out", "overflowed", "refused", "timed_out"],
                calls.Select(c => c["outcome"]).Order());
            var cross = calls.Single(c => c["caller_uniqueid"] == "1795341600.40");
            Assert.Equal(("pbx1", "1795341600.40", "pbx2", "1795341601.3", "2001", "6.000", "120.000"),
                (cross["caller_node"], cross["caller_linkedid"], cross["agent_node"], cross["agent_linkedid"], cross["agent_id"],
                    Seconds(cross["wait_seconds"]), Seconds(cross["talk_seconds"])));
            var retried = calls.Single(c => c["caller_uniqueid"] == "1795341600.8");
            Assert.Equal(("2", "1002", "caller", "[]"), (retried["attempts"], retried["agent_id"], retried["ended_by"], retried["open_legs"]));
            var abandoned = calls.Single(c => c["caller_uniqueid"] == "1795341602.21");
            Assert.Equal(("2", "2", "28.000", null), (abandoned["join_position"], abandoned["abandon_position"], Seconds(abandoned["wait_seconds"]), abandoned["connected_at"]));
            var overflowed = calls.Single(c => c["caller_uniqueid"] == "1795341600.30" && c["queue"] == "overflow");
            Assert.Equal(("support", "1", "abandoned"), (overflowed["from_queue"], overflowed["joined_seq"], overflowed["outcome"]));

            var sessions = await db.QueryAsync($"SELECT * FROM {db.Q("agent_session")} ORDER BY session");
            Assert.Equal(2, sessions.Count);
            Assert.Equal(("1001", "1", "400.000", "2", "1", "60.500", "1", "end of shift"),
                (sessions[0]["agent_id"], sessions[0]["session"], Seconds(sessions[0]["paused_seconds"]), sessions[0]["pauses"], sessions[0]["calls"],
                    Seconds(sessions[0]["talk_seconds"]), sessions[0]["no_answers"], sessions[0]["logout_reason"]));
            Assert.Equal((new DateTime(2026, 11, 22, 10, 0, 10), new DateTime(2026, 11, 22, 10, 16, 40)),
                (Time(sessions[0]["logged_in_at"]), Time(sessions[0]["logged_out_at"])));
            Assert.Null(sessions[1]["logged_out_at"]);
            var agent = (await db.QueryAsync($"SELECT * FROM {db.Q("queue_agent")}")).Single();
            Assert.Equal(("1001", "available", "support:0", "2"), (agent["agent_id"], agent["status"], agent["queues"], agent["session"]));
            before = await SnapshotAsync(db);
        }

        // The projection forgets its offset, twice: every event is folded again over the rows it already made.
        for (var replay = 1; replay <= 2; replay++)
        {
            await db.ExecuteAsync($"DELETE FROM {db.Q("projection_offset")} WHERE {db.Q("name")} = '{Projection}'");
            await using var host = await BillingHost.StartAsync(journal, Options(db));
            await ProjectionScenarioTests.WaitCaughtUpAsync(host);
            var status = await host.StatusAsync(Projection);
            output.WriteLine($"replay {replay}: {status}");
            Assert.Equal(events.Count, status.EventsProjected);
            Assert.Equal(0, status.Failures);
            Assert.Equal(before, await SnapshotAsync(db));
        }
    }

    private static async Task JournalAsync(BillingHost host, IEnumerable<(string PersistenceId, object Event)> events)
    {
        var writers = new Dictionary<string, IActorRef>();
        foreach (var (persistenceId, e) in events)
        {
            if (!writers.TryGetValue(persistenceId, out var writer))
                writers[persistenceId] = writer = host.System.ActorOf(JournalWriter.Props(persistenceId), persistenceId.Replace('/', '-'));
            await writer.Ask<JournalWriter.Done>(new JournalWriter.Write(e, QueueTags.Queues), TimeSpan.FromSeconds(10));
        }
    }

    /// <summary>DECIMAL(12,3) (MariaDB) or REAL (SQLite) as three decimals.</summary>
    private static string? Seconds(string? text) =>
        text is null ? null : decimal.Parse(text, CultureInfo.InvariantCulture).ToString("0.000", CultureInfo.InvariantCulture);

    private static DateTime? Time(string? text) => text is null
        ? null
        : DateTime.ParseExact(text, ["yyyy-MM-dd HH:mm:ss.ffffff", "yyyy-MM-dd HH:mm:ss"], CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    /// <summary>Every row of the four tables, every column, in key order.</summary>
    private static async Task<List<string>> SnapshotAsync(TestBillingDatabase db)
    {
        var rows = new List<string>();
        foreach (var table in Tables)
        {
            var order = table switch
            {
                "queue_call" => "queue, caller_node, caller_uniqueid, joined_seq",
                "queue_agent" => "agent_id",
                "agent_session" => "agent_id, session",
                _ => "journal_offset, line_no",
            };
            rows.AddRange((await db.QueryAsync($"SELECT * FROM {db.Q(table)} ORDER BY {order}"))
                .Select(row => table + ": " + string.Join("|", row.Select(kv => $"{kv.Key}={kv.Value}"))));
        }
        return rows;
    }
}
