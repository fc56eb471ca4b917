using Telephony.Billing.Rows;

namespace Telephony.Billing.Sinks;

internal enum ColumnType
{
    Text,
    LongText,
    Int,
    NullableInt,
    BigInt,
    Bool,
    DateTime,
    DateTime6,
    NullableDateTime6,

    /// <summary>Seconds to the millisecond, or null.</summary>
    NullableDecimal3,
}

/// <summary>A column, its type and, for text, the length values are cut to (a value too long for a strict-mode MySQL
/// column would fail the whole batch forever: a poison row must not stop billing).</summary>
internal sealed record Column(string Name, ColumnType Type, int Length = 0);

/// <summary>A table: its columns in insert order, the natural key, extra indexes (MySQL only; SQLite index names are
/// per database, which would collide when rebuilt tables are renamed), and how a row gives its values. A row that
/// meets a stored one updates it when its <paramref name="VersionColumn"/> is at least the stored one's (when
/// <paramref name="UpdateOnConflict"/>). <paramref name="KeyIsPrimary"/>: the natural key is the primary key (no
/// surrogate <c>id</c>).</summary>
internal sealed record TableDefinition<TRow>(
    string BaseName,
    IReadOnlyList<Column> Columns,
    IReadOnlyList<string> Key,
    IReadOnlyList<string[]> Indexes,
    bool UpdateOnConflict,
    Func<TRow, object?[]> Values,
    string VersionColumn = "revision",
    bool KeyIsPrimary = false);

/// <summary>
/// The tables a SQL sink writes, one definition for MySQL and SQLite. The <c>cdr</c> table starts with the columns of
/// Asterisk's standard MySQL cdr table (wider text columns: a wider VARCHAR reads the same), then node, origin, the
/// record id of the natural key, the UTC instants and the revision. <c>cel</c> follows Asterisk's cel table (eventtime
/// keeps microseconds). <c>call</c> holds the richer billing record, nested parts as JSON.
/// </summary>
internal static class BillingSchema
{
    /// <summary>Version of the schema this code writes; <see cref="Migrations"/> brings any older database to it.</summary>
    public const int CurrentVersion = 5;

    // Added by migration 2, after the version-1 columns, so that a migrated table and a new one agree column for column.
    // (Declared before the tables that use it: static fields initialise in order.)
    private static readonly Column SecondsPrecisionColumn = new("seconds_precision", ColumnType.Text, 20);

    public static readonly TableDefinition<CdrRow> Cdr = new("cdr",
    [
        new("calldate", ColumnType.DateTime),
        new("clid", ColumnType.Text, 255),
        new("src", ColumnType.Text, 80),
        new("dst", ColumnType.Text, 80),
        new("dcontext", ColumnType.Text, 80),
        new("channel", ColumnType.Text, 255),
        new("dstchannel", ColumnType.Text, 255),
        new("lastapp", ColumnType.Text, 80),
        new("lastdata", ColumnType.Text, 255),
        new("duration", ColumnType.Int),
        new("billsec", ColumnType.Int),
        new("disposition", ColumnType.Text, 45),
        new("amaflags", ColumnType.Int),
        new("accountcode", ColumnType.Text, 80),
        new("uniqueid", ColumnType.Text, 150),
        new("userfield", ColumnType.Text, 255),
        new("linkedid", ColumnType.Text, 150),
        new("sequence", ColumnType.NullableInt),
        new("peeraccount", ColumnType.Text, 80),
        new("node", ColumnType.Text, 80),
        new("origin", ColumnType.Text, 20),
        new("record_id", ColumnType.Text, 200),
        new("start_utc", ColumnType.DateTime6),
        new("answer_utc", ColumnType.NullableDateTime6),
        new("end_utc", ColumnType.DateTime6),
        new("revision", ColumnType.Int),
    ],
    ["node", "origin", "record_id"],
    [["calldate"], ["dst"], ["accountcode"], ["uniqueid"], ["linkedid"]],
    UpdateOnConflict: true,
    r => [r.CallDate, r.Clid, r.Src, r.Dst, r.DContext, r.Channel, r.DstChannel, r.LastApp, r.LastData, r.Duration,
        r.BillSec, r.Disposition, r.AmaFlags, r.AccountCode, r.UniqueId, r.UserField, r.LinkedId, r.Sequence,
        r.PeerAccount, r.Node, r.Origin, r.RecordId, r.StartUtc, r.AnswerUtc, r.EndUtc, r.Revision]);

