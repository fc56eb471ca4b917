using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Telephony.Domain.Cdr;
using Telephony.Domain.Cel;

namespace Telephony.Domain.Identity;

/// <summary>
/// The content fingerprint of a CEL or Cdr record: what the Call entity remembers to journal each record exactly once,
/// whichever way a copy arrives (a reconnect replay, a second source such as a beanstalkd tube or a file import, a
/// redelivery). Compact and printable: <c>cel1:</c> or <c>cdr1:</c> and 32 hex digits (the first 128 bits of a
/// SHA-256 over the significant fields in a fixed order, each length-prefixed so that no two field lists encode alike).
/// <para>
/// Node-independent by construction: only fields Asterisk itself put in the record take part; headers a manager
/// connection adds (<c>Event</c>, <c>Privilege</c> — which depends on the AMI user's permissions —, <c>SystemName</c>,
/// <c>Timestamp</c> from <c>timestampevents</c>) and header order or key case do not. Values are compared exactly.
/// </para>
/// <para>
/// The version digit changes if the field list ever changes; identities of different versions never match, so a change
/// must come with a migration of the remembered set.
/// </para>
/// </summary>
public readonly record struct EventIdentity
{
    private EventIdentity(string value) => Value = value;

    public string Value { get; }

    public bool IsEmpty => Value is null;

    public override string ToString() => Value ?? "";

    /// <summary>Rebuilds an identity from its <see cref="Value"/> (from a journal or snapshot).</summary>
    public static EventIdentity FromValue(string value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value);
        if (!value.StartsWith("cel1:", StringComparison.Ordinal) && !value.StartsWith("cdr1:", StringComparison.Ordinal))
            throw new FormatException($"not an event identity: '{value}'");
        return new EventIdentity(value);
    }

    /// <summary>
    /// The identity of the <paramref name="occurrence"/>-th repeat (0-based) of this content in its stream: the content
    /// identity itself for the first (so identities journaled before repeats were numbered keep matching), else a hash of
    /// it and the number, of the same form and kind.
    /// </summary>
    public EventIdentity Occurrence(int occurrence)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(occurrence);
        if (occurrence == 0) return this;
        return Hash(Value[..5], [Value, "occurrence", occurrence.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
    }

    /// <summary>
    /// The identity of a CEL event. Fields, and why each is in:
    /// <list type="bullet">
    /// <item><c>EventName</c>, <c>UniqueID</c>, <c>EventTime</c> — what happened, to which channel, when: the natural key.
    /// EventTime is taken as the text Asterisk wrote (not the UTC instant), so the identity does not depend on the
    /// node's configured zone; copies from another source dedupe only if they carry the same time text.</item>
    /// <item><c>LinkedID</c> — a channel changes LinkedID (park retrieval, pickup): the same name/channel/second under
    /// two LinkedIDs are two events, each belonging to its call.</item>
    /// <item><c>Extra</c> — with one-second times, several events of one type and channel share a second: two
    /// BRIDGE_ENTER into different bridges, successive DTMF digits, user events; Extra tells them apart.</item>
    /// <item><c>Peer</c>, <c>Channel</c>, <c>Application</c>, <c>AppData</c>, <c>Exten</c>, <c>Context</c> — a channel's
    /// dialplan position and bridge partners distinguish same-second events (two STREAM_BEGIN of successive
    /// Playback()s, BRIDGE_ENTER with another peer); Channel also changes on masquerade.</item>
    /// <item><c>CallerIDnum/name/ani/rdnis/dnid</c>, <c>AccountCode</c>, <c>PeerAccount</c>, <c>AMAFlags</c>,
    /// <c>Userfield</c>, <c>TenantID</c>, <c>UserDefType</c> — the rest of the content: a copy that differs in any of
    /// them is not the same record, and journaling both is the safe side for billing.</item>
    /// </list>
    /// Two events that agree on every field (a DTMF digit repeated within a second, the same user event raised twice)
    /// get the same content identity: the node tells them apart by their occurrence in the stream
    /// (<see cref="RepeatNumbering"/>, <see cref="Occurrence"/>).
    /// </summary>
    public static EventIdentity ForCel(CelEvent cel)
    {
        ArgumentNullException.ThrowIfNull(cel);
        return Hash("cel1:",
        [
            cel.EventName, cel.UniqueId, cel.EventTime.Text.Trim(), cel.LinkedId, cel.Extra.Raw, cel.Peer, cel.Channel,
            cel.Application, cel.AppData, cel.Exten, cel.Context, cel.CallerIdNum, cel.CallerIdName, cel.CallerIdAni,
            cel.CallerIdRdnis, cel.CallerIdDnid, cel.AccountCode, cel.PeerAccount, cel.AmaFlags, cel.UserField,
            cel.TenantId, cel.UserDefType,
        ]);
    }

    /// <summary>
    /// The identity of a Cdr record. Fields, and why each is in:
    /// <list type="bullet">
    /// <item><c>UniqueID</c> — the channel (party A) the record is for.</item>
    /// <item><c>StartTime</c>, <c>EndTime</c>, <c>Disposition</c> — one channel gets several Cdr (a Dial() that fails and
    /// the dialplan after it; the legs of a transfer): they differ in their span and outcome.</item>
    /// <item><c>DestinationChannel</c> — a queue caller gets one Cdr per agent rung, sometimes with identical times and
    /// disposition (queue-hungup-by-ami has two such records for one UniqueID): only party B differs.</item>
    /// <item><c>Sequence</c>, <c>LinkedID</c> when mapped — Sequence is Asterisk's own per-record counter, the best
    /// tie-breaker when present; LinkedID ties it to its call.</item>
    /// <item><c>AnswerTime</c>, <c>Duration</c>, <c>BillableSeconds</c>, <c>LastApplication</c>, <c>LastData</c>,
    /// <c>Channel</c>, <c>Source</c>, <c>Destination</c>, <c>DestinationContext</c>, <c>CallerID</c>,
    /// <c>AccountCode</c>, <c>PeerAccount</c>, <c>AMAFlags</c>, <c>UserField</c> and other mapped fields — the billed
    /// content itself: any difference means a different record (or a corrected one), which must not be dropped as a
    /// copy.</item>
    /// </list>
    /// Times are the text Asterisk wrote, for the same reason as for CEL.
    /// </summary>
    public static EventIdentity ForCdr(CdrRecord cdr)
    {
        ArgumentNullException.ThrowIfNull(cdr);
        var fields = new List<string>(21 + 2 * cdr.MappedFields.Count)
        {
            cdr.UniqueId, cdr.StartTime.Text.Trim(), cdr.EndTime.Text.Trim(), cdr.DispositionText, cdr.DestinationChannel,
            cdr.Sequence ?? "", cdr.LinkedId ?? "", cdr.AnswerTime?.Text.Trim() ?? "",
            cdr.Duration.ToString(System.Globalization.CultureInfo.InvariantCulture),
            cdr.BillableSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
            cdr.LastApplication, cdr.LastData, cdr.Channel, cdr.Source, cdr.Destination, cdr.DestinationContext,
            cdr.CallerId, cdr.AccountCode, cdr.PeerAccount ?? "", cdr.AmaFlags, cdr.UserField,
        };
        // Other mapped variables: keyed by lower-cased name, sorted, so their order and key case do not matter.
        // (Most Cdr have none: no sort, no lambdas then.)
        if (cdr.MappedFields.Count > 0)
        {
            foreach (var kv in cdr.MappedFields.OrderBy(kv => kv.Key.ToLowerInvariant(), StringComparer.Ordinal)
                         .ThenBy(kv => kv.Value, StringComparer.Ordinal))
            {
                fields.Add(kv.Key.ToLowerInvariant());
                fields.Add(kv.Value);
            }
        }
        return Hash("cdr1:", System.Runtime.InteropServices.CollectionsMarshal.AsSpan(fields));
    }

    // A span, so that ForCel's field list is built on the stack (one identity per event: no array each).
    private static EventIdentity Hash(string prefix, ReadOnlySpan<string> fields)
    {
        // One-shot SHA-256 over the length-prefixed fields laid out in one pooled buffer: the same bytes (and digest) as
        // hashing them field by field, without a native hash context and its finalizer per event.
        var size = 0;
        foreach (var f in fields) size += 4 + Encoding.UTF8.GetMaxByteCount(f.Length);
        var rented = ArrayPool<byte>.Shared.Rent(size);
        try
        {
            var at = 0;
            foreach (var f in fields)
            {
                var n = Encoding.UTF8.GetBytes(f, rented.AsSpan(at + 4));
                BinaryPrimitives.WriteInt32BigEndian(rented.AsSpan(at, 4), n);
                at += 4 + n;
            }
            Span<byte> digest = stackalloc byte[32];
            SHA256.HashData(rented.AsSpan(0, at), digest);
            Span<char> text = stackalloc char[prefix.Length + 32];
            prefix.CopyTo(text);
            Convert.TryToHexStringLower(digest[..16], text[prefix.Length..], out _);
            return new EventIdentity(new string(text));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }
}
