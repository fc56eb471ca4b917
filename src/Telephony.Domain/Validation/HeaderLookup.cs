namespace Telephony.Domain.Validation;

/// <summary>
/// First-value, ASCII case-insensitive lookup over AMI headers (Asterisk spells the same key differently from one
/// event to another: <c>UniqueID</c> in CEL, <c>Uniqueid</c> elsewhere); values are returned exactly as received.
/// Made for a caller that asks for each key once, in the order Asterisk writes them (a CEL's or Cdr's fields): each
/// search starts after the last header found, so a lookup in wire order is one comparison instead of a scan from the
/// top. Headers passed over on the way are remembered, so that a key that also occurs earlier still gives its first
/// value; any order finds every header. A mutable struct, kept in a local.
/// </summary>
internal struct WireOrderHeaderLookup(IReadOnlyList<KeyValuePair<string, string>> headers)
{
    // The parser's lists are arrays: indexed directly, not through the interface (a dispatch per comparison).
    private readonly KeyValuePair<string, string>[] _headers = headers as KeyValuePair<string, string>[] ?? headers.ToArray();
    private int _next;
    private ulong _passedOver; // headers before _next not found by an earlier lookup (only the first 64 are tracked)

    public string? Find(string key)
    {
        var headers = _headers;
        var count = headers.Length;
        var start = count > 64 ? 0 : _next; // past 64 headers: a plain scan from the top
        for (var i = start; i < count; i++)
        {
            var (k, v) = headers[i];
            if (!Matches(k, key)) continue;
            if (count > 64) return v;
            // An earlier header passed over by another lookup may carry this key too: the first one wins.
            for (var m = _passedOver; m != 0; m &= m - 1)
            {
                var j = System.Numerics.BitOperations.TrailingZeroCount(m);
                if (Matches(headers[j].Key, key)) return headers[j].Value;
            }
            for (var j = start; j < i; j++) _passedOver |= 1UL << j;
            _next = i + 1;
            return v;
        }
        // Not after the cursor: the first one before it (a header found earlier was asked under another key).
        for (var j = 0; j < start; j++)
            if (Matches(headers[j].Key, key)) return headers[j].Value;
        return null;
    }

    public string Get(string key) => Find(key) ?? "";

    /// <summary>The headers, as the array they were read from.</summary>
    public readonly KeyValuePair<string, string>[] All => _headers;

    /// <summary>The value, or null when it is absent or blank (a required field).</summary>
    public static string? Required(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    // Names from the parser are interned (HeaderKeys), like the literals asked for: the same instance is the common
    // match and needs no character compare.
    private static bool Matches(string k, string key) =>
        (object)k == key || (k.Length == key.Length && string.Equals(k, key, StringComparison.OrdinalIgnoreCase));
}
