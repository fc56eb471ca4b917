using Telephony.Billing.Hosting;
using Telephony.Billing.Rows;
using Telephony.Billing.Sinks;

namespace Telephony.Billing.Tests;

/// <summary>The SQL sink on its own, against a real SQLite file and a real MariaDB database.</summary>
public class SqlBillingSinkTests
{
    private static SqlBillingSink SinkFor(TestBillingDatabase db) => db.Kind == BillingSinkKind.MySql
        ? SqlBillingSink.MySql("db", db.ConnectionString)
        : SqlBillingSink.Sqlite("db", db.ConnectionString);

    private static CdrRow Cdr(string id, string lastData = "PJSIP/200,30") => new()
    {
        CallDate = new DateTime(2026, 11, 22, 10, 0, 0), Src = "100", Dst = "200", LastApp = "Dial", LastData = lastData,
        Duration = 30, BillSec = 20, Disposition = "ANSWERED", UniqueId = "1700000000.1", Node = "pbx1",
        Origin = CdrOrigin.AsteriskCdr, RecordId = id, StartUtc = new DateTime(2026, 11, 22, 10, 0, 0, DateTimeKind.Utc),
        EndUtc = new DateTime(2026, 11, 22, 10, 0, 30, DateTimeKind.Utc),
    };

    private static ProjectionBatch Batch(long offset, params CdrRow[] rows) => new("db:cdr", offset, rows.Length, 0, rows, [], []);

    [Theory]
    [InlineData("sqlite")]
    [InlineData("mariadb")]
    public async Task The_schema_is_created_once_with_its_version_and_starting_again_changes_nothing(string provider)
    {
        var db = await TestBillingDatabase.CreateAsync(provider);
        await SinkFor(db).EnsureSchemaAsync(CancellationToken.None);
        await SinkFor(db).EnsureSchemaAsync(CancellationToken.None);
        Assert.Equal(SchemaVersion, await SinkFor(db).SchemaVersionAsync(CancellationToken.None));
        Assert.Equal(SchemaVersion, await db.CountAsync("schema_version"));
        foreach (var table in new[] { "cdr", "cel", "call", "call_segment", "ami_action", "queue_call", "queue_agent", "agent_session", "queue_log", "projection_offset" }) Assert.Equal(0, await db.CountAsync(table));
    }

    /// <summary>The schema version this build writes (one row per migration in schema_version).</summary>
    private const int SchemaVersion = 5;

    [Theory]
    [InlineData("sqlite")]
    [InlineData("mariadb")]
    public async Task A_database_of_the_first_schema_is_migrated_in_place_and_keeps_its_rows(string provider)
    {
        var db = await TestBillingDatabase.CreateAsync(provider);
        await SinkFor(db).EnsureSchemaAsync(CancellationToken.None);
        // Back to what version 1 made: no seconds_precision column, one version row.
        await db.ExecuteAsync($"ALTER TABLE {db.Q("call")} DROP COLUMN {db.Q("seconds_precision")}");
        await db.ExecuteAsync($"DELETE FROM {db.Q("schema_version")} WHERE {db.Q("version")} > 1");
        await db.ExecuteAsync($"INSERT INTO {db.Q("call")} ({db.Q("node")}, {db.Q("linkedid")}, {db.Q("completed_at")}, {db.Q("start_utc")}, " +
                              $"{db.Q("end_utc")}, {db.Q("details")}) VALUES ('pbx1', 'old-call', '2026-11-22 10:00:00', '2026-11-22 10:00:00', '2026-11-22 10:00:30', '{{}}')");

        var sink = SinkFor(db);
        await sink.EnsureSchemaAsync(CancellationToken.None);
        await sink.WriteAsync(new ProjectionBatch("db:billing", 3, 1, 0, [], [], [Call("new-call", "timestamp")]), CancellationToken.None);

        Assert.Equal(SchemaVersion, await sink.SchemaVersionAsync(CancellationToken.None));
        var rows = (await db.QueryAsync($"SELECT linkedid, seconds_precision FROM {db.Q("call")} ORDER BY linkedid")).ToList();
        Assert.Equal(["new-call", "old-call"], rows.Select(r => r["linkedid"]));
        Assert.Equal(["timestamp", ""], rows.Select(r => r["seconds_precision"]));
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("mariadb")]
    public async Task An_amended_record_replaces_its_segments_and_an_older_revision_never_brings_them_back(string provider)
    {
        var db = await TestBillingDatabase.CreateAsync(provider);
        var sink = SinkFor(db);
        // Revision 1: caller with agent, then with the transfer target. Revision 2 (late events): one conversation.
        await sink.WriteAsync(CallWithSegments(1, 1, "SIP/agent-01", "SIP/target-02"), CancellationToken.None);
        await sink.WriteAsync(CallWithSegments(2, 2, "SIP/agent-01"), CancellationToken.None);
        await sink.WriteAsync(CallWithSegments(1, 3, "SIP/agent-01", "SIP/target-02"), CancellationToken.None); // replayed old

        var rows = await db.QueryAsync($"SELECT segment, revision, party_b_channel, billsec FROM {db.Q("call_segment")} ORDER BY segment");
        var row = Assert.Single(rows);
        Assert.Equal(("1", "2", "SIP/agent-01"), (row["segment"], row["revision"], row["party_b_channel"]));
    }

