using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Telephony.Domain.Actions;
using Telephony.Domain.Queues;
using Telephony.Domain.Queues.Calls;

namespace Telephony.Host.Management;

/// <summary>
/// The JSON bodies of the queue and agent routes, every error naming its field (as <see cref="ActionRequestBody"/>
/// does for actions):
/// <code>
/// POST /queues/{name}/callers   {"node": "pbx-a", "uniqueId": "1700000000.42", "channel": "PJSIP/100-0000002a",
///                                "priority": 5, "callerIdNum": "0201234567", "callerIdName": "Bob", "linkedId": "1700000000.41"}
/// POST /agents/{id}/pause       {"reason": "lunch"}            (optional, as for login, logout and unpause)
/// POST /agents/{id}/queues      {"queue": "sales", "penalty": 1}
/// </code>
/// The strings go into AMI headers (the caller's channel is redirected) and queue_log fields: no control characters
/// (CR, LF would inject AMI headers) and no '|'.
/// </summary>
public static class QueueRequestBody
{
    public const int MaxBodyBytes = 16 * 1024;
    public const int MaxPriority = 99;
    public const int MaxPenalty = 1000;
    public const int MaxText = 256;
    public const string CallerFields = "node, uniqueId, channel, priority, callerIdNum, callerIdName, linkedId";

    public sealed record AgentCommandBody(string? Reason);
    public sealed record MembershipBody(string Queue, int Penalty);

