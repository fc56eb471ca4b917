using System.Globalization;
using Akka.Actor;
using Telephony.Actors.Actions;
using Telephony.Billing.Hosting;
using Telephony.Domain.Actions;
using Xunit.Abstractions;

namespace Telephony.Billing.Tests;

/// <summary>Action queue journal (tag <c>actions</c>) -> the <c>actions</c> projection -> <c>ami_action</c> rows in a
/// real SQLite file and a real MariaDB database.</summary>
public class AmiActionProjectionTests(ITestOutputHelper output)
{
    private const string Projection = "db:actions";

    private static BillingOptions Options(TestBillingDatabase db, Func<Sinks.IBillingSink, Sinks.IBillingSink>? wrap = null) =>
        BillingHost.Options(db.Sink(wrap: wrap) with { Tags = [ActionTags.Actions] });

    [Theory]
    [InlineData("sqlite")]
    [InlineData("mariadb")]
    public async Task Each_action_is_one_row_holding_every_step_and_a_replay_from_offset_zero_changes_nothing(string provider)
    {
        var journal = await TestJournal.CreateAsync(provider);
        var db = await TestBillingDatabase.CreateAsync(provider);
        var lives = ActionLifecycles.FiveLives();
        List<string> before;
        await using (var host = await BillingHost.StartAsync(journal, Options(db)))
        {
            await JournalAsync(host, lives);
            await ProjectionScenarioTests.WaitCaughtUpAsync(host);
            var rows = (await db.QueryAsync($"SELECT * FROM {db.Q("ami_action")} ORDER BY id")).ToDictionary(r => r["id"]!);
            Assert.Equal(["pbx1-1", "pbx1-2", "pbx1-3", "pbx1-4", "pbx1-5"], rows.Keys);

            // The answered Originate: every step's time, what Asterisk told us, and its talk time.
            var originate = rows["pbx1-1"];
            Assert.Equal(("pbx1", "Originate", "ended", "5", "crm-42", "crm-42-chan", "1"),
                (originate["node"], originate["action"], originate["status"], originate["priority"], originate["idempotency_key"],
                    originate["channel_id"], originate["attempts"]));
            Assert.Equal(At(0), Time(originate["queued_at"]));
            Assert.Equal(At(1.000001), Time(originate["sent_at"]));
            Assert.Equal(At(1.2), Time(originate["responded_at"]));
            Assert.Equal(At(5.25), Time(originate["up_at"]));
            Assert.Equal(At(65.5), Time(originate["ended_at"]));
            Assert.Equal(At(65.5), Time(originate["updated_at"]));
            Assert.Equal(("Originate successfully queued", "", "PJSIP/100-00000001", "crm-42-chan", "crm-42-chan", "16"),
                (originate["message"], originate["reason"], originate["channel"], originate["uniqueid"], originate["linkedid"],
                    originate["hangup_cause"]));
            Assert.Equal(60.25m, decimal.Parse(originate["duration"]!, CultureInfo.InvariantCulture));

            var redirect = rows["pbx1-2"];
            Assert.Equal(("Redirect", "failed", "Channel specified does not exist", "1", "9"),
                (redirect["action"], redirect["status"], redirect["message"], redirect["attempts"], redirect["priority"]));
            Assert.Equal((At(1.5), At(1.6), null, null), (Time(redirect["sent_at"]), Time(redirect["responded_at"]), redirect["up_at"], redirect["duration"]));

            var cancelled = rows["pbx1-3"];
            Assert.Equal(("cancelled", "cancelled by client", "0", null), (cancelled["status"], cancelled["message"], cancelled["attempts"], cancelled["sent_at"]));
            Assert.Equal(At(2), Time(cancelled["updated_at"]));

            var expired = rows["pbx1-4"];
            Assert.Equal(("expired", "not sent before expiresAt", "0", null), (expired["status"], expired["message"], expired["attempts"], expired["sent_at"]));
            Assert.Equal(At(30), Time(expired["expires_at"]));

            var unknown = rows["pbx1-5"];
            Assert.Equal(("unknown", "connection lost after send; not resent", "1", null, ""),
                (unknown["status"], unknown["message"], unknown["attempts"], unknown["responded_at"], unknown["channel"]));
            Assert.Equal(At(3), Time(unknown["sent_at"]));

            // A second copy of an ActionQueued (a redelivery journaled again) neither fails on the key nor takes the row back.
            await JournalAsync(host, [lives[0]]);
            await ProjectionScenarioTests.WaitCaughtUpAsync(host);
            Assert.Equal("ended", (await db.QueryAsync($"SELECT status FROM {db.Q("ami_action")} WHERE id = 'pbx1-1'")).Single()["status"]);
            Assert.Equal(0, (await host.StatusAsync(Projection)).Failures);
            before = await SnapshotAsync(db);
        }

        // The projection forgets its offset: every event is applied again, from the first.
        await db.ExecuteAsync($"DELETE FROM {db.Q("projection_offset")} WHERE {db.Q("name")} = '{Projection}'");
        await using (var host = await BillingHost.StartAsync(journal, Options(db)))
        {
            await ProjectionScenarioTests.WaitCaughtUpAsync(host);
            var status = await host.StatusAsync(Projection);
            output.WriteLine(status.ToString());
            Assert.Equal(lives.Count + 1, status.EventsProjected);
            Assert.Equal(0, status.Failures);
            Assert.Equal(before, await SnapshotAsync(db));
        }
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("mariadb")]
    public async Task A_projection_stopped_mid_way_resumes_and_every_action_is_applied_exactly_once(string provider)
    {
        var journal = await TestJournal.CreateAsync(provider);
        var db = await TestBillingDatabase.CreateAsync(provider);
        const int actions = 40;
        var events = ActionLifecycles.ManyOriginates(actions);
        var throttled = Options(db, inner => new ThrottledSink(inner) { Delay = TimeSpan.FromMilliseconds(150) }) with { BatchSize = 4 };

        await using (var host = await BillingHost.StartAsync(journal, throttled))
        {
            await JournalAsync(host, events);
            await Wait.Until(async () => await db.CountAsync("ami_action", "status <> 'queued'") > 0, "some steps are written");
            var status = await host.StatusAsync(Projection);
            output.WriteLine($"stopping at offset {status.Offset}: {status.EventsProjected} of {events.Count} events projected");
            Assert.True(status.EventsProjected < events.Count, "the host stops before the projection has finished (mid-way)");
        }

        await using (var host = await BillingHost.StartAsync(journal, Options(db)))
        {
            await ProjectionScenarioTests.WaitCaughtUpAsync(host);
            var expected = ActionLifecycles.Fold(events);
            var rows = await db.QueryAsync($"SELECT * FROM {db.Q("ami_action")}");
            Assert.Equal(actions, rows.Count);
            foreach (var row in rows)
            {
                var r = expected[row["id"]!];
                // A step applied twice would show as two attempts, or a time moved; a lost one as an earlier status.
                Assert.Equal(("ended", "1", r.Channel, "16"), (row["status"], row["attempts"], row["channel"], row["hangup_cause"]));
                Assert.Equal((r.SentAt, r.RespondedAt, r.UpAt, r.EndedAt),
                    (Offset(row["sent_at"]), Offset(row["responded_at"]), Offset(row["up_at"]), Offset(row["ended_at"])));
                Assert.Equal(Math.Round((decimal)r.DurationSeconds!.Value, 3), decimal.Parse(row["duration"]!, CultureInfo.InvariantCulture));
            }
            Assert.Equal(0, (await host.StatusAsync(Projection)).Failures);
        }
    }

