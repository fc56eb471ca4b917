namespace Telephony.Simulator.Model;

/// <summary>Case-insensitive lookups over a rendered event (a short list of headers, searched linearly).</summary>
internal static class Headers
{
    public static string? Get(this IReadOnlyList<KeyValuePair<string, string>> headers, string key)
    {
        for (var i = 0; i < headers.Count; i++)
            if (headers[i].Key.Equals(key, StringComparison.OrdinalIgnoreCase)) return headers[i].Value;
        return null;
    }

    public static bool Has(this IReadOnlyList<KeyValuePair<string, string>> headers, string key) => headers.Get(key) is not null;

    public static void Set(this List<KeyValuePair<string, string>> headers, string key, string value)
    {
        for (var i = 0; i < headers.Count; i++)
            if (headers[i].Key.Equals(key, StringComparison.OrdinalIgnoreCase))
            {
                headers[i] = new(headers[i].Key, value);
                return;
            }
    }
}
