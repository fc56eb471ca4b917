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
/// <para>
/// Only the text and its format are kept; a property is read from the text when asked. A call keeps its CEL until it
/// is billed, most carry an Extra (HANGUP, BRIDGE_*, STREAM_*, transfers), and a dictionary of each one's properties
/// was a few hundred bytes per event; billing reads a handful of them once per derivation.
/// </para>
/// </summary>
public sealed class CelExtra
{
    public static readonly CelExtra None = new("", CelExtraFormat.Empty);

    private CelExtra(string raw, CelExtraFormat format)
    {
        Raw = raw;
        Format = format;
    }

    public string Raw { get; }
    public CelExtraFormat Format { get; }
    public bool IsMalformed => Format == CelExtraFormat.MalformedJson;

    /// <summary>Every top-level property (the last of a repeated name), built on each call.</summary>
    public IReadOnlyDictionary<string, string> Fields
    {
        get
        {
            var fields = new Dictionary<string, string>(StringComparer.Ordinal);
            if (Format == CelExtraFormat.Json) Scan(null, fields);
            return fields;
        }
    }

    /// <summary>A top-level property (case-sensitive, as Asterisk writes them; the last of a repeated name), or null.
    /// </summary>
    public string? this[string key] => Format == CelExtraFormat.Json ? Scan(key, null) : null;

    public int? GetInt(string key) =>
        int.TryParse(this[key], NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : null;

    public static CelExtra Parse(string? raw)
    {
        if (string.IsNullOrEmpty(raw) || string.IsNullOrWhiteSpace(raw))
            return raw is null or "" ? None : new CelExtra(raw, CelExtraFormat.Empty);
        var trimmed = raw.AsSpan().TrimStart();
        if (trimmed.Length == 0 || (trimmed[0] != '{' && trimmed[0] != '['))
            return new CelExtra(raw, CelExtraFormat.Text);
        return new CelExtra(raw, IsJsonObject(raw) ? CelExtraFormat.Json : CelExtraFormat.MalformedJson);
    }

    private static bool IsJsonObject(string raw)
    {
        var utf8 = Utf8Of(raw, out var rented);
        try
        {
            var reader = new Utf8JsonReader(utf8);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return false;
            while (reader.Read()) { }
            return true; // the reader throws on anything that is not one whole JSON value
        }
        catch (JsonException)
        {
            return false;
        }
        finally
        {
            if (rented is not null) System.Buffers.ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>The value of <paramref name="key"/> (the last one), or with <paramref name="all"/> every property into it.
    /// Only called on text <see cref="Parse"/> found to be one JSON object.</summary>
    private string? Scan(string? key, Dictionary<string, string>? all)
    {
        var utf8 = Utf8Of(Raw, out var rented);
        try
        {
            var reader = new Utf8JsonReader(utf8);
            reader.Read(); // the object
            string? found = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var wanted = all is not null || reader.ValueTextEquals(key);
                var name = all is not null ? reader.GetString()! : null;
                reader.Read();
                if (!wanted)
                {
                    reader.Skip();
                    continue;
                }
                string value;
                switch (reader.TokenType)
                {
                    case JsonTokenType.String:
                        value = reader.GetString() ?? "";
                        break;
                    case JsonTokenType.Null:
                        value = "";
                        break;
                    case JsonTokenType.StartObject or JsonTokenType.StartArray:
                        var from = (int)reader.TokenStartIndex;
                        reader.Skip();
                        value = System.Text.Encoding.UTF8.GetString(utf8[from..(int)reader.BytesConsumed]);
                        break;
                    default: // a number, true or false: its text
                        value = System.Text.Encoding.UTF8.GetString(reader.ValueSpan);
                        break;
                }
                if (all is not null) all[name!] = value;
                else found = value;
            }
            return found;
        }
        finally
        {
            if (rented is not null) System.Buffers.ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static ReadOnlySpan<byte> Utf8Of(string text, out byte[]? rented)
    {
        var max = System.Text.Encoding.UTF8.GetMaxByteCount(text.Length);
        rented = System.Buffers.ArrayPool<byte>.Shared.Rent(max);
        var length = System.Text.Encoding.UTF8.GetBytes(text, rented);
        return rented.AsSpan(0, length);
    }

    public override string ToString() => Raw;
}