    private static async Task JournalAsync(BillingHost host, IEnumerable<object> events)
    {
        var writer = await host.System.ActorSelection("/user/actions-pbx1").ResolveOne(TimeSpan.FromSeconds(1))
            .ContinueWith(t => t.IsCompletedSuccessfully ? t.Result : host.System.ActorOf(JournalWriter.Props("actions/pbx1"), "actions-pbx1"));
        foreach (var e in events)
            await writer.Ask<JournalWriter.Done>(new JournalWriter.Write(e, ActionTags.Actions), TimeSpan.FromSeconds(10));
    }

    private static DateTime At(double seconds) => ActionLifecycles.At(seconds).UtcDateTime;

    /// <summary>A time column as MariaDB (DateTime) or SQLite (text) gives it back.</summary>
    private static DateTime? Time(string? text) => text is null
        ? null
        : DateTime.ParseExact(text, ["yyyy-MM-dd HH:mm:ss.ffffff", "yyyy-MM-dd HH:mm:ss"], CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    private static DateTimeOffset? Offset(string? text) => Time(text) is { } t ? new DateTimeOffset(t) : null;

    /// <summary>Every ami_action row, every column, in id order.</summary>
    private static async Task<List<string>> SnapshotAsync(TestBillingDatabase db) =>
        (await db.QueryAsync($"SELECT * FROM {db.Q("ami_action")} ORDER BY id"))
        .Select(row => string.Join("|", row.Select(kv => $"{kv.Key}={kv.Value}"))).ToList();
}