    public static readonly TableDefinition<CelRow> Cel = new("cel",
    [
        new("eventtype", ColumnType.Text, 80),
        new("eventtime", ColumnType.DateTime6),
        new("userdeftype", ColumnType.Text, 255),
        new("cid_name", ColumnType.Text, 255),
        new("cid_num", ColumnType.Text, 80),
        new("cid_ani", ColumnType.Text, 80),
        new("cid_rdnis", ColumnType.Text, 80),
        new("cid_dnid", ColumnType.Text, 80),
        new("exten", ColumnType.Text, 80),
        new("context", ColumnType.Text, 80),
        new("channame", ColumnType.Text, 255),
        new("appname", ColumnType.Text, 80),
        new("appdata", ColumnType.Text, 512),
        new("amaflags", ColumnType.Int),
        new("accountcode", ColumnType.Text, 80),
        new("peeraccount", ColumnType.Text, 80),
        new("uniqueid", ColumnType.Text, 150),
        new("linkedid", ColumnType.Text, 150),
        new("userfield", ColumnType.Text, 255),
        new("peer", ColumnType.Text, 255),
        new("extra", ColumnType.LongText),
        new("node", ColumnType.Text, 80),
        new("event_id", ColumnType.Text, 64),
        new("eventtime_utc", ColumnType.DateTime6),
    ],
    ["node", "event_id"],
    [["eventtime"], ["linkedid"], ["uniqueid"]],
    UpdateOnConflict: false,
    r => [r.EventType, r.EventTime, r.UserDefType, r.CidName, r.CidNum, r.CidAni, r.CidRdnis, r.CidDnid, r.Exten,
        r.Context, r.ChanName, r.AppName, r.AppData, r.AmaFlags, r.AccountCode, r.PeerAccount, r.UniqueId, r.LinkedId,
        r.UserField, r.Peer, r.Extra, r.Node, r.EventId, r.EventTimeUtc]);

    public static readonly TableDefinition<CallRow> Call = new("call",
    [
        new("node", ColumnType.Text, 80),
        new("linkedid", ColumnType.Text, 150),
        new("record_index", ColumnType.Int),
        new("revision", ColumnType.Int),
        new("reason", ColumnType.Text, 64),
        new("completed_at", ColumnType.DateTime6),
        new("caller_number", ColumnType.Text, 80),
        new("caller_name", ColumnType.Text, 255),
        new("destination", ColumnType.Text, 80),
        new("destination_context", ColumnType.Text, 80),
        new("source_channel", ColumnType.Text, 255),
        new("destination_channel", ColumnType.Text, 255),
        new("start_utc", ColumnType.DateTime6),
        new("answer_utc", ColumnType.NullableDateTime6),
        new("end_utc", ColumnType.DateTime6),
        new("duration", ColumnType.Int),
        new("billsec", ColumnType.Int),
        new("disposition", ColumnType.Text, 45),
        new("hangup_cause", ColumnType.NullableInt),
        new("hangup_source", ColumnType.Text, 255),
        new("dial_status", ColumnType.Text, 45),
        new("accountcode", ColumnType.Text, 80),
        new("peeraccount", ColumnType.Text, 80),
        new("destination_accountcode", ColumnType.Text, 80),
        new("queue_name", ColumnType.Text, 80),
        new("is_complete", ColumnType.Bool),
        new("details", ColumnType.LongText),
        SecondsPrecisionColumn,
    ],
    ["node", "linkedid", "record_index"],
    [["start_utc"], ["accountcode"]],
    UpdateOnConflict: true,
    r => [r.Node, r.LinkedId, r.RecordIndex, r.Revision, r.Reason, r.CompletedAtUtc, r.CallerNumber, r.CallerName,
        r.Destination, r.DestinationContext, r.SourceChannel, r.DestinationChannel ?? "", r.StartUtc, r.AnswerUtc,
        r.EndUtc, r.Duration, r.BillSec, r.Disposition, r.HangupCause, r.HangupSource, r.DialStatus, r.AccountCode,
        r.PeerAccount, r.DestinationAccountCode, r.QueueName ?? "", r.IsComplete, r.Details, r.SecondsPrecision]);

