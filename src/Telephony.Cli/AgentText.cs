using System.Globalization;
using System.Text.Json;

namespace Telephony.Cli;

/// <summary>The agent palette as text: one line per agent, one agent in full, or the agent after a command.
/// "In state" is the agent's total time in its current state as the entity counts it (it adds each stretch).</summary>
internal static class AgentText
{
    public static IEnumerable<string> List(JsonElement view)
    {
        var agents = view.Items("agents").ToList();
        string[] header = ["AGENT", "NAME", "NODE", "STATUS", "STATE", "IN STATE", "CALLS", "CURRENT CALL", "QUEUES"];
        var rows = agents.Select(a => new[]
        {
            a.Str("agentId"), a.Str("name").OrDash(), a.Str("node"), Status(a), a.Str("state"), InState(a),
            QueueText.Count(a, "calls"), CurrentCall(a), Queues(a),
        }).ToList();
        if (rows.Count == 0 && !view.Items("unanswered").Any()) yield return "no agents";
        else if (rows.Count > 0)
            foreach (var line in Table.Format(header, rows)) yield return line;
        foreach (var u in view.Items("unanswered")) yield return $"{u.Str("agent")}: {u.Str("error")}";
        yield return $"Count: {agents.Count} agents";
    }

    public static IEnumerable<string> Show(JsonElement a)
    {
        var rows = new List<(string Name, string Value)>
        {
            ("Agent", a.Str("agentId")),
            ("Name", a.Str("name").OrDash()),
            ("Node", a.Str("node")),
            ("Extension", a.Str("extension")),
            ("Status", a.Str("status")),
        };
        if (a.Str("breakReason") is { Length: > 0 } reason) rows.Add(("Break reason", reason));
        rows.Add(("Activity", a.Str("activity")));
        rows.Add(("State", $"{a.Str("state")} ({InState(a)} in it)"));
        rows.Add(("Current call", CurrentCall(a)));
        rows.Add(("Queues", Queues(a)));
        rows.Add(("Calls", QueueText.Count(a, "calls")));
        rows.Add(("Talk time", QueueText.Duration(a, "talkSeconds")));
        rows.Add(("No answers", $"{QueueText.Count(a, "noAnswers")} ({QueueText.Count(a, "consecutiveNoAnswers")} in a row)"));
        rows.Add(("Phone in use", a.Str("phoneInUse") == "true" ? "yes" : "no"));
        if (a.Time("availableFrom") is var from && from != "-") rows.Add(("Available from", from));
        foreach (var (name, value) in rows) yield return $"{name + ":",-15}{value}";
        var states = a.Obj("secondsInState");
        if (states.ValueKind == JsonValueKind.Object && states.EnumerateObject().Any())
        {
            yield return "Time in state:";
            foreach (var p in states.EnumerateObject().OrderByDescending(p => p.Value.GetDouble()).ThenBy(p => p.Name, StringComparer.Ordinal))
                yield return $"  {p.Name + ":",-13}{QueueText.Duration(p.Value.GetDouble())}";
        }
    }

    /// <summary>What <c>agent login|logout|pause|unpause</c> prints: the agent as it is now.</summary>
    public static IEnumerable<string> Changed(JsonElement a)
    {
        var name = a.Str("name") is { Length: > 0 } n ? $" ({n})" : "";
        yield return $"Agent {a.Str("agentId")}{name}: {Status(a)}, state {a.Str("state")}";
    }

    /// <summary>"OnBreak (lunch)": the status with the reason of a break.</summary>
    public static string Status(JsonElement a) =>
        a.Str("breakReason") is { Length: > 0 } reason ? $"{a.Str("status")} ({reason})" : a.Str("status");

    private static string InState(JsonElement a)
    {
        var states = a.Obj("secondsInState");
        return states.ValueKind == JsonValueKind.Object && states.TryGetProperty(a.Str("state"), out var s) && s.ValueKind == JsonValueKind.Number
            ? QueueText.Duration(s.GetDouble())
            : "-";
    }

    /// <summary>The reservation the agent holds: queue, caller and whether it was answered.</summary>
    private static string CurrentCall(JsonElement a)
    {
        var r = a.Obj("reservation");
        if (r.ValueKind != JsonValueKind.Object) return "-";
        return $"{r.Str("queue")} {r.Str("caller")}" + (r.Str("answeredAt").Length > 0 ? " (answered)" : "");
    }

    /// <summary>"sales:0,support:1": each queue with the agent's penalty in it.</summary>
    private static string Queues(JsonElement a)
    {
        var queues = a.Obj("queues");
        if (queues.ValueKind != JsonValueKind.Object) return "-";
        var parts = queues.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal)
            .Select(p => $"{p.Name}:{p.Value.GetInt64().ToString(CultureInfo.InvariantCulture)}").ToList();
        return parts.Count == 0 ? "-" : string.Join(",", parts);
    }
}
