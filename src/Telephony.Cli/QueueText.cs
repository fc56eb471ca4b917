using System.Globalization;
using System.Text.Json;

namespace Telephony.Cli;

/// <summary>The queue palette as text: one line per queue, or one queue in full (its line of callers, its connected
/// calls, its agents and its statistics).</summary>
internal static class QueueText
{
    public static IEnumerable<string> List(JsonElement view)
    {
        var queues = view.Items("queues").ToList();
        string[] header = ["QUEUE", "STRATEGY", "WAITING", "CONNECTED", "LONGEST WAIT", "SL", "LOGGED IN", "AVAILABLE"];
        var rows = queues.Select(q => new[]
        {
            q.Str("queue"), q.Str("strategy"), Count(q, "waiting"), Count(q, "connected"), Duration(q, "longestWaitSeconds"),
            Percent(q, "serviceLevel"), Count(q, "agentsLoggedIn"), Count(q, "agentsAvailable"),
        }).ToList();
        if (rows.Count == 0 && !view.Items("unanswered").Any()) yield return "no queues configured";
        else if (rows.Count > 0)
            foreach (var line in Table.Format(header, rows)) yield return line;
        foreach (var u in view.Items("unanswered")) yield return $"{u.Str("queue")}: {u.Str("error")}";
        yield return $"Count: {queues.Count} queues";
    }

    public static IEnumerable<string> Show(JsonElement q)
    {
        var waiting = q.Items("waiting").ToList();
        var connected = q.Items("connected").ToList();
        var agents = q.Items("agents").ToList();
        var s = q.Obj("statistics");
        (string, string)[] rows =
        [
            ("Queue", q.Str("queue")),
            ("Strategy", q.Str("strategy")),
            ("Connect", q.Str("connect")),
            ("Waiting", $"{waiting.Count} (longest {Duration(q, "longestWaitSeconds")})"),
            ("Connected", connected.Count.ToString(CultureInfo.InvariantCulture)),
            ("Agents", $"{agents.Count(a => a.Str("status") != "LoggedOut")} logged in, " +
                       $"{agents.Count(a => a.Str("status") == "Available" && a.Str("activity") == "Idle")} available, {agents.Count} members"),
            ("Service level", $"SL {Percent(q, "serviceLevel")}, SL2 {Percent(q, "serviceLevelCountingAbandons")}"),
        ];
        foreach (var (name, value) in rows) yield return $"{name + ":",-15}{value}";

        yield return "Waiting callers:";
        if (waiting.Count == 0) yield return "  none";
        else
            foreach (var line in Indent(Table.Format(["POS", "CALLER", "CHANNEL", "CALLER ID", "PRIO", "WAIT", "PHASE", "RINGING"],
                         waiting.Select(c => (IReadOnlyList<string>)[
                             Count(c, "position"), c.Str("caller"), c.Str("channel"), CallerId(c), Count(c, "priority"),
                             Duration(c, "waitSeconds"), c.Str("phase"), string.Join(",", c.Items("ringingAgents").Select(r => r.GetString())).OrDash(),
                         ]).ToList())))
                yield return line;

        if (connected.Count > 0)
        {
            yield return "Connected calls:";
            foreach (var line in Indent(Table.Format(["CALLER", "CHANNEL", "AGENT", "AGENT NODE", "WAITED", "CONNECTED AT"],
                         connected.Select(c => (IReadOnlyList<string>)[
                             c.Str("caller"), c.Str("channel"), c.Str("agentId"), c.Str("agentNode"), Duration(c, "waitSeconds"), c.Time("connectedAt"),
                         ]).ToList())))
                yield return line;
        }

        yield return "Agents:";
        if (agents.Count == 0) yield return "  none";
        else
            foreach (var line in Indent(Table.Format(["AGENT", "NAME", "PENALTY", "STATUS", "ACTIVITY", "NODE", "CALLS", "TALK"],
                         agents.Select(a => (IReadOnlyList<string>)[
                             a.Str("agentId"), a.Str("name").OrDash(), Count(a, "penalty"), AgentText.Status(a), a.Str("activity"),
                             a.Str("node"), Count(a, "calls"), Duration(a, "talkSeconds"),
                         ]).ToList())))
                yield return line;

        yield return "Statistics:";
        (string, string)[] statistics =
        [
            ("Offered", Count(s, "offered")),
            ("Answered", Count(s, "answered")),
            ("Abandoned", Count(s, "abandoned")),
            ("Timed out", $"{Count(s, "timedOut")} (overflowed {Count(s, "overflowed")}, broken out {Count(s, "brokenOut")})"),
            ("Refused", Count(s, "refused")),
            ("Left empty", Count(s, "leftEmpty")),
            ("Dropped", Count(s, "dropped")),
            ("No answers", Count(s, "noAnswers")),
            ("SL", $"{Percent(s, "serviceLevel")} ({Count(s, "answeredWithinServiceLevel")} answered within the threshold)"),
            ("SL2", $"{Percent(s, "serviceLevelCountingAbandons")} (abandons within the threshold counted as served)"),
            ("Avg wait", Span(s, "averageWait")),
            ("Avg abandon wait", Span(s, "averageAbandonWait")),
            ("Avg talk", Span(s, "averageTalk")),
        ];
        foreach (var (name, value) in statistics) yield return $"  {name + ":",-18}{value}";
        if (q.TryGetProperty("today", out var t) && t.ValueKind == JsonValueKind.Object)
            yield return $"  {"Today (" + q.Str("day") + "):",-18}offered {Count(t, "offered")}, answered {Count(t, "answered")}, " +
                         $"abandoned {Count(t, "abandoned")}, SL {Percent(t, "serviceLevel")}";
    }

    /// <summary>12s, 4m05s, 2h03m: a wait or a time in state as an operator reads it; "-" when there is none.</summary>
    public static string Duration(double seconds)
    {
        if (double.IsNaN(seconds) || seconds < 0) return "-";
        var t = TimeSpan.FromSeconds(Math.Floor(seconds));
        return t.TotalHours >= 1 ? $"{(int)t.TotalHours}h{t.Minutes:00}m"
            : t.TotalMinutes >= 1 ? $"{t.Minutes}m{t.Seconds:00}s"
            : $"{t.Seconds}s";
    }

    public static string Duration(JsonElement e, string name) =>
        e.Obj(name).ValueKind == JsonValueKind.Number ? Duration(e.Double(name)) : "-";

    /// <summary>A fraction (0.875) as 87.5%; "-" when there is none yet (nothing answered).</summary>
    public static string Percent(JsonElement e, string name) =>
        e.Obj(name).ValueKind == JsonValueKind.Number
            ? (e.Double(name) * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%"
            : "-";

    public static string Count(JsonElement e, string name) => e.Long(name).ToString(CultureInfo.InvariantCulture);

    /// <summary>A TimeSpan as the endpoint writes it ("00:01:05.5000000").</summary>
    private static string Span(JsonElement e, string name) =>
        TimeSpan.TryParse(e.Str(name), CultureInfo.InvariantCulture, out var t) ? Duration(t.TotalSeconds) : "-";

    private static string CallerId(JsonElement c) =>
        (c.Str("callerIdName"), c.Str("callerIdNum")) switch
        {
            ({ Length: > 0 } name, { Length: > 0 } num) => $"{name} <{num}>",
            ({ Length: > 0 } name, _) => name,
            (_, var num) => num.OrDash(),
        };

    private static IEnumerable<string> Indent(IEnumerable<string> lines) => lines.Select(l => "  " + l);
}
