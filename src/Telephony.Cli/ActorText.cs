using System.Text.Json;

namespace Telephony.Cli;

/// <summary><c>actor hierarchy</c> as an indented tree of paths; a node whose children were not walked says how many
/// it has.</summary>
internal static class ActorText
{
    public static IEnumerable<string> Hierarchy(JsonElement view)
    {
        var lines = new List<string>();
        Walk(view.Obj("root"), 0, lines);
        foreach (var l in lines) yield return l;
        if (view.Obj("truncated").ValueKind == JsonValueKind.True) yield return "(stopped after the first 2000 actors: narrow it with -s or -d)";
        yield return $"Count: {lines.Count} actors";
    }

    private static void Walk(JsonElement actor, int level, List<string> lines)
    {
        var shown = actor.Items("shown").ToList();
        var hidden = actor.Long("children") - shown.Count;
        lines.Add(new string(' ', level * 2) + actor.Str("path") + (hidden > 0 ? $" (+{hidden} children)" : ""));
        foreach (var child in shown) Walk(child, level + 1, lines);
    }
}