    /// <summary>The body as JSON, or the answer to give instead; an empty body reads as null when it may be empty.</summary>
    public static async Task<(JsonDocument? Document, IResult? Error)> ReadJson(HttpRequest request, bool optional, CancellationToken cancel)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[4096];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancel)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes)
                return (null, ManagementResults.Error(StatusCodes.Status413PayloadTooLarge, $"body: larger than {MaxBodyBytes} bytes"));
            buffer.Write(chunk, 0, read);
        }
        if (optional && string.IsNullOrWhiteSpace(Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length))) return (null, null);
        try
        {
            return (JsonDocument.Parse(buffer.ToArray()), null);
        }
        catch (JsonException e)
        {
            return (null, ActionAnswers.Invalid([new("body", $"is not JSON: {e.Message}")], "invalid request"));
        }
    }

    public static (JoinRequest? Request, IReadOnlyList<ActionRequestError> Errors) ReadCaller(JsonElement body, HostSettings settings)
    {
        var errors = new List<ActionRequestError>();
        if (body.ValueKind != JsonValueKind.Object) return (null, [new("body", $"must be a JSON object ({CallerFields})")]);
        string? node = null, uniqueId = null, channel = null, num = null, name = null, linkedId = null;
        var priority = 0;
        foreach (var p in Fields(body, errors))
        {
            switch (p.Name.ToLowerInvariant())
            {
                case "node": node = Text(p.Value, "node", errors, required: true); break;
                case "uniqueid": uniqueId = Text(p.Value, "uniqueId", errors, required: true); break;
                case "channel": channel = Text(p.Value, "channel", errors, required: true); break;
                case "calleridnum": num = Text(p.Value, "callerIdNum", errors); break;
                case "calleridname": name = Text(p.Value, "callerIdName", errors); break;
                case "linkedid": linkedId = Text(p.Value, "linkedId", errors); break;
                case "priority": priority = Number(p.Value, "priority", 0, MaxPriority, "(higher is answered first)", errors) ?? 0; break;
                default: errors.Add(new(p.Name, $"is not a field of a caller ({CallerFields})")); break;
            }
        }
        Require(body, "node", "the Asterisk node the caller's channel is on", errors);
        Require(body, "uniqueId", "the Uniqueid of the caller's channel on its node", errors);
        Require(body, "channel", "the caller's channel name, e.g. PJSIP/100-0000002a", errors);
        if (node is not null && settings.Telephony.Nodes.All(n => n.Name != node))
            errors.Add(new("node", $"no node '{node}' is configured (nodes: {string.Join(", ", settings.Telephony.Nodes.Select(n => n.Name))})"));
        if (errors.Count > 0 || node is null || uniqueId is null || channel is null) return (null, errors);
        return (new JoinRequest(new CallerKey(node, uniqueId), channel, linkedId, num, name, priority), errors);
    }

    /// <summary>An absent or empty body is no reason.</summary>
    public static (AgentCommandBody? Body, IReadOnlyList<ActionRequestError> Errors) ReadCommand(JsonElement? body)
    {
        if (body is not { } b || b.ValueKind == JsonValueKind.Null) return (new AgentCommandBody(null), []);
        var errors = new List<ActionRequestError>();
        if (b.ValueKind != JsonValueKind.Object) return (null, [new("body", "must be a JSON object ({\"reason\": \"...\"}) or empty")]);
        string? reason = null;
        foreach (var p in Fields(b, errors))
        {
            if (p.Name.Equals("reason", StringComparison.OrdinalIgnoreCase)) reason = Text(p.Value, "reason", errors);
            else errors.Add(new(p.Name, "is not a field of an agent command (reason)"));
        }
        return errors.Count > 0 ? (null, errors) : (new AgentCommandBody(string.IsNullOrEmpty(reason) ? null : reason), errors);
    }

    public static (MembershipBody? Body, IReadOnlyList<ActionRequestError> Errors) ReadMembership(JsonElement body, HostSettings settings)
    {
        var errors = new List<ActionRequestError>();
        if (body.ValueKind != JsonValueKind.Object) return (null, [new("body", "must be a JSON object (queue, penalty)")]);
        string? queue = null;
        var penalty = 0;
        foreach (var p in Fields(body, errors))
        {
            switch (p.Name.ToLowerInvariant())
            {
                case "queue": queue = Text(p.Value, "queue", errors, required: true); break;
                case "penalty": penalty = Number(p.Value, "penalty", 0, MaxPenalty, "(lower is offered first)", errors) ?? 0; break;
                default: errors.Add(new(p.Name, "is not a field of a membership (queue, penalty)")); break;
            }
        }
        Require(body, "queue", "the queue to join", errors);
        if (queue is not null && QueueAnswers.Directory(settings).Queue(queue) is null)
            errors.Add(new("queue", $"no such queue '{queue}' is configured"));
        return errors.Count > 0 || queue is null ? (null, errors) : (new MembershipBody(queue, penalty), errors);
    }

    /// <summary>The body's fields, each once (a repeated name is an error, not "the last one wins").</summary>
    private static IEnumerable<JsonProperty> Fields(JsonElement body, List<ActionRequestError> errors)
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var p in body.EnumerateObject())
            if (seen.Add(p.Name)) yield return p;
            else errors.Add(new(p.Name, "is given twice"));
    }

    private static void Require(JsonElement body, string field, string what, List<ActionRequestError> errors)
    {
        if (!body.EnumerateObject().Any(p => p.Name.Equals(field, StringComparison.OrdinalIgnoreCase)))
            errors.Add(new(field, $"is required ({what})"));
    }

    private static string? Text(JsonElement v, string field, List<ActionRequestError> errors, bool required = false)
    {
        if (v.ValueKind == JsonValueKind.Null && !required) return null;
        if (v.ValueKind != JsonValueKind.String)
        {
            errors.Add(new(field, $"must be a string, not {Kind(v)}"));
            return null;
        }
        var text = v.GetString()!;
        if (required && text.Trim().Length == 0) errors.Add(new(field, "must not be empty"));
        else if (text.Any(c => c is '\r' or '\n' or '\0')) errors.Add(new(field, "contains CR, LF or NUL (would inject AMI headers)"));
        else if (!QueueNames.IsSafeValue(text)) errors.Add(new(field, "contains a control character or '|' (the queue_log separator)"));
        else if (text.Length > MaxText) errors.Add(new(field, $"is longer than {MaxText} characters"));
        else return text;
        return null;
    }

    private static int? Number(JsonElement v, string field, int min, int max, string meaning, List<ActionRequestError> errors)
    {
        if (v.ValueKind == JsonValueKind.Null) return null;
        if (v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var n) && n >= min && n <= max) return n;
        errors.Add(new(field, $"must be a whole number from {min} to {max} {meaning}, not {Kind(v)}"));
        return null;
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
