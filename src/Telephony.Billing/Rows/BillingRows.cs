namespace Telephony.Billing.Rows;

/// <summary>Where a <c>cdr</c> row came from: Asterisk's own Cdr event, or the billing record the call entity derived
/// from CEL.</summary>
public static class CdrOrigin
{
    public const string AsteriskCdr = "asterisk-cdr";
    public const string CelDerived = "cel-derived";
}

/// <summary>One row of the <c>cdr</c> table: the columns of Asterisk's standard MySQL cdr table (cdr_mysql /
/// cdr_adaptive_odbc), then ours. <see cref="CallDate"/> is the node's local start time, as Asterisk writes it; the
/// <c>*Utc</c> columns are the instants. Natural key: (<see cref="Node"/>, <see cref="Origin"/>, <see cref="RecordId"/>).</summary>
public sealed record CdrRow
{
    public required DateTime CallDate { get; init; }
    public string Clid { get; init; } = "";
    public string Src { get; init; } = "";
    public string Dst { get; init; } = "";
    public string DContext { get; init; } = "";
    public string Channel { get; init; } = "";
    public string DstChannel { get; init; } = "";
    public string LastApp { get; init; } = "";
    public string LastData { get; init; } = "";
    public int Duration { get; init; }
    public int BillSec { get; init; }
    public string Disposition { get; init; } = "";
    public int AmaFlags { get; init; }
    public string AccountCode { get; init; } = "";
    public string UniqueId { get; init; } = "";
    public string UserField { get; init; } = "";
    public string LinkedId { get; init; } = "";
    public int? Sequence { get; init; }
    public string PeerAccount { get; init; } = "";

    public required string Node { get; init; }
    public required string Origin { get; init; }

    /// <summary>asterisk-cdr: the journaled event identity (<c>cdr1:...</c>); cel-derived: <c>linkedid#index</c>.</summary>
    public required string RecordId { get; init; }

    public required DateTime StartUtc { get; init; }
    public DateTime? AnswerUtc { get; init; }
    public required DateTime EndUtc { get; init; }

    /// <summary>0 for Asterisk's Cdr; the CallCompleted revision for cel-derived rows (a higher one updates the row).</summary>
    public int Revision { get; init; }
}

/// <summary>One row of the <c>cel</c> table, in the shape of Asterisk's cel table (cel_odbc / the realtime schema)
/// plus the node and the event identity (natural key: node, event_id).</summary>
public sealed record CelRow
{
    public required string EventType { get; init; }
    public required DateTime EventTime { get; init; }
    public string UserDefType { get; init; } = "";
    public string CidName { get; init; } = "";
    public string CidNum { get; init; } = "";
    public string CidAni { get; init; } = "";
    public string CidRdnis { get; init; } = "";
    public string CidDnid { get; init; } = "";
    public string Exten { get; init; } = "";
    public string Context { get; init; } = "";
    public string ChanName { get; init; } = "";
    public string AppName { get; init; } = "";
    public string AppData { get; init; } = "";
    public int AmaFlags { get; init; }
    public string AccountCode { get; init; } = "";
    public string PeerAccount { get; init; } = "";
    public string UniqueId { get; init; } = "";
    public string LinkedId { get; init; } = "";
    public string UserField { get; init; } = "";
    public string Peer { get; init; } = "";
    public string Extra { get; init; } = "";

    public required string Node { get; init; }
    public required string EventId { get; init; }
    public required DateTime EventTimeUtc { get; init; }
}

/// <summary>One row of the <c>call</c> table: a billing record as the call entity derived it from CEL. Natural key:
/// (node, linkedid, record_index); a higher <see cref="Revision"/> updates the row.</summary>
public sealed record CallRow
{
    public required string Node { get; init; }
    public required string LinkedId { get; init; }
    public required int RecordIndex { get; init; }
    public required int Revision { get; init; }
    public string Reason { get; init; } = "";
    public required DateTime CompletedAtUtc { get; init; }
    public string CallerNumber { get; init; } = "";
    public string CallerName { get; init; } = "";
    public string Destination { get; init; } = "";
    public string DestinationContext { get; init; } = "";
    public string SourceChannel { get; init; } = "";
    public string? DestinationChannel { get; init; }
    public required DateTime StartUtc { get; init; }
    public DateTime? AnswerUtc { get; init; }
    public required DateTime EndUtc { get; init; }
    public int Duration { get; init; }
    public int BillSec { get; init; }

