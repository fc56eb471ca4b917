namespace Telephony.Domain.Billing;

/// <summary>
/// One period during which two parties of a call were bridged — who talked to whom, from when to when. A call has as
/// many segments as conversations: caller with agent A, then caller with transfer target B; the parker and the parked
/// caller, then the parked caller and whoever retrieved it; one conversation through a Local channel pair, whether or
/// not the pair optimised itself away. Derived from CEL by
/// <see cref="Interpretation.SegmentRules"/> (the rules, in full, are there); a call nobody was bridged in has none.
/// <para>
/// Seconds come from the call's own clock: exact when every CEL of the call had a manager <c>Timestamp</c>
/// (<see cref="BillingRecord.Precision"/> is <see cref="SecondsPrecision.ManagerTimestamp"/>); else from Asterisk's Cdr
/// of the same two channels when it spans the same talk to the second (exact), else from whole-second EventTimes,
/// Asterisk's figure or one second more. <see cref="Precision"/> says which.
/// </para>
/// </summary>
public sealed record CallSegment
{
    /// <summary>1-based, in order of <see cref="Answer"/>.</summary>
    public required int Number { get; init; }

    /// <summary>The party that was in the call first (its channel's first CEL under this LinkedID came first): the
    /// caller in a plain call, the transferee after a transfer, the parked caller after a retrieval.</summary>
    public required SegmentParty PartyA { get; init; }

    /// <summary>The other party: the one that was rung, transferred to, or retrieved the call.</summary>
    public required SegmentParty PartyB { get; init; }

    /// <summary>When party B began to be offered for this conversation: the later of its channel's CHAN_START (else
    /// its first CEL under this LinkedID), the instant of the transfer, park retrieval or pickup that began the
    /// segment, and the end of party B's previous segment in the call. Never after <see cref="Answer"/>.</summary>
    public required DateTimeOffset Start { get; init; }

    /// <summary>When the two were first bridged: the BRIDGE_ENTER that connected them (through Local channels) —
    /// the talk start.</summary>
    public required DateTimeOffset Answer { get; init; }

    /// <summary>When they stopped being bridged: the first BRIDGE_EXIT (or hangup) that separated them.</summary>
    public required DateTimeOffset End { get; init; }

    /// <summary>Whole seconds <see cref="Answer"/> → <see cref="End"/>, truncated as Asterisk does.</summary>
    public required int BillableSeconds { get; init; }

    /// <summary>Whole seconds <see cref="Start"/> → <see cref="End"/>, truncated as Asterisk does.</summary>
    public required int DurationSeconds { get; init; }

    /// <summary>How exact the seconds are: <see cref="SecondsPrecision.ManagerTimestamp"/> when the call had manager
    /// Timestamps; <see cref="SecondsPrecision.AsteriskCdr"/> when Asterisk's own Cdr of the same two channels spans the
    /// same talk to the second (its billsec taken as is, and its duration when it also starts with the segment);
    /// otherwise <see cref="SecondsPrecision.WholeSeconds"/>.</summary>
    public SecondsPrecision Precision { get; init; }

    public required SegmentCause BeganBy { get; init; }

    public required SegmentCause EndedBy { get; init; }
}

/// <summary>One side of a <see cref="CallSegment"/>: the channel that was bridged, looked through Local channels.</summary>
/// <param name="Channel">Channel name, e.g. <c>SIP/bob-00000002</c> (or the Local half that was the end of the path).</param>
/// <param name="UniqueId">The channel's UniqueID.</param>
/// <param name="Number">The channel's caller id number: the first non-empty CallerIDnum CEL reported for it. A phone
/// reports its own configured callerid; a channel Dial() creates without one gets the extension Dial() ran in
/// (app_dial.c), so a Local half reads e.g. <c>dial-answer</c>, and the <c>;2</c> of a Local pair the caller's number.</param>
public sealed record SegmentParty(string Channel, string UniqueId, string Number);

/// <summary>How a <see cref="CallSegment"/> began (<see cref="CallSegment.BeganBy"/>: Dial, Queue, Bridge, Transfer,
/// Park, Pickup) and ended (<see cref="CallSegment.EndedBy"/>: Transfer, Park, Hangup, Redirect, Unfinished). Which
/// events decide it is written on <see cref="Interpretation.SegmentRules"/>. A Local pair optimising away neither
/// begins nor ends a segment: the conversation goes on between the same two parties.</summary>
public enum SegmentCause
{
    /// <summary>Began: party B was rung by Dial() (a channel on the path is a Dial() leg) and answered.</summary>
    Dial = 0,

    /// <summary>Began: party B is a queue member leg Queue() rang.</summary>
    Queue = 1,

    /// <summary>Began: the two were bridged without anyone being rung for it (AMI <c>Bridge</c>, the Bridge()
    /// application, an originated channel brought in).</summary>
    Bridge = 2,

    /// <summary>Began: the transferee's first conversation after a blind or attended transfer. Ended: the
    /// conversation of the transferer with the transferee (or, attended, with the target) that the transfer
    /// completed.</summary>
    Transfer = 3,

    /// <summary>Began: the parked caller's first conversation after PARK_END (retrieved, or called back on timeout).
    /// Ended: one of the two was parked (PARK_START).</summary>
    Park = 4,

    /// <summary>Began: party B picked up the ringing call (PICKUP).</summary>
    Pickup = 5,

    /// <summary>Ended: the party that left the bridge first hung up.</summary>
    Hangup = 6,

    /// <summary>Ended: the party that left the bridge first lived on without a transfer or park event: in the
    /// dialplan (AMI <c>Redirect</c>, a goto), or under another LinkedID (it has no later CEL in this call).</summary>
    Redirect = 7,

    /// <summary>Ended: the CEL stopped while the two were still bridged (the call was interpreted before its end);
    /// <see cref="CallSegment.End"/> is the call's last event.</summary>
    Unfinished = 8,
}
