using System.Globalization;
using System.Text.Json;

namespace Telephony.Domain.Cel;

public enum CelExtraFormat
{
    /// <summary>No <c>Extra</c> header, or an empty one (most events).</summary>
    Empty,

    /// <summary>A JSON object (what Asterisk 12+ writes: HANGUP, BRIDGE_*, transfers, PARK_*, user events...).</summary>
    Json,

    /// <summary>Text that is not JSON at all (older Asterisk wrote plain text extras); kept raw.</summary>
    Text,

    /// <summary>Text that starts like JSON but does not parse, or JSON that is not an object; kept raw and flagged so
    /// a counter can show it.</summary>
    MalformedJson,
}

/// <summary>
/// The CEL <c>Extra</c> header: kept verbatim in <see cref="Raw"/>, and, when it is a JSON object, its top-level
/// properties as text (<c>{"hangupcause":16}</c> gives <c>hangupcause = "16"</c>; a nested value keeps its JSON text).
/// Never throws: bad JSON is a flag, not an error, because the event itself is still worth journaling.
/// </summary>
public sealed class CelExtra
{
    public static readonly CelExtra None = new("", CelExtraFormat.Empty, new Dictionary<string, string>());

    private readonly IReadOnlyDictionary<string, string> _fields;

    private CelExtra(string raw, CelExtraFormat format, IReadOnlyDictionary<string, string> fields)
    {
        Raw = raw;
        Format = format;
        _fields = fields;
    }

    public string Raw { get; }
    public CelExtraFormat Format { get; }
    public bool IsMalformed => Format == CelExtraFormat.MalformedJson;
    public IReadOnlyDictionary<string, string> Fields => _fields;

    /// <summary>A top-level property (case-sensitive, as Asterisk writes them), or null.</summary>
    public string? this[string key] => _fields.TryGetValue(key, out var v) ? v : null;

    public int? GetInt(string key) =>
        int.TryParse(this[key], NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : null;

    public static CelExtra Parse(string? raw)
    {
        if (string.IsNullOrEmpty(raw) || string.IsNullOrWhiteSpace(raw))
            return raw is null or "" ? None : new CelExtra(raw, CelExtraFormat.Empty, None._fields);
        var trimmed = raw.AsSpan().TrimStart();
        if (trimmed.Length == 0 || (trimmed[0] != '{' && trimmed[0] != '['))
            return new CelExtra(raw, CelExtraFormat.Text, None._fields);
        try
        {
            using var doc = JsonDocument.Parse(raw);
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                return new CelExtra(raw, CelExtraFormat.MalformedJson, None._fields);
            var fields = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var p in doc.RootElement.EnumerateObject())
            {
                fields[p.Name] = p.Value.ValueKind switch
                {
                    JsonValueKind.String => p.Value.GetString() ?? "",
                    JsonValueKind.Null => "",
                    _ => p.Value.GetRawText(),
                };
            }
            return new CelExtra(raw, CelExtraFormat.Json, fields);
        }
        catch (JsonException)
        {
            return new CelExtra(raw, CelExtraFormat.MalformedJson, None._fields);
        }
    }

    public override string ToString() => Raw;
}
