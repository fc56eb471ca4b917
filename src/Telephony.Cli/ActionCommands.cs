using System.Text.Json.Nodes;

namespace Telephony.Cli;

/// <summary>
/// The action palette's command lines as requests: <c>originate</c> and <c>send</c> become the JSON body of
/// <c>POST /actions</c>, the others a GET or DELETE. Only the shape of the command line is checked here; what a value
/// may contain (CR/LF, header names, the allow-list) is the endpoint's to say, with the field named.
/// </summary>
public static class ActionCommands
{
    private static readonly string[] Scheduling = ["--key", "--queue-priority", "--not-before", "--expires-at", "--expires-in"];

    private static readonly string[] OriginateOptions =
        ["--context", "--exten", "--priority", "--application", "--data", "--caller-id", "--timeout", "--variable", .. Scheduling];

    public static PbmRequest Resolve(PbmArguments a, DateTimeOffset now)
    {
        var w = a.Words;
        switch (w.Count > 1 ? w[1] : null)
        {
            case "originate":
                Palette.Expect(a, 2, 2, "<node> <channel>", OriginateOptions);
                return Submit(a, w[2], "Originate", OriginateHeaders(a, w[3]), now);
            case "send":
                Palette.Expect(a, 2, int.MaxValue, "<node> <Action> [Key=Value ...]", Scheduling);
                return Submit(a, w[2], w[3], SendHeaders(w[3], w.Skip(4)), now);
            case "show":
                Palette.Expect(a, 1, 1, "<id> (node:number, e.g. demo-1:17)");
                return Palette.Get($"actions/{Palette.Escape(w[2])}", ActionText.Show);
            case "cancel":
                Palette.Expect(a, 1, 1, "<id> (node:number, e.g. demo-1:17)");
                return new PbmRequest(HttpMethod.Delete, $"actions/{Palette.Escape(w[2])}", ActionText.Cancelled);
            case "list":
                Palette.Expect(a, 0, 0, "", "--node", "--status", "--limit");
                var query = new List<string> { $"limit={Palette.PositiveInt(a, "--limit", 50)}" };
                if (a.Options.TryGetValue("--node", out var node)) query.Add($"node={Palette.Escape(node)}");
                if (a.Options.TryGetValue("--status", out var status)) query.Add($"status={Palette.Escape(status)}");
                return Palette.Get("actions?" + string.Join('&', query), ActionText.List);
            default:
                throw new UsageException($"unknown command '{string.Join(' ', w.Take(2))}' (action originate|send|show|list|cancel)");
        }
    }

    private static List<(string Key, string Value)> OriginateHeaders(PbmArguments a, string channel)
    {
        string? Option(string name) => a.Options.TryGetValue(name, out var v) ? v : null;
        var headers = new List<(string, string)> { ("Channel", channel) };
        var (context, exten, application) = (Option("--context"), Option("--exten"), Option("--application"));
        if (application is not null && (context ?? exten) is not null)
            throw new UsageException("action originate takes --context/--exten or --application, not both");
        if (application is not null)
        {
            if (Option("--priority") is not null) throw new UsageException("--priority is the dialplan priority: it goes with --context and --exten");
            headers.Add(("Application", application));
            if (Option("--data") is { } data) headers.Add(("Data", data));
        }
        else
        {
            if (context is null || exten is null)
                throw new UsageException("action originate needs --context C --exten E (dialplan), or --application A");
            if (Option("--data") is not null) throw new UsageException("--data goes with --application");
            headers.AddRange([("Context", context), ("Exten", exten), ("Priority", Option("--priority") ?? "1")]);
        }
        if (Option("--caller-id") is { } callerId) headers.Add(("CallerID", callerId));
        if (a.Options.ContainsKey("--timeout")) headers.Add(("Timeout", Palette.PositiveInt(a, "--timeout", 0).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        foreach (var v in a.Values.GetValueOrDefault("--variable") ?? [])
        {
            if (v.IndexOf('=') <= 0) throw new UsageException($"--variable needs NAME=value, not '{v}'");
            headers.Add(("Variable", v));
        }
        // A synchronous Originate holds Asterisk's manager thread until the call is answered: the queue only sends async.
        headers.Add(("Async", "true"));
        return headers;
    }

    private static List<(string Key, string Value)> SendHeaders(string action, IEnumerable<string> pairs)
    {
        var headers = new List<(string, string)>();
        foreach (var pair in pairs)
        {
            var eq = pair.IndexOf('=');
            if (eq <= 0) throw new UsageException($"'{pair}' is not Key=Value (a header of the action, e.g. Channel=PJSIP/100)");
            headers.Add((pair[..eq], pair[(eq + 1)..]));
        }
        if (action.Equals("Originate", StringComparison.OrdinalIgnoreCase) && !headers.Any(h => h.Item1.Equals("Async", StringComparison.OrdinalIgnoreCase)))
            headers.Add(("Async", "true"));
        return headers;
    }

    private static PbmRequest Submit(PbmArguments a, string node, string action, List<(string Key, string Value)> headers, DateTimeOffset now)
    {
        var body = new JsonObject
        {
            ["node"] = node,
            ["action"] = action,
            // Pairs, not an object: AMI repeats headers (Variable), and order is kept.
            ["headers"] = new JsonArray(headers.Select(h => (JsonNode)new JsonArray(h.Key, h.Value)).ToArray()),
        };
        if (a.Options.TryGetValue("--key", out var key)) body["idempotencyKey"] = key;
        if (a.Options.TryGetValue("--queue-priority", out var p))
            body["priority"] = int.TryParse(p, out var priority) && priority is >= 0 and <= 9
                ? priority
                : throw new UsageException($"--queue-priority needs a whole number from 0 (first) to 9, not '{p}'");
        if (a.Options.TryGetValue("--not-before", out var notBefore)) body["notBefore"] = Format(ActionTimes.Parse("--not-before", notBefore, now));
        if (a.Options.ContainsKey("--expires-at") && a.Options.ContainsKey("--expires-in"))
            throw new UsageException("give --expires-at or --expires-in, not both");
        if (a.Options.TryGetValue("--expires-at", out var at)) body["expiresAt"] = Format(ActionTimes.Parse("--expires-at", at, now));
        if (a.Options.TryGetValue("--expires-in", out var @in)) body["expiresAt"] = Format(now + ActionTimes.Delay("--expires-in", @in));
        return new PbmRequest(HttpMethod.Post, "actions", ActionText.Submitted, body.ToJsonString());
    }

    private static string Format(DateTimeOffset t) =>
        t.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);
}
