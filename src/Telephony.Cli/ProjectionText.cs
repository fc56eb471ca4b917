using System.Globalization;
using System.Text.Json;

namespace Telephony.Cli;

/// <summary>The projection palette as text: one line per (sink, tag) projection with its offset and lag.</summary>
internal static class ProjectionText
{
    public static IEnumerable<string> List(JsonElement view)
    {
        var projections = view.Items("projections").ToList();
        foreach (var p in projections)
        {
            var error = p.Str("lastError");
            yield return $"{p.Str("name")} | {p.Str("state")} | offset {p.Long("offset")} | lag {p.Long("lagEvents")} events, " +
                         $"{p.Double("lagSeconds").ToString("0.0", CultureInfo.InvariantCulture)} s | rows {p.Long("rowsWritten")}" +
                         $" | failures {p.Long("failures")}{Since(p)}{(error.Length > 0 ? " | last error: " + error : "")}";
        }
        foreach (var r in view.Items("rebuilds"))
            yield return $"rebuild {r.Str("sink")} | {r.Str("phase")} | started {r.Time("startedAt")}" +
                         (r.Str("error") is { Length: > 0 } e ? " | " + e : "");
        yield return $"Count: {projections.Count} projections";
    }

    /// <summary>Rows and failures count since the projection started where it runs now: said so, as operators read
    /// counters as totals.</summary>
    private static string Since(JsonElement p) =>
        p.TryGetProperty("countingSince", out var since) && since.ValueKind == JsonValueKind.String ? $" (since {p.Time("countingSince")})" : "";

    public static IEnumerable<string> Rebuild(JsonElement answer)
    {
        yield return $"{answer.Str("sink")}: {answer.Str("status")}";
    }
}
