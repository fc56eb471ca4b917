using System.Globalization;
using System.Text.Json;

namespace Telephony.Cli;

/// <summary>The action palette as text: one line for a submission or a cancel, a table for a list, every field of one
/// action for show. Times are UTC.</summary>
internal static class ActionText
{
    public static IEnumerable<string> Submitted(JsonElement a)
    {
        var key = a.Str("idempotencyKey");
        var first = a.Obj("existing").ValueKind == JsonValueKind.True
            ? $"Already submitted with idempotency key {key}: {a.Str("id")}"
            : $"Accepted {a.Str("id")}";
        var channelId = a.Str("channelId");
        yield return $"{first} ({a.Str("action")} on {a.Str("node")}): {a.Str("status")}, queue priority {a.Long("priority")}" +
                     (channelId.Length > 0 ? $", ChannelId {channelId}" : "");
    }

    public static IEnumerable<string> Cancelled(JsonElement a)
    {
        yield return $"{a.Str("status")} {a.Str("id")} ({a.Str("action")} on {a.Str("node")}, queued {Time(a, "queuedAt")})";
    }

    public static IEnumerable<string> Show(JsonElement a)
    {
        var rows = new List<(string Name, string Value)>
        {
            ("Id", a.Str("id")),
            ("Node", a.Str("node")),
            ("Action", a.Str("action")),
            ("Status", a.Str("status")),
            ("Queue priority", a.Long("priority").ToString(CultureInfo.InvariantCulture)),
        };
        void Optional(string name, string value)
        {
            if (value.Length > 0 && value != "-") rows.Add((name, value));
        }
        Optional("Idempotency key", a.Str("idempotencyKey"));
        Optional("Not before", Time(a, "notBefore"));
        Optional("Expires at", Time(a, "expiresAt"));
        rows.Add(("Queued", Time(a, "queuedAt")));
        Optional("Sent", Time(a, "sentAt"));
        Optional("Responded", Time(a, "respondedAt"));
        Optional("Up", Time(a, "upAt"));
        Optional("Ended", Time(a, "endedAt"));
        rows.Add(("Attempts", a.Long("attempts").ToString(CultureInfo.InvariantCulture)));
        Optional("Message", Cell(a.Str("message")));
        Optional("Reason", Cell(a.Str("reason")));
        Optional("ChannelId", a.Str("channelId"));
        Optional("Channel", a.Str("channel"));
        Optional("Uniqueid", a.Str("uniqueId"));
        Optional("LinkedID", a.Str("linkedId"));
        Optional("Hangup cause", a.Str("hangupCause"));
        if (a.Obj("durationSeconds").ValueKind == JsonValueKind.Number)
            rows.Add(("Duration", a.Double("durationSeconds").ToString("0.0", CultureInfo.InvariantCulture) + " s"));
        foreach (var (name, value) in rows) yield return $"{name + ":",-17}{value}";
        foreach (var line in Pairs("Headers:", a.Items("headers"))) yield return line;
        foreach (var line in Pairs("Returned:", a.Items("returned"))) yield return line;
    }

    public static IEnumerable<string> List(JsonElement view)
    {
        var actions = view.Items("actions").ToList();
        string[] header = ["ID", "NODE", "ACTION", "STATUS", "QUEUED", "SENT", "CHANNEL", "MESSAGE"];
        var rows = actions.Select(a => new[]
        {
            a.Str("id"), a.Str("node"), a.Str("action"), a.Str("status"), Short(a, "queuedAt"), Short(a, "sentAt"),
            Channel(a), Outcome(a),
        }).ToList();
        if (rows.Count == 0) yield return "no actions";
        else
            foreach (var line in Table.Format(header, rows)) yield return line;
        foreach (var u in view.Items("unanswered")) yield return $"{u.Str("node")}: {u.Str("error")}";
        var counts = view.Obj("counts");
        yield return $"Count: {actions.Count} shown" + (counts.ValueKind == JsonValueKind.Object ? $"; held by the queues: {Counts(counts)}" : "");
    }

    /// <summary>A queue's actions by status, as <c>node show</c> prints them: <c>Queued 2, Up 1, Ended 40</c>.</summary>
    public static string Counts(JsonElement counts)
    {
        var parts = counts.ValueKind == JsonValueKind.Object
            ? counts.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.Number).Select(p => $"{p.Name} {p.Value.GetInt64()}").ToList()
            : [];
        return parts.Count == 0 ? "none" : string.Join(", ", parts);
    }

    /// <summary>The channel the action made or works on: the one Asterisk named, else the one asked for.</summary>
    private static string Channel(JsonElement a) =>
        a.Str("channel") is { Length: > 0 } c ? c : Header(a, "Channel") ?? Header(a, "Channel1") ?? "-";

    private static string Outcome(JsonElement a)
    {
        var parts = new[] { a.Str("message"), a.Str("reason"), a.Str("hangupCause") is { Length: > 0 } h ? "cause " + h : "" }
            .Where(p => p.Length > 0).Select(Cell);
        return string.Join("; ", parts).OrDash();
    }

    private static string? Header(JsonElement a, string name) =>
        a.Items("headers").Select(Pair).FirstOrDefault(p => p.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Value;

    private static IEnumerable<string> Pairs(string title, IEnumerable<JsonElement> items)
    {
        var pairs = items.Select(Pair).ToList();
        if (pairs.Count == 0) yield break;
        yield return title;
        foreach (var (key, value) in pairs) yield return $"  {key}: {Cell(value)}";
    }

    /// <summary>A header as the endpoint writes it: <c>{"key": "Channel", "value": "..."}</c>.</summary>
    private static KeyValuePair<string, string> Pair(JsonElement h) => new(h.Str("key"), h.Str("value"));

    /// <summary>Milliseconds matter between queued and sent.</summary>
    private static string Time(JsonElement a, string name) =>
        DateTimeOffset.TryParse(a.Str(name), CultureInfo.InvariantCulture, DateTimeStyles.None, out var t)
            ? t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture)
            : "-";

    private static string Short(JsonElement a, string name) =>
        DateTimeOffset.TryParse(a.Str(name), CultureInfo.InvariantCulture, DateTimeStyles.None, out var t)
            ? t.UtcDateTime.ToString("MM-dd HH:mm:ss", CultureInfo.InvariantCulture)
            : "-";

    /// <summary>One line whatever Asterisk answered: control characters (a CR/LF) shown as a space.</summary>
    private static string Cell(string s) => s.Any(char.IsControl) ? new string(s.Select(c => char.IsControl(c) ? ' ' : c).ToArray()) : s;
}
