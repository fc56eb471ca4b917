namespace Telephony.Actors.Calls;

public enum RecordedEventKind : byte
{
    Cel = 1,
    Cdr = 2,
}

/// <summary>
/// One CEL or Cdr event as Asterisk sent it (every header, in order) with the identity the call entity deduplicates
/// on. The raw headers are the record of truth; typed views (<c>CelEvent</c>, <c>CdrRecord</c>) are derived from them.
/// </summary>
public sealed record RecordedEvent(
    RecordedEventKind Kind,
    string Identity,
    DateTimeOffset ReceivedAt,
    IReadOnlyList<KeyValuePair<string, string>> Headers)
{
    /// <summary>The typed view the node already parsed when it routed this CEL (in-process only: never serialized, not
    /// part of equality), so deriving the call's billing does not parse every event a second time. Null after a trip
    /// through the journal or the network; parse the headers then.</summary>
    internal Telephony.Domain.Cel.CelEvent? ParsedCel { get; init; }

    public bool Equals(RecordedEvent? other) =>
        other is not null && Kind == other.Kind && Identity == other.Identity && ReceivedAt.Equals(other.ReceivedAt) &&
        EqualityComparer<IReadOnlyList<KeyValuePair<string, string>>>.Default.Equals(Headers, other.Headers);

    public override int GetHashCode() => HashCode.Combine(Kind, Identity, ReceivedAt, Headers);

    public string? Header(string key)
    {
        foreach (var (k, v) in Headers)
            if (string.Equals(k, key, StringComparison.OrdinalIgnoreCase)) return v;
        return null;
    }

    public string EventName => Kind == RecordedEventKind.Cel ? Header("EventName") ?? "" : "Cdr";
}
