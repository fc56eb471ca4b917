using System.Text.Json.Serialization;
using Telephony.Domain.Queues.QueueLog;

namespace Telephony.Billing.Rows;

/// <summary>One journal event of a queue entity (persistence id <c>queue/&lt;name&gt;</c>, <see cref="Entity"/> = the
/// queue) or of an agent entity (<c>agent/&lt;id&gt;</c>, <see cref="Entity"/> = the agent id), tag <c>queues</c>.</summary>
/// <param name="Offset">The event's journal ordering.</param>
/// <param name="SequenceNr">Its sequence number in its entity's journal (names a refused join, which has no sequence).</param>
/// <param name="Event">An <c>IQueueEvent</c> or an <c>IAgentEvent</c>.</param>
public sealed record QueueJournalEntry(long Offset, long SequenceNr, string Entity, object Event);

/// <summary>
/// One row of <c>queue_call</c>: one stay of a caller in a queue, keyed by (queue, caller_node, caller_uniqueid,
/// joined_seq), upserted as the stay goes on (guarded by <see cref="JournalOffset"/>). <see cref="JoinedSeq"/> is the
/// queue's <c>CallerJoined.Sequence</c>; a refused join has none and takes minus its queue-journal sequence number (so
/// two refusals of one channel stay two rows and never meet a join). The caller's node + LinkedID and the agent's node +
/// LinkedID are the two halves of a cross-node conversation: each joins the <c>cdr</c>/<c>call</c> rows of its node.
/// Instants are UTC to the microsecond; <see cref="Outcome"/> is empty while the stay goes on.
/// </summary>
public sealed record QueueCallRow
{
    public required string Queue { get; init; }
    public required string CallerNode { get; init; }
    public required string CallerUniqueId { get; init; }
    public required long JoinedSeq { get; init; }
    public string CallerChannel { get; init; } = "";
    public string CallerLinkedId { get; init; } = "";
    public string CallerIdNum { get; init; } = "";
    public string CallerIdName { get; init; } = "";
    public int Priority { get; init; }

    /// <summary>The queue the caller overflowed from, when it came by overflow.</summary>
    public string FromQueue { get; init; } = "";

    public required DateTime JoinedAt { get; init; }
    public DateTime? ConnectedAt { get; init; }
    public DateTime? EndedAt { get; init; }

    /// <summary>Joined to connected (answered), or joined to leaving (otherwise), to the millisecond; null while waiting.</summary>
    public decimal? WaitSeconds { get; init; }

    /// <summary>Connected to completed, to the millisecond.</summary>
    public decimal? TalkSeconds { get; init; }

    public string AgentId { get; init; } = "";
    public string AgentNode { get; init; } = "";
    public string AgentLinkedId { get; init; } = "";

    /// <summary>answered, abandoned, timed_out, overflowed, broken_out, left_empty, dropped, refused; empty while in
    /// the queue (waiting, ringing or talking).</summary>
    public string Outcome { get; init; } = "";

    /// <summary>agent or caller (who hung up an answered call); the refusal reason of a refused join.</summary>
    public string EndedBy { get; init; } = "";

    /// <summary>Where a timed-out or emptied caller went: <c>queue &lt;name&gt;</c> or <c>context,exten,priority</c>.</summary>
    public string ExitTo { get; init; } = "";

    /// <summary>Position joined at (1 = head); 0 for a refused join.</summary>
    public int JoinPosition { get; init; }

    /// <summary>Position when the caller left without an agent (abandon, timeout, empty, dropped).</summary>
    public int? AbandonPosition { get; init; }

    /// <summary>Agent legs offered (ring-all offers several at once).</summary>
    public int Attempts { get; init; }

    /// <summary>The agent legs ringing now, as <see cref="OpenLeg"/>s in JSON (<c>[]</c> once none): what the
    /// RINGNOANSWER / RINGCANCELED / CONNECT lines of a later batch need (ring time).</summary>
    public string OpenLegs { get; init; } = "[]";

    public required long JournalOffset { get; init; }

    [JsonIgnore]
    public (string, string, string) Caller => (Queue, CallerNode, CallerUniqueId);

    [JsonIgnore]
    public bool IsOpen => Outcome.Length == 0;
}

/// <summary>An agent leg ringing for a caller: reservation, agent, agent node, when it was offered.</summary>
public sealed record OpenLeg(string R, string A, string N, DateTime T);

/// <summary>
/// One row of <c>queue_agent</c>: an agent as its journal left it (primary key: agent id), the state the
/// <c>agent_session</c> rows and the PAUSE / ADDMEMBER lines are folded from. <see cref="Queues"/> is the member queues
/// with their penalty (<c>sales:0,support:5</c>, by name).
/// </summary>
public sealed record QueueAgentRow
{
    public required string AgentId { get; init; }

    /// <summary>logged_out, available or paused.</summary>
    public string Status { get; init; } = "logged_out";

    public string Queues { get; init; } = "";