    public static readonly TableDefinition<SegmentRow> Segment = new("call_segment",
    [
        new("node", ColumnType.Text, 80),
        new("linkedid", ColumnType.Text, 150),
        new("record_index", ColumnType.Int),
        new("segment", ColumnType.Int),
        new("revision", ColumnType.Int),
        new("party_a_channel", ColumnType.Text, 255),
        new("party_a_uniqueid", ColumnType.Text, 150),
        new("party_a_number", ColumnType.Text, 80),
        new("party_b_channel", ColumnType.Text, 255),
        new("party_b_uniqueid", ColumnType.Text, 150),
        new("party_b_number", ColumnType.Text, 80),
        new("start_utc", ColumnType.DateTime6),
        new("answer_utc", ColumnType.DateTime6),
        new("end_utc", ColumnType.DateTime6),
        new("duration", ColumnType.Int),
        new("billsec", ColumnType.Int),
        new("began_by", ColumnType.Text, 20),
        new("ended_by", ColumnType.Text, 20),
        new("seconds_precision", ColumnType.Text, 20),
    ],
    ["node", "linkedid", "record_index", "segment"],
    [["answer_utc"], ["party_a_uniqueid"], ["party_b_uniqueid"]],
    UpdateOnConflict: true,
    r => [r.Node, r.LinkedId, r.RecordIndex, r.Segment, r.Revision, r.PartyAChannel, r.PartyAUniqueId, r.PartyANumber,
        r.PartyBChannel, r.PartyBUniqueId, r.PartyBNumber, r.StartUtc, r.AnswerUtc, r.EndUtc, r.Duration, r.BillSec,
        r.BeganBy, r.EndedBy, r.SecondsPrecision]);

    /// <summary>One row per AMI action (primary key: the action id), written by the <c>actions</c> projection; the
    /// journal offset of the last event applied guards replays (see <see cref="AmiActionFold"/>).</summary>
    public static readonly TableDefinition<AmiActionRow> AmiAction = new("ami_action",
    [
        new("id", ColumnType.Text, 190),
        new("node", ColumnType.Text, 80),
        new("action", ColumnType.Text, 80),
        new("status", ColumnType.Text, 20),
        new("priority", ColumnType.Int),
        new("idempotency_key", ColumnType.Text, 200),
        new("not_before", ColumnType.NullableDateTime6),
        new("expires_at", ColumnType.NullableDateTime6),
        new("queued_at", ColumnType.DateTime6),
        new("sent_at", ColumnType.NullableDateTime6),
        new("responded_at", ColumnType.NullableDateTime6),
        new("up_at", ColumnType.NullableDateTime6),
        new("ended_at", ColumnType.NullableDateTime6),
        new("updated_at", ColumnType.DateTime6),
        new("message", ColumnType.Text, 512),
        new("reason", ColumnType.Text, 255),
        new("channel", ColumnType.Text, 255),
        new("uniqueid", ColumnType.Text, 150),
        new("linkedid", ColumnType.Text, 150),
        new("channel_id", ColumnType.Text, 150),
        new("hangup_cause", ColumnType.NullableInt),
        new("duration", ColumnType.NullableDecimal3),
        new("attempts", ColumnType.Int),
        new("journal_offset", ColumnType.BigInt),
    ],
    ["id"],
    [["node", "status"], ["queued_at"], ["updated_at"], ["idempotency_key"], ["channel_id"], ["linkedid"]],
    UpdateOnConflict: true,
    r => [r.Id, r.Node, r.Action, r.Status, r.Priority, r.IdempotencyKey, r.NotBefore, r.ExpiresAt, r.QueuedAt, r.SentAt,
        r.RespondedAt, r.UpAt, r.EndedAt, r.UpdatedAt, r.Message, r.Reason, r.Channel, r.UniqueId, r.LinkedId, r.ChannelId,
        r.HangupCause, r.Duration, r.Attempts, r.JournalOffset],
    VersionColumn: "journal_offset",
    KeyIsPrimary: true);

