using Telephony.Billing.Rows;

namespace Telephony.Billing.Sinks;

/// <summary>
/// The call-queue report tables the <c>queues</c> projection writes (schema migration 5): <c>queue_call</c> (one row
/// per stay of a caller in a queue), <c>queue_agent</c> (each agent's state: what the sessions are folded from),
/// <c>agent_session</c> (one row per login) and <c>queue_log</c> (Asterisk's queue_log lines and their parts). The
/// upserted ones take a row when its journal_offset is at least the stored one's; queue_log rows are only inserted.
/// </summary>
internal static class QueueReportSchema
{
    public static readonly TableDefinition<QueueCallRow> QueueCall = new("queue_call",
    [
        new("queue", ColumnType.Text, 80),
        new("caller_node", ColumnType.Text, 80),
        new("caller_uniqueid", ColumnType.Text, 150),
        new("joined_seq", ColumnType.BigInt),
        new("caller_channel", ColumnType.Text, 255),
        new("caller_linkedid", ColumnType.Text, 150),
        new("caller_id_num", ColumnType.Text, 80),
        new("caller_id_name", ColumnType.Text, 80),
        new("priority", ColumnType.Int),
        new("from_queue", ColumnType.Text, 80),
        new("joined_at", ColumnType.DateTime6),
        new("connected_at", ColumnType.NullableDateTime6),
        new("ended_at", ColumnType.NullableDateTime6),
        new("wait_seconds", ColumnType.NullableDecimal3),
        new("talk_seconds", ColumnType.NullableDecimal3),
        new("agent_id", ColumnType.Text, 80),
        new("agent_node", ColumnType.Text, 80),
        new("agent_linkedid", ColumnType.Text, 150),
        new("outcome", ColumnType.Text, 20),
        new("ended_by", ColumnType.Text, 40),
        new("exit_to", ColumnType.Text, 255),
        new("join_position", ColumnType.Int),
        new("abandon_position", ColumnType.NullableInt),
        new("attempts", ColumnType.Int),
        new("open_legs", ColumnType.LongText),
        new("journal_offset", ColumnType.BigInt),
    ],
    ["queue", "caller_node", "caller_uniqueid", "joined_seq"],
    [["joined_at"], ["outcome"], ["caller_node", "caller_linkedid"], ["agent_node", "agent_linkedid"], ["agent_id"]],
    UpdateOnConflict: true,
    r => [r.Queue, r.CallerNode, r.CallerUniqueId, r.JoinedSeq, r.CallerChannel, r.CallerLinkedId, r.CallerIdNum,
        r.CallerIdName, r.Priority, r.FromQueue, r.JoinedAt, r.ConnectedAt, r.EndedAt, r.WaitSeconds, r.TalkSeconds,
        r.AgentId, r.AgentNode, r.AgentLinkedId, r.Outcome, r.EndedBy, r.ExitTo, r.JoinPosition, r.AbandonPosition,
        r.Attempts, r.OpenLegs, r.JournalOffset],
    VersionColumn: "journal_offset",
    KeyIsPrimary: true);

    public static readonly TableDefinition<QueueAgentRow> QueueAgent = new("queue_agent",
    [
        new("agent_id", ColumnType.Text, 80),
        new("status", ColumnType.Text, 20),
        new("queues", ColumnType.LongText),
        new("session", ColumnType.Int),
        new("logged_in_at", ColumnType.NullableDateTime6),
        new("logged_out_at", ColumnType.NullableDateTime6),
        new("logout_reason", ColumnType.Text, 255),
        new("paused_since", ColumnType.NullableDateTime6),
        new("pause_reason", ColumnType.Text, 255),
        new("paused_seconds", ColumnType.NullableDecimal3),
        new("pauses", ColumnType.Int),
        new("calls", ColumnType.Int),
        new("talk_seconds", ColumnType.NullableDecimal3),
        new("no_answers", ColumnType.Int),
        new("on_call_reservation", ColumnType.Text, 150),
        new("on_call_since", ColumnType.NullableDateTime6),
        new("updated_at", ColumnType.DateTime6),
        new("journal_offset", ColumnType.BigInt),
    ],
    ["agent_id"],
    [["status"]],
    UpdateOnConflict: true,
    r => [r.AgentId, r.Status, r.Queues, r.Session, r.LoggedInAt, r.LoggedOutAt, r.LogoutReason, r.PausedSince,
        r.PauseReason, r.PausedSeconds, r.Pauses, r.Calls, r.TalkSeconds, r.NoAnswers, r.OnCallReservation,
        r.OnCallSince, r.UpdatedAt, r.JournalOffset],
    VersionColumn: "journal_offset",
    KeyIsPrimary: true);

