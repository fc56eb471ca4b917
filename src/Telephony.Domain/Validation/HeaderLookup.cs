namespace Telephony.Domain.Validation;

/// <summary>First-value, ASCII case-insensitive lookup over AMI headers in wire order. Asterisk spells the same key
/// differently from one event to another (<c>UniqueID</c> in CEL, <c>Uniqueid</c> elsewhere), so names are matched
/// ignoring case; values are returned exactly as received.</summary>
internal readonly struct HeaderLookup(IReadOnlyList<KeyValuePair<string, string>> headers)
{
    public string? this[string key]
    {
        get
        {
            var count = headers.Count;
            for (var i = 0; i < count; i++)
            {
                var (k, v) = headers[i];
                // Names from the parser are interned (HeaderKeys), like the literals asked for: the same instance is
                // the common match and needs no character compare.
                if ((object)k == key || (k.Length == key.Length && string.Equals(k, key, StringComparison.OrdinalIgnoreCase)))
                    return v;
            }
            return null;
        }
    }

    public string Get(string key) => this[key] ?? "";

    /// <summary>The value, or null when the header is absent or blank.</summary>
    public string? Required(string key)
    {
        var v = this[key];
        return string.IsNullOrWhiteSpace(v) ? null : v;
    }
}