    public const string OffsetTable = "projection_offset";
    public const string VersionTable = "schema_version";

    /// <summary>Every schema change, in order. A database at version n gets the statements of n+1.. and a row each in
    /// schema_version. Statements are idempotent (IF NOT EXISTS; a column already there is fine), so two members starting
    /// at once both succeed. Migration 1 creates the current tables: a new database then passes through the later
    /// migrations, which find their columns already there.</summary>
    public static IReadOnlyList<(int Version, string Description, Func<SqlDialect, TableNames, IEnumerable<string>> Statements)> Migrations { get; } =
    [
        (1, "cdr, cel, call and projection_offset tables", CreateTables),
        (2, "call.seconds_precision", (d, t) => [d.AddColumn(t.Call, SecondsPrecisionColumn)]),
        (3, "call_segment table", (d, t) => [d.CreateTable(t.Segment, Segment.Columns, Segment.Key, Segment.Indexes)]),
        (4, "ami_action table", (d, t) => [CreateAmiAction(d, t)]),
        (5, "queue_call, queue_agent, agent_session and queue_log tables", QueueReportSchema.CreateTables),
    ];

    /// <summary>The current schema from nothing (also used for fresh rebuild tables).</summary>
    public static IEnumerable<string> CreateTables(SqlDialect d, TableNames t) =>
    [
        d.CreateTable(t.Cdr, Cdr.Columns, Cdr.Key, Cdr.Indexes),
        d.CreateTable(t.Cel, Cel.Columns, Cel.Key, Cel.Indexes),
        d.CreateTable(t.Call, Call.Columns, Call.Key, Call.Indexes),
        d.CreateTable(t.Segment, Segment.Columns, Segment.Key, Segment.Indexes),
        CreateAmiAction(d, t),
        .. QueueReportSchema.CreateTables(d, t),
        d.CreateOffsetTable(t.Offsets),
    ];

    private static string CreateAmiAction(SqlDialect d, TableNames t) =>
        d.CreateTable(t.AmiAction, AmiAction.Columns, AmiAction.Key, AmiAction.Indexes, AmiAction.KeyIsPrimary);
}

/// <summary>The names of one set of tables: the live ones, or a rebuild's (suffixed).</summary>
public sealed record TableNames(string Prefix, string Suffix)
{
    public string Cdr => Prefix + "cdr" + Suffix;
    public string Cel => Prefix + "cel" + Suffix;
    public string Call => Prefix + "call" + Suffix;
    public string Segment => Prefix + "call_segment" + Suffix;
    public string AmiAction => Prefix + "ami_action" + Suffix;
    public string QueueCall => Prefix + "queue_call" + Suffix;
    public string QueueAgent => Prefix + "queue_agent" + Suffix;
    public string AgentSession => Prefix + "agent_session" + Suffix;
    public string QueueLog => Prefix + "queue_log" + Suffix;
    public string Offsets => Prefix + BillingSchema.OffsetTable + Suffix;
    public string Version => Prefix + BillingSchema.VersionTable;
    public IEnumerable<string> All => [Cdr, Cel, Call, Segment, AmiAction, QueueCall, QueueAgent, AgentSession, QueueLog, Offsets];
    public override string ToString() =>
        $"{Cdr}, {Cel}, {Call}, {Segment}, {AmiAction}, {QueueCall}, {QueueAgent}, {AgentSession}, {QueueLog}, {Offsets}";
}