    private static ProjectionBatch CallWithSegments(int revision, long offset, params string[] partiesB)
    {
        var start = new DateTime(2026, 11, 22, 10, 0, 0, DateTimeKind.Utc);
        var segments = partiesB.Select((b, i) => new SegmentRow
        {
            Node = "pbx1", LinkedId = "1700000000.1", RecordIndex = 0, Segment = i + 1, Revision = revision,
            PartyAChannel = "SIP/alice-00", PartyBChannel = b, StartUtc = start.AddSeconds(10 * i),
            AnswerUtc = start.AddSeconds(10 * i + 2), EndUtc = start.AddSeconds(10 * i + 9), Duration = 9, BillSec = 7,
            BeganBy = i == 0 ? "dial" : "transfer", EndedBy = i == partiesB.Length - 1 ? "hangup" : "transfer", SecondsPrecision = "timestamp",
        }).ToList();
        return new ProjectionBatch("db:billing", offset, 1, 0, [], [], [Call("1700000000.1", "timestamp") with { Revision = revision }], segments);
    }

    private static CallRow Call(string linkedId, string precision) => new()
    {
        Node = "pbx1", LinkedId = linkedId, RecordIndex = 0, Revision = 1, CompletedAtUtc = DateTime.UtcNow,
        StartUtc = new DateTime(2026, 11, 22, 10, 0, 0, DateTimeKind.Utc), EndUtc = new DateTime(2026, 11, 22, 10, 0, 30, DateTimeKind.Utc),
        Duration = 30, BillSec = 20, SecondsPrecision = precision,
    };

    [Theory]
    [InlineData("sqlite")]
    [InlineData("mariadb")]
    public async Task A_batch_written_twice_leaves_one_row_each_and_the_offset_never_goes_back(string provider)
    {
        var db = await TestBillingDatabase.CreateAsync(provider);
        var sink = SinkFor(db);
        Assert.Equal(0, await sink.ReadOffsetAsync("db:cdr", CancellationToken.None));
        await sink.WriteAsync(Batch(10, Cdr("cdr1:a"), Cdr("cdr1:b")), CancellationToken.None);
        await sink.WriteAsync(Batch(12, Cdr("cdr1:b"), Cdr("cdr1:c")), CancellationToken.None);
        await sink.WriteAsync(Batch(10, Cdr("cdr1:a"), Cdr("cdr1:b")), CancellationToken.None);
        Assert.Equal(3, await db.CountAsync("cdr"));
        Assert.Equal(12, await sink.ReadOffsetAsync("db:cdr", CancellationToken.None));
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("mariadb")]
    public async Task A_value_longer_than_its_column_is_cut_instead_of_failing_the_batch_forever(string provider)
    {
        var db = await TestBillingDatabase.CreateAsync(provider);
        await SinkFor(db).WriteAsync(Batch(1, Cdr("cdr1:long", lastData: new string('x', 1000))), CancellationToken.None);
        Assert.Equal(255, (await db.QueryAsync($"SELECT lastdata FROM {db.Q("cdr")}")).Single()["lastdata"]!.Length);
    }

