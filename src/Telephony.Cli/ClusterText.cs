using System.Globalization;
using System.Text.Json;

namespace Telephony.Cli;

/// <summary>The cluster palette as text, in Petabridge.Cmd's shape.</summary>
internal static class ClusterText
{
    public static IEnumerable<string> Show(JsonElement cluster)
    {
        var members = cluster.Items("members").ToList();
        foreach (var m in members) yield return Member(m);
        yield return $"Count: {members.Count} nodes";
    }

    public static IEnumerable<string> Status(JsonElement status)
    {
        yield return $"Self: {Member(status.Obj("self"))}";
        yield return $"Leader: {status.Str("leader").OrDash()}";
        var unreachable = status.Items("unreachable").ToList();
        yield return $"Unreachable: {unreachable.Count}";
        foreach (var m in unreachable) yield return "  " + Member(m);
    }

    public static IEnumerable<string> Leader(JsonElement leader)
    {
        yield return leader.Str("leader") is { Length: > 0 } l ? l : "no leader";
    }

    public static IEnumerable<string> Action(JsonElement action)
    {
        var addresses = action.Items("addresses").Select(a => a.GetString()).ToList();
        if (addresses.Count == 0) yield return $"nothing to {action.Str("action")}: no unreachable members";
        foreach (var a in addresses) yield return $"{action.Str("action")} requested: {a}";
    }

    public static IEnumerable<string> Tail(JsonElement tail)
    {
        var events = tail.Items("events").ToList();
        if (events.Count == 0) yield return "no cluster events recorded yet";
        foreach (var e in events)
        {
            var at = DateTimeOffset.TryParse(e.Str("at"), CultureInfo.InvariantCulture, DateTimeStyles.None, out var t)
                ? t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture) : "-";
            var status = e.Str("status");
            yield return $"{at} {e.Str("event")} {e.Str("member")}" + (status.Length > 0 ? $" | {e.Roles()} | {status}" : "");
        }
    }

    private static string Member(JsonElement m) => $"{m.Str("address")} | {m.Roles()} | {m.Str("status")} | {m.Str("reachability")}";
}