    /// <summary>Where duration and billsec come from: <c>timestamp</c> (manager Timestamp headers, exact),
    /// <c>asterisk-cdr</c> (Asterisk's Cdr of the originating channel, exact) or <c>whole-seconds</c> (Asterisk's figure or
    /// one second more).</summary>
    public string SecondsPrecision { get; init; } = "";
    public string Disposition { get; init; } = "";
    public int? HangupCause { get; init; }
    public string HangupSource { get; init; } = "";
    public string DialStatus { get; init; } = "";
    public string AccountCode { get; init; } = "";
    public string PeerAccount { get; init; } = "";
    public string DestinationAccountCode { get; init; } = "";
    public string? QueueName { get; init; }
    public bool IsComplete { get; init; }

    /// <summary>The nested parts (queue, transfers, park, pickup, local optimisations, forwards, user events, moved and
    /// joined channels, notes) as JSON.</summary>
    public string Details { get; init; } = "{}";
}

/// <summary>What one projection writes in one transaction: the rows of a batch of journal events and the offset
/// (journal ordering) of the last of them.</summary>
public sealed record ProjectionBatch(
    string Projection,
    long Offset,
    int EventCount,
    long LastEventTimestamp,
    IReadOnlyList<CdrRow> Cdr,
    IReadOnlyList<CelRow> Cel,
    IReadOnlyList<CallRow> Calls,
    IReadOnlyList<SegmentRow>? SegmentRows = null,
    IReadOnlyList<ActionJournalEntry>? ActionEntries = null,
    IReadOnlyList<QueueJournalEntry>? QueueEntries = null)
{
    /// <summary>The <c>call_segment</c> rows of the batch's billing records.</summary>
    public IReadOnlyList<SegmentRow> Segments => SegmentRows ?? [];

    /// <summary>The action queue events of the batch (tag <c>actions</c>), in journal order: a SQL sink applies them to
    /// the <c>ami_action</c> rows they touch, a file sink writes them as they are.</summary>
    public IReadOnlyList<ActionJournalEntry> Actions => ActionEntries ?? [];

    /// <summary>The queue and agent events of the batch (tag <c>queues</c>), in journal order: a sink folds them into
    /// its queue report rows (<see cref="QueueReportFold"/>).</summary>
    public IReadOnlyList<QueueJournalEntry> Queues => QueueEntries ?? [];

    public int RowCount => Cdr.Count + Cel.Count + Calls.Count + Segments.Count + Actions.Count + Queues.Count;
}

/// <summary>One row of the <c>call_segment</c> table: one period two parties of a call were bridged (see
/// <c>CallSegment</c>). Natural key (node, linkedid, record_index, segment); rows of a call carry its billing revision,
/// and a revision replaces the segments of the one before.</summary>
public sealed record SegmentRow
{
    public required string Node { get; init; }
    public required string LinkedId { get; init; }
    public required int RecordIndex { get; init; }
    public required int Segment { get; init; }
    public required int Revision { get; init; }
    public string PartyAChannel { get; init; } = "";
    public string PartyAUniqueId { get; init; } = "";
    public string PartyANumber { get; init; } = "";
    public string PartyBChannel { get; init; } = "";
    public string PartyBUniqueId { get; init; } = "";
    public string PartyBNumber { get; init; } = "";
    public required DateTime StartUtc { get; init; }
    public required DateTime AnswerUtc { get; init; }
    public required DateTime EndUtc { get; init; }
    public int Duration { get; init; }
    public int BillSec { get; init; }
    public string BeganBy { get; init; } = "";
    public string EndedBy { get; init; } = "";

    /// <summary><c>timestamp</c> (manager Timestamp headers: exact), <c>asterisk-cdr</c> (Asterisk's Cdr of the same two
    /// channels over the same talk: exact) or <c>whole-seconds</c>.</summary>
    public string SecondsPrecision { get; init; } = "";
}