    [Fact]
    public async Task A_failed_batch_leaves_neither_rows_nor_offset()
    {
        var db = await TestBillingDatabase.CreateAsync("mariadb");
        var sink = SinkFor(db);
        await sink.WriteAsync(Batch(5, Cdr("cdr1:a")), CancellationToken.None);
        await db.ExecuteAsync("ALTER TABLE `cel` ADD CONSTRAINT only_known CHECK (eventtype <> 'BROKEN')");
        var cel = new CelRow
        {
            EventType = "BROKEN", EventTime = DateTime.UtcNow, Node = "pbx1", EventId = "cel1:x", EventTimeUtc = DateTime.UtcNow,
        };
        var broken = new ProjectionBatch("db:cdr", 9, 2, 0, [Cdr("cdr1:b")], [cel], []);
        await Assert.ThrowsAnyAsync<Exception>(() => sink.WriteAsync(broken, CancellationToken.None));
        Assert.Equal(1, await db.CountAsync("cdr"));
        Assert.Equal(5, await sink.ReadOffsetAsync("db:cdr", CancellationToken.None));
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("mariadb")]
    public async Task Text_with_tabs_newlines_backslashes_and_unicode_reads_back_exactly_as_written(string provider)
    {
        var db = await TestBillingDatabase.CreateAsync(provider);
        var awkward = "Dial\tPJSIP/200\\x,\"30\"\r\nnext\\N line \u00e9\u4e2d\U0001F4DE";
        var cel = new CelRow
        {
            EventType = "APP_START", EventTime = new DateTime(2026, 11, 22, 10, 0, 0, 123, 456), Node = "pbx1", EventId = "cel1:a",
            EventTimeUtc = new DateTime(2026, 11, 22, 10, 0, 0, 123, 456, DateTimeKind.Utc), AppData = awkward, Extra = "\\N",
            CidName = "\t",
        };
        await SinkFor(db).WriteAsync(new ProjectionBatch("db:cel", 3, 1, 0, [Cdr("cdr1:a", lastData: awkward)], [cel], []),
            CancellationToken.None);
        Assert.Equal(awkward, (await db.QueryAsync($"SELECT lastdata FROM {db.Q("cdr")}")).Single()["lastdata"]);
        var row = (await db.QueryAsync($"SELECT appdata, extra, cid_name, answer_utc FROM {db.Q("cel")} JOIN {db.Q("cdr")} ON 1=1")).Single();
        Assert.Equal(awkward, row["appdata"]);
        Assert.Equal("\\N", row["extra"]);
        Assert.Equal("\t", row["cid_name"]);
        Assert.Null(row["answer_utc"]);
        // Microseconds kept where the column has them, whole seconds where it has none.
        Assert.Equal(1, await db.CountAsync("cel", "eventtime = '2026-11-22 10:00:00.123456'"));
        Assert.Equal(1, await db.CountAsync("cdr", "calldate = '2026-11-22 10:00:00' AND end_utc = '2026-11-22 10:00:30.000000'"));
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("mariadb")]
    public async Task An_amendment_in_the_same_batch_or_a_later_one_wins_and_an_older_revision_changes_nothing(string provider)
    {
        var db = await TestBillingDatabase.CreateAsync(provider);
        var sink = SinkFor(db);
        await sink.WriteAsync(Batch(1, Cdr("call1#0") with { BillSec = 10 }, Cdr("call1#0") with { BillSec = 11, Revision = 1 },
            Cdr("call2#0")), CancellationToken.None);
        Assert.Equal("11", (await db.QueryAsync($"SELECT billsec FROM {db.Q("cdr")} WHERE record_id = 'call1#0'")).Single()["billsec"]);
        await sink.WriteAsync(Batch(2, Cdr("call1#0") with { BillSec = 12, Revision = 2 }, Cdr("call3#0")), CancellationToken.None);
        await sink.WriteAsync(Batch(3, Cdr("call1#0") with { BillSec = 5, Revision = 1 }), CancellationToken.None);
        var rows = await db.QueryAsync($"SELECT billsec, revision FROM {db.Q("cdr")} WHERE record_id = 'call1#0'");
        Assert.Equal(("12", "2"), (rows.Single()["billsec"], rows.Single()["revision"]));
        Assert.Equal(3, await db.CountAsync("cdr"));
    }
}
