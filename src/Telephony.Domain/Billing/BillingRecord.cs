namespace Telephony.Domain.Billing;

/// <summary>
/// One billed call: everything that happened under one LinkedID, from the caller's point of view, derived from CEL by
/// <see cref="Interpretation.CelBillingInterpreter"/> (see <see cref="Interpretation.BillingRules"/> for how each
/// number is obtained). Times are UTC.
/// </summary>
public sealed record BillingRecord
{
    public required string LinkedId { get; init; }

    /// <summary>The caller's number and name (the originating channel's caller id).</summary>
    public string CallerNumber { get; init; } = "";

    public string CallerName { get; init; } = "";

    /// <summary>The extension the call was placed to (the originating channel's first extension) and its context.</summary>
    public string Destination { get; init; } = "";

    public string DestinationContext { get; init; } = "";

    /// <summary>The originating channel (UniqueID = LinkedID).</summary>
    public required string SourceChannel { get; init; }

    /// <summary>The channel the caller was connected to (through Local channels); when nobody answered, the last
    /// channel that was rung; null when nothing was dialled.</summary>
    public string? DestinationChannel { get; init; }

    public required DateTimeOffset Start { get; init; }
    public DateTimeOffset? Answer { get; init; }
    public required DateTimeOffset End { get; init; }

    /// <summary>Whole seconds from <see cref="Start"/> to <see cref="End"/>.</summary>
    public required int DurationSeconds { get; init; }

    /// <summary>Whole seconds from <see cref="Answer"/> to <see cref="End"/>; 0 when not answered.</summary>
    public required int BillableSeconds { get; init; }

    /// <summary>How exact <see cref="DurationSeconds"/> and <see cref="BillableSeconds"/> are; see
    /// <see cref="SecondsPrecision"/>.</summary>
    public SecondsPrecision Precision { get; init; } = SecondsPrecision.WholeSeconds;

    public required CallDisposition Disposition { get; init; }

    /// <summary>The first non-zero hangup cause on the caller's side (16 normal clearing, 17 busy, 19 no answer...).</summary>
    public int? HangupCause { get; init; }

    /// <summary>Who hung up first on the caller's side (<c>dialplan/builtin</c>, a channel name...), "" when unknown.</summary>
    public string HangupSource { get; init; } = "";

    /// <summary>DIALSTATUS of the caller side's Dial()/Queue() (ANSWER, BUSY, NOANSWER, CANCEL...), "" when it dialled nothing.</summary>
    public string DialStatus { get; init; } = "";

    public string AccountCode { get; init; } = "";
    public string PeerAccount { get; init; } = "";

    /// <summary>The account code of <see cref="DestinationChannel"/>.</summary>
    public string DestinationAccountCode { get; init; } = "";

    /// <summary>Set when the call went through Queue().</summary>
    public QueueCallInfo? Queue { get; init; }

    public IReadOnlyList<TransferInfo> Transfers { get; init; } = [];
    public ParkInfo? Park { get; init; }
    public PickupInfo? Pickup { get; init; }
    public IReadOnlyList<LocalOptimizationInfo> LocalOptimizations { get; init; } = [];
    public IReadOnlyList<ForwardInfo> Forwards { get; init; } = [];

    /// <summary>CELGenUserEvent events and event types this code does not know, in order.</summary>
    public IReadOnlyList<UserEventInfo> UserEvents { get; init; } = [];

    /// <summary>True when LINKEDID_END was seen: every channel of the call is gone.</summary>
    public bool IsComplete { get; init; }

    /// <summary>Channels that started under this LinkedID and left it alive (a park retriever or a pickup moves to the
    /// call it joins): their talk time is billed under the other LinkedID.</summary>
    public IReadOnlyList<string> ChannelsMovedAway { get; init; } = [];

    /// <summary>Channels that joined this LinkedID from another one (their start is in the other call's CEL).</summary>
    public IReadOnlyList<string> ChannelsJoined { get; init; } = [];

    /// <summary>What looked odd while interpreting (malformed extras, missing events, foreign LinkedIDs).</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>Who talked to whom, from when to when: one <see cref="CallSegment"/> per period two parties were
    /// bridged, in order of answer (see <see cref="Interpretation.SegmentRules"/>). Empty when nobody was bridged, and
    /// in records journaled before segments were derived.</summary>
    public IReadOnlyList<CallSegment> Segments { get; init; } = [];
}

/// <summary>Where a record's seconds come from, and so how far they can be trusted. Asterisk bills
/// <c>floor((end - answer) in ms / 1000)</c> from microsecond clocks; the CEL and Cdr manager events print whole
/// seconds, from which that figure cannot be rebuilt (it comes out one second higher about half the time).</summary>
public enum SecondsPrecision
{
    /// <summary>From whole-second CEL times: Asterisk's figure or one second more. Records journaled before precision
    /// was recorded read as this.</summary>
    WholeSeconds = 0,

