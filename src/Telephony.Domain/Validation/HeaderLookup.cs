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
            for (var i = 0; i < headers.Count; i++)
                if (string.Equals(headers[i].Key, key, StringComparison.OrdinalIgnoreCase))
                    return headers[i].Value;
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
