using Telephony.Domain.Billing;
using Telephony.Domain.Identity;
using Telephony.Domain.Time;

namespace Telephony.Domain.Cdr;

/// <summary>
/// One Call Detail Record as the AMI <c>Cdr</c> event carries it (cdr_manager.c), with the headers it came with.
/// Create it with <see cref="CdrRecordFactory.Parse"/>. Times are the server's local time without a zone: each is kept
/// as text and as a UTC instant computed with the node's zone. Strings are never null: an absent header is "".
/// </summary>
public sealed record CdrRecord
{
    public string AccountCode { get; init; } = "";

    /// <summary>Caller number (<c>src</c>).</summary>
    public string Source { get; init; } = "";

    /// <summary>Extension dialled (<c>dst</c>).</summary>
    public string Destination { get; init; } = "";

    public string DestinationContext { get; init; } = "";

    /// <summary><c>"Name" &lt;number&gt;</c>.</summary>
    public string CallerId { get; init; } = "";

    public string Channel { get; init; } = "";
    public string DestinationChannel { get; init; } = "";
    public string LastApplication { get; init; } = "";
    public string LastData { get; init; } = "";
    public required AsteriskTimestamp StartTime { get; init; }

    /// <summary>Null when the call was not answered (Asterisk sends an empty AnswerTime).</summary>
    public AsteriskTimestamp? AnswerTime { get; init; }

    public required AsteriskTimestamp EndTime { get; init; }

    /// <summary>Whole seconds from start to end, as Asterisk computed them from microsecond times.</summary>
    public required int Duration { get; init; }

    /// <summary>Whole seconds from answer to end; 0 when unanswered.</summary>
    public required int BillableSeconds { get; init; }

    /// <summary>The text as sent (<c>NO ANSWER</c>...).</summary>
    public required string DispositionText { get; init; }

    /// <summary>Null for a text we do not know (<c>NULL</c>).</summary>
    public CallDisposition? Disposition => CallDispositions.FromAsteriskString(DispositionText);

    public string AmaFlags { get; init; } = "";
    public required string UniqueId { get; init; }
    public string UserField { get; init; } = "";

    /// <summary>Only when cdr_manager.conf <c>[mappings]</c> maps <c>linkedid</c>; null otherwise.</summary>
    public string? LinkedId { get; init; }

    /// <summary>Only when mapped (<c>sequence</c>): distinguishes the several Cdr of one channel.</summary>
    public string? Sequence { get; init; }

    /// <summary>Only when mapped (<c>peeraccount</c>).</summary>
    public string? PeerAccount { get; init; }

    /// <summary>Every other header that is not part of the standard set (other <c>[mappings]</c> variables), in order.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> MappedFields { get; init; } = [];

    /// <summary>Every header as received, in order, <c>Event</c> and <c>Privilege</c> included.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];

    /// <summary>The content fingerprint used to journal this record once (see <see cref="EventIdentity.ForCdr"/>).</summary>
    public EventIdentity Identity => EventIdentity.ForCdr(this);

    public override string ToString() =>
        $"Cdr {UniqueId} {Channel} -> {DestinationChannel} {DispositionText} {Duration}/{BillableSeconds}s";
}
