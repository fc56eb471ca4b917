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
    public string? Header(string key)
    {
        foreach (var (k, v) in Headers)
            if (string.Equals(k, key, StringComparison.OrdinalIgnoreCase)) return v;
        return null;
    }

    public string EventName => Kind == RecordedEventKind.Cel ? Header("EventName") ?? "" : "Cdr";
}
