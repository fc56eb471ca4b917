using Telephony.Ami.Protocol;

namespace Telephony.Actors.Calls;

public enum RecordedEventKind : byte
{
    Cel = 1,
    Cdr = 2,
}

/// <summary>
/// One CEL or Cdr event as Asterisk sent it (every header, in order) with the identity the call entity deduplicates
/// on. The raw headers are the record of truth; typed views (<c>CelEvent</c>, <c>CdrRecord</c>) are derived from them.
/// <para>
/// An event from the manager connection keeps the <see cref="AmiMessage"/> it arrived in: the bytes as received,
/// decoded only when asked. A call holds its events until it completes and a replayed journal
/// holds them all, so keeping ~25 header strings per event alive (as a decoded list would) was most of the heap and
/// most of the garbage collector's work; the bytes are also what the journal stores. Events built from a header list
/// (tests, older journal rows) keep that list.
/// </para>
/// </summary>
public sealed class RecordedEvent : IEquatable<RecordedEvent>
{
    // The event's source: its AmiMessage, or its header list; null once slimmed. One field for both: a call keeps its
    // events, and each field is 8 bytes of every one.
    private readonly object? _source;

    public RecordedEvent(RecordedEventKind kind, string identity, DateTimeOffset receivedAt, IReadOnlyList<KeyValuePair<string, string>> headers)
    {
        Kind = kind;
        _identity = identity ?? throw new ArgumentNullException(nameof(identity));
        ReceivedAt = receivedAt;
        _source = headers ?? throw new ArgumentNullException(nameof(headers));
    }

    public RecordedEvent(RecordedEventKind kind, string identity, DateTimeOffset receivedAt, AmiMessage message)
    {
        Kind = kind;
        _identity = identity ?? throw new ArgumentNullException(nameof(identity));
        ReceivedAt = receivedAt;
        _source = message ?? throw new ArgumentNullException(nameof(message));
    }

    /// <summary>A journaled CEL kept by its call only for billing: its parsed form, without the bytes and headers it
    /// arrived in, and its identity as 128 bits when it has the standard form (see <see cref="Slim"/>).</summary>
    private RecordedEvent(string identity, IdentityKey key, DateTimeOffset receivedAt, Telephony.Domain.Cel.CelEvent parsed)
    {
        Kind = RecordedEventKind.Cel;
        if (key.Text is null && key.Kind == (byte)RecordedEventKind.Cel) (_identityHigh, _identityLow) = (key.High, key.Low);
        else _identity = identity;
        ReceivedAt = receivedAt;
        ParsedCel = parsed;
        _eventName = parsed.EventName;
    }

    /// <summary>What a call in progress keeps of this event once it is journaled: a CEL already parsed keeps only its
    /// parsed form (billing reads nothing else; the bytes went to the journal), about half of what the event held.
    /// Anything else is kept whole.</summary>
    public RecordedEvent Slim() => Slim(IdentityKey.Of(Identity));

    /// <summary><see cref="Slim()"/> with the identity's key already made (<see cref="IdentityKey.Of"/>).</summary>
    internal RecordedEvent Slim(IdentityKey key) =>
        Kind == RecordedEventKind.Cel && ParsedCel is { } parsed && _source is not null
            ? new RecordedEvent(Identity, key, ReceivedAt, parsed)
            : this;

    /// <summary>Slimmed (<see cref="Slim"/>): no headers, only the parsed CEL.</summary>
    public bool IsSlim => _source is null;

    /// <summary>The typed view of a CEL, once parsed (by the node that routed it, or by the first billing derivation):
    /// in-process only, never serialized, not part of equality. Deriving a call's billing reads every CEL of the call,
    /// and again for each amendment; parsing each once is a fifth of the pipeline's CPU saved.</summary>
    internal Telephony.Domain.Cel.CelEvent? ParsedCel { get; set; }

    public RecordedEventKind Kind { get; }

    /// <summary>The identity the call deduplicates on. A slim event keeps a standard identity as its 128 bits and spells
    /// it again when asked (rarely: a call reads the identities of events as they arrive, not of those it keeps); the
    /// text was ~100 bytes of each kept CEL.</summary>
    public string Identity => _identity ?? new IdentityKey(_identityHigh, _identityLow, (byte)Kind, null).ToText();

    private readonly string? _identity;
    private readonly ulong _identityHigh, _identityLow;
    public DateTimeOffset ReceivedAt { get; }

    /// <summary>The message as received, when the event came from a manager connection (or a journal row that kept
    /// it); null for an event built from a header list.</summary>
    public AmiMessage? Message => _source as AmiMessage;

    /// <summary>Every header in order. Decoded on each call for an event that keeps its message: read it once per
    /// use.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers => _source switch
    {
        AmiMessage message => message.Headers,
        IReadOnlyList<KeyValuePair<string, string>> headers => headers,
        _ => throw SlimError(),
    };

    public string? Header(string key)
    {
        if (Message is { } message) return message[key];
        if (_source is not IReadOnlyList<KeyValuePair<string, string>> headers) throw SlimError();
        foreach (var (k, v) in headers)
            if (string.Equals(k, key, StringComparison.OrdinalIgnoreCase)) return v;
        return null;
    }

    /// <summary>The CEL EventName (a shared string: it is read for every event, and has few values), or <c>Cdr</c>.
    /// Looked up once: a call reads it for each of its events on every delivery and derivation.</summary>
    public string EventName => _eventName ??= Kind != RecordedEventKind.Cel
        ? "Cdr"
        : (Message is not null ? Message.GetSharedValue("EventName") : Header("EventName")) ?? "";

    private string? _eventName;

    private InvalidOperationException SlimError() =>
        new($"event {Identity} was slimmed after journaling: only its parsed CEL is kept");

    public bool Equals(RecordedEvent? other) =>
        other is not null && Kind == other.Kind && Identity == other.Identity && ReceivedAt.Equals(other.ReceivedAt) &&
        (IsSlim || other.IsSlim ? ReferenceEquals(ParsedCel, other.ParsedCel) : Headers.SequenceEqual(other.Headers));

    public override bool Equals(object? obj) => Equals(obj as RecordedEvent);

    public override int GetHashCode() => HashCode.Combine(Kind, Identity, ReceivedAt);

    public override string ToString() => $"{Kind} {EventName} {Identity}";
}