    /// <summary>Logins so far: the current (or last) session's number, 0 before the first.</summary>
    public int Session { get; init; }

    public DateTime? LoggedInAt { get; init; }
    public DateTime? LoggedOutAt { get; init; }
    public string LogoutReason { get; init; } = "";
    public DateTime? PausedSince { get; init; }
    public string PauseReason { get; init; } = "";
    public decimal PausedSeconds { get; init; }
    public int Pauses { get; init; }
    public int Calls { get; init; }
    public decimal TalkSeconds { get; init; }
    public int NoAnswers { get; init; }
    public string OnCallReservation { get; init; } = "";
    public DateTime? OnCallSince { get; init; }
    public required DateTime UpdatedAt { get; init; }
    public required long JournalOffset { get; init; }
}

/// <summary>One row of <c>agent_session</c>: one login of an agent (key agent_id, session), its totals so far.</summary>
public sealed record AgentSessionRow
{
    public required string AgentId { get; init; }
    public required int Session { get; init; }
    public required DateTime LoggedInAt { get; init; }
    public DateTime? LoggedOutAt { get; init; }
    public string LogoutReason { get; init; } = "";
    public decimal PausedSeconds { get; init; }
    public int Pauses { get; init; }
    public int Calls { get; init; }
    public decimal TalkSeconds { get; init; }
    public int NoAnswers { get; init; }
    public required long JournalOffset { get; init; }

    public static AgentSessionRow Of(QueueAgentRow a) => new()
    {
        AgentId = a.AgentId,
        Session = a.Session,
        LoggedInAt = a.LoggedInAt!.Value,
        LoggedOutAt = a.LoggedOutAt,
        LogoutReason = a.LogoutReason,
        PausedSeconds = a.PausedSeconds,
        Pauses = a.Pauses,
        Calls = a.Calls,
        TalkSeconds = a.TalkSeconds,
        NoAnswers = a.NoAnswers,
        JournalOffset = a.JournalOffset,
    };
}

/// <summary>
/// One row of <c>queue_log</c>: one line of Asterisk's queue_log (<see cref="Line"/>, exactly as app_queue writes it)
/// and its parts, keyed by the journal event it came from (journal_offset, line_no). <see cref="Node"/> is the caller's
/// node (uniqueids are only unique per node); empty for member lines.
/// </summary>
public sealed record QueueLogRow
{
    public required long JournalOffset { get; init; }
    public required int LineNo { get; init; }
    public required DateTime Time { get; init; }
    public required string CallId { get; init; }
    public required string Queue { get; init; }
    public required string Agent { get; init; }
    public required string Event { get; init; }
    public string Data1 { get; init; } = "";
    public string Data2 { get; init; } = "";
    public string Data3 { get; init; } = "";
    public string Data4 { get; init; } = "";
    public string Data5 { get; init; } = "";
    public string Node { get; init; } = "";
    public required string Line { get; init; }

    public static QueueLogRow From(QueueLogEntry e, long journalOffset, int lineNo, string node)
    {
        string D(int i) => i < e.Data.Count ? e.Data[i] : "";
        return new QueueLogRow
        {
            JournalOffset = journalOffset,
            LineNo = lineNo,
            Time = e.Time.UtcDateTime,
            CallId = e.CallId,
            Queue = e.Queue,
            Agent = e.Agent,
            Event = e.Event,
            Data1 = D(0),
            Data2 = D(1),
            Data3 = D(2),
            Data4 = D(3),
            // Asterisk's realtime table has five data columns; a longer line keeps its tail in data5.
            Data5 = e.Data.Count > 5 ? string.Join('|', e.Data.Skip(4)) : D(4),
            Node = node,
            Line = e.Format(),
        };
    }
}

/// <summary>What a batch of <c>queues</c> events changed: rows to upsert and queue_log lines to add.</summary>
/// <param name="WithoutJoin">Queue events of a caller whose CallerJoined is neither stored nor in the batch (not written).</param>
public sealed record QueueReportChanges(
    IReadOnlyList<QueueCallRow> Calls,
    IReadOnlyList<QueueAgentRow> Agents,
    IReadOnlyList<AgentSessionRow> Sessions,
    IReadOnlyList<QueueLogRow> Log,
    int WithoutJoin)
{
    public static readonly QueueReportChanges None = new([], [], [], [], 0);
}

internal static class ReportTime
{
    /// <summary>UTC, cut to the microsecond a DATETIME(6) keeps: a row is the same whichever batches built it.</summary>
    public static DateTime Micro(DateTimeOffset t)
    {
        var utc = t.UtcDateTime;
        return utc.AddTicks(-(utc.Ticks % 10));
    }

    public static DateTimeOffset Offset(DateTime utc) => new(DateTime.SpecifyKind(utc, DateTimeKind.Utc));

    /// <summary>Seconds between two instants, never negative, to the millisecond.</summary>
    public static decimal Seconds(DateTime from, DateTime to) =>
        Math.Round((decimal)Math.Max(0, (to - from).TotalSeconds), 3);
}
