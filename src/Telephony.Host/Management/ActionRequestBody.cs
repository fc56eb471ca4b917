using System.Globalization;
using System.Text.Json;
using Telephony.Domain.Actions;

namespace Telephony.Host.Management;

/// <summary>
/// The JSON body of <c>POST /actions</c> read into an <see cref="ActionRequest"/>: shapes and types only, every error
/// naming its field. What the values may be (allow-list, CR/LF, header names, required headers) is the queue's
/// <see cref="ActionRequestValidator"/>'s to decide, in one place for every client.
/// <code>
/// {"node": "pbx-a", "action": "Originate",
///  "headers": {"Channel": "PJSIP/100", "Context": "default", "Exten": "200", "Priority": "1"},
///  "idempotencyKey": "crm-4711", "priority": 5, "notBefore": "2025-06-01T09:00:00Z", "expiresAt": "2025-06-01T09:05:00Z"}
/// </code>
/// Headers are an object, or — since AMI repeats headers such as <c>Variable</c> — an array of <c>["Key", "value"]</c>
/// pairs or <c>{"key": "Key", "value": "value"}</c> objects, kept in order. A header value may be a string, a number
/// or true/false (written as its text).
/// </summary>
public static class ActionRequestBody
{
    public const string Fields = "node, action, headers, idempotencyKey, priority, notBefore, expiresAt";

    public static (ActionRequest? Request, IReadOnlyList<ActionRequestError> Errors) Read(JsonElement body)
    {
        var errors = new List<ActionRequestError>();
        if (body.ValueKind != JsonValueKind.Object)
            return (null, [new("body", $"must be a JSON object ({Fields})")]);

        string? node = null, action = null, key = null;
        int? priority = null;
        DateTimeOffset? notBefore = null, expiresAt = null;
        IReadOnlyList<KeyValuePair<string, string>> headers = [];
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var p in body.EnumerateObject())
        {
            if (!seen.Add(p.Name))
            {
                errors.Add(new(p.Name, "is given twice"));
                continue;
            }
            switch (p.Name.ToLowerInvariant())
            {
                case "node": node = Text(p.Value, "node", errors); break;
                case "action": action = Text(p.Value, "action", errors); break;
                case "idempotencykey": key = p.Value.ValueKind == JsonValueKind.Null ? null : Text(p.Value, "idempotencyKey", errors); break;
                case "priority": priority = Priority(p.Value, errors); break;
                case "notbefore": notBefore = Time(p.Value, "notBefore", errors); break;
                case "expiresat": expiresAt = Time(p.Value, "expiresAt", errors); break;
                case "headers": headers = Headers(p.Value, errors); break;
                default: errors.Add(new(p.Name, $"is not a field of an action ({Fields})")); break;
            }
        }
        if (node is null && !seen.Contains("node")) errors.Add(new("node", "is required (the Asterisk node to send it to)"));
        if (action is null && !seen.Contains("action")) errors.Add(new("action", "is required (an AMI action name, e.g. Originate)"));
        return errors.Count > 0 || node is null || action is null
            ? (null, errors)
            : (new ActionRequest(node, action, headers, key, priority, notBefore, expiresAt), errors);
    }

    private static string? Text(JsonElement v, string field, List<ActionRequestError> errors)
    {
        if (v.ValueKind == JsonValueKind.String) return v.GetString();
        errors.Add(new(field, $"must be a string, not {Kind(v)}"));
        return null;
    }

    private static int? Priority(JsonElement v, List<ActionRequestError> errors)
    {
        if (v.ValueKind == JsonValueKind.Null) return null;
        if (v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var p)) return p;
        errors.Add(new("priority", $"must be a whole number from 0 (first) to 9, not {Kind(v)}"));
        return null;
    }

    /// <summary>An ISO-8601 time with its offset: a time without one would mean whatever zone the host runs in.</summary>
    private static DateTimeOffset? Time(JsonElement v, string field, List<ActionRequestError> errors)
    {
        if (v.ValueKind == JsonValueKind.Null) return null;
        var text = v.ValueKind == JsonValueKind.String ? v.GetString()! : null;
        if (text is not null
            && DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var local)
            && local.Kind != DateTimeKind.Unspecified
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var t))
            return t;
        errors.Add(new(field, text is null
            ? $"must be an ISO-8601 time string, not {Kind(v)}"
            : $"'{text}' is not an ISO-8601 time with its offset (e.g. 2025-06-01T09:00:00Z or 2025-06-01T11:00:00+02:00)"));
        return null;
    }

    private static IReadOnlyList<KeyValuePair<string, string>> Headers(JsonElement v, List<ActionRequestError> errors)
    {
        var headers = new List<KeyValuePair<string, string>>();
        switch (v.ValueKind)
        {
            case JsonValueKind.Null:
                break;
            case JsonValueKind.Object:
                // JSON objects may repeat a name (Variable twice): each occurrence is a header, in order.
                foreach (var h in v.EnumerateObject())
                    if (HeaderValue(h.Value, "headers." + h.Name, errors) is { } value) headers.Add(new(h.Name, value));
                break;
            case JsonValueKind.Array:
                var i = 0;
                foreach (var item in v.EnumerateArray())
                {
                    if (Pair(item, $"headers[{i}]", errors) is { } pair) headers.Add(pair);
                    i++;
                }
                break;
            default:
                errors.Add(new("headers", $"must be an object {{\"Channel\": \"...\"}} or an array of [\"Key\", \"value\"] pairs, not {Kind(v)}"));
                break;
        }
        return headers;
    }

    /// <summary><c>["Key", "value"]</c> or <c>{"key": "Key", "value": "value"}</c>.</summary>
    private static KeyValuePair<string, string>? Pair(JsonElement item, string field, List<ActionRequestError> errors)
    {
        JsonElement? name = null, value = null;
        if (item.ValueKind == JsonValueKind.Array && item.GetArrayLength() == 2)
        {
            name = item[0];
            value = item[1];
        }
        else if (item.ValueKind == JsonValueKind.Object && item.EnumerateObject().Count() == 2)
        {
            foreach (var p in item.EnumerateObject())
                if (p.Name.Equals("key", StringComparison.OrdinalIgnoreCase)) name = p.Value;
                else if (p.Name.Equals("value", StringComparison.OrdinalIgnoreCase)) value = p.Value;
        }
        if (name is not { ValueKind: JsonValueKind.String } n || value is not { } val)
        {
            errors.Add(new(field, "must be [\"Key\", \"value\"] or {\"key\": \"Key\", \"value\": \"value\"}"));
            return null;
        }
        var key = n.GetString()!;
        return HeaderValue(val, "headers." + key, errors) is { } text ? new(key, text) : null;
    }

    private static string? HeaderValue(JsonElement v, string field, List<ActionRequestError> errors)
    {
        switch (v.ValueKind)
        {
            case JsonValueKind.String: return v.GetString();
            case JsonValueKind.Number: return v.GetRawText();
            case JsonValueKind.True: return "true";
            case JsonValueKind.False: return "false";
            default:
                errors.Add(new(field, $"must be a string (or a number, true, false), not {Kind(v)}"));
                return null;
        }
    }

    private static string Kind(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => $"the number {v.GetRawText()}",
        JsonValueKind.True or JsonValueKind.False => v.GetRawText(),
        _ => "null",
    };
}