    public static readonly TableDefinition<AgentSessionRow> AgentSession = new("agent_session",
    [
        new("agent_id", ColumnType.Text, 80),
        new("session", ColumnType.Int),
        new("logged_in_at", ColumnType.DateTime6),
        new("logged_out_at", ColumnType.NullableDateTime6),
        new("logout_reason", ColumnType.Text, 255),
        new("paused_seconds", ColumnType.NullableDecimal3),
        new("pauses", ColumnType.Int),
        new("calls", ColumnType.Int),
        new("talk_seconds", ColumnType.NullableDecimal3),
        new("no_answers", ColumnType.Int),
        new("journal_offset", ColumnType.BigInt),
    ],
    ["agent_id", "session"],
    [["logged_in_at"]],
    UpdateOnConflict: true,
    r => [r.AgentId, r.Session, r.LoggedInAt, r.LoggedOutAt, r.LogoutReason, r.PausedSeconds, r.Pauses, r.Calls,
        r.TalkSeconds, r.NoAnswers, r.JournalOffset],
    VersionColumn: "journal_offset",
    KeyIsPrimary: true);

    public static readonly TableDefinition<QueueLogRow> QueueLog = new("queue_log",
    [
        new("journal_offset", ColumnType.BigInt),
        new("line_no", ColumnType.Int),
        new("time", ColumnType.DateTime),
        new("callid", ColumnType.Text, 150),
        new("queuename", ColumnType.Text, 80),
        new("agent", ColumnType.Text, 80),
        new("event", ColumnType.Text, 32),
        new("data1", ColumnType.Text, 255),
        new("data2", ColumnType.Text, 255),
        new("data3", ColumnType.Text, 255),
        new("data4", ColumnType.Text, 255),
        new("data5", ColumnType.Text, 255),
        new("node", ColumnType.Text, 80),
        new("line", ColumnType.LongText),
    ],
    ["journal_offset", "line_no"],
    [["time"], ["queuename", "time"], ["node", "callid"], ["agent", "time"]],
    UpdateOnConflict: false,
    r => [r.JournalOffset, r.LineNo, r.Time, r.CallId, r.Queue, r.Agent, r.Event, r.Data1, r.Data2, r.Data3, r.Data4,
        r.Data5, r.Node, r.Line],
    KeyIsPrimary: true);

    public static IEnumerable<string> CreateTables(SqlDialect d, TableNames t) =>
    [
        d.CreateTable(t.QueueCall, QueueCall.Columns, QueueCall.Key, QueueCall.Indexes, QueueCall.KeyIsPrimary),
        d.CreateTable(t.QueueAgent, QueueAgent.Columns, QueueAgent.Key, QueueAgent.Indexes, QueueAgent.KeyIsPrimary),
        d.CreateTable(t.AgentSession, AgentSession.Columns, AgentSession.Key, AgentSession.Indexes, AgentSession.KeyIsPrimary),
        d.CreateTable(t.QueueLog, QueueLog.Columns, QueueLog.Key, QueueLog.Indexes, QueueLog.KeyIsPrimary),
    ];
}