    /// <summary>From the manager <c>Timestamp</c> headers (manager.conf <c>timestampevents = yes</c>): microsecond
    /// instants, Asterisk's own arithmetic — exact.</summary>
    ManagerTimestamp = 1,

    /// <summary>Taken from Asterisk's own Cdr of the originating channel, whose start, answer and end are the record's
    /// to the second (the same instants): exact.</summary>
    AsteriskCdr = 2,
}

/// <summary>A call that went through Queue(). Inferred from CEL, which has no queue events: see
/// <see cref="Interpretation.QueueInterpreter"/>.</summary>
/// <param name="QueueName">First argument of <c>Queue()</c> (AppData), e.g. <c>support</c>.</param>
/// <param name="EnteredAt">First CEL of the caller's channel while its application is Queue.</param>
/// <param name="WaitSeconds">From entering to being bridged with an agent, or to leaving the queue unanswered.</param>
/// <param name="AgentChannel">The agent leg the caller was bridged with; null when abandoned.</param>
/// <param name="AgentInterface">That leg's interface without the channel sequence (<c>Local/agent1@agents</c>); the
/// queue member name (<c>Agent One</c>) is not in CEL.</param>
/// <param name="Abandoned">True when the caller left the queue without being bridged to an agent.</param>
/// <param name="AgentsRung">Interfaces of every agent leg the queue rang, in order.</param>
public sealed record QueueCallInfo(
    string QueueName,
    DateTimeOffset EnteredAt,
    int WaitSeconds,
    string? AgentChannel,
    string? AgentInterface,
    bool Abandoned,
    IReadOnlyList<string> AgentsRung);

public enum TransferKind
{
    Blind,
    Attended,
}

/// <param name="TransfererChannel">The channel that transferred (the CEL event's channel).</param>
/// <param name="TransfereeChannel">The party being transferred; null when Asterisk wrote N/A.</param>
/// <param name="TargetExtension">Blind: where the transferee was sent (<c>extension</c>); null for attended.</param>
/// <param name="TargetContext">Blind: the context of that extension.</param>
/// <param name="TargetChannel">Attended: the transfer target from the event, resolved through Local channels. Blind:
/// the channel the transferee was next bridged with, if any.</param>
/// <param name="TargetApplication">Attended transfer to an application (<c>app</c>): its name.</param>
public sealed record TransferInfo(
    TransferKind Kind,
    DateTimeOffset At,
    string TransfererChannel,
    string? TransfereeChannel,
    string? TargetExtension,
    string? TargetContext,
    string? TargetChannel,
    string? TargetApplication);

/// <param name="Reason">PARK_END reason: ParkedCallUnparked (retrieved), ParkedCallTimeOut, ParkedCallGiveUp,
/// ParkedCallFailed, ParkedCallSwap; null while still parked.</param>
/// <param name="RetrieverChannel">Who retrieved the call (PARK_END <c>retriever</c>), when Asterisk says.</param>
public sealed record ParkInfo(
    string ParkedChannel,
    string ParkingLot,
    string ParkerDialString,
    DateTimeOffset ParkedAt,
    DateTimeOffset? EndedAt,
    string? Reason,
    string? RetrieverChannel);

/// <param name="TargetChannel">The ringing channel that was picked up (the PICKUP event's channel).</param>
/// <param name="PickupChannel">The channel that picked it up (<c>pickup_channel</c>).</param>
public sealed record PickupInfo(string TargetChannel, string PickupChannel, DateTimeOffset At);

/// <summary>A Local channel pair optimised out of the media path (LOCAL_OPTIMIZE_BEGIN / LOCAL_OPTIMIZE).</summary>
public sealed record LocalOptimizationInfo(string LocalOne, string LocalTwo, DateTimeOffset? BeganAt, DateTimeOffset? CompletedAt);

/// <summary>A call forward reported by Dial() (FORWARD): <paramref name="Channel"/> was forwarded to
/// <paramref name="ForwardedTo"/>.</summary>
public sealed record ForwardInfo(string Channel, string ForwardedTo, DateTimeOffset At);

/// <param name="Name">The custom event name (<c>EventName</c>, or <c>UserDefType</c> with show_user_defined).</param>
/// <param name="Extra">The CELGenUserEvent extra text (Asterisk wraps it as <c>{"extra":"..."}</c>), or the raw
/// Extra for other shapes.</param>
public sealed record UserEventInfo(string Name, string Extra, string Channel, DateTimeOffset At, bool IsKnownUserDefined);
