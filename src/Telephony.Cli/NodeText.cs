using System.Globalization;
using System.Text.Json;

namespace Telephony.Cli;

/// <summary>The node palette as text: one line per node, or one node in full.</summary>
internal static class NodeText
{
    public static IEnumerable<string> List(JsonElement view)
    {
        var nodes = view.Items("nodes").ToList();
        foreach (var entry in nodes)
        {
            var s = entry.Obj("status");
            yield return s.ValueKind != JsonValueKind.Object
                ? $"{entry.Str("node")} | no status: {entry.Str("error")}"
                : $"{s.Str("node")} | {s.Str("amiState")} | since {Since(s)} | {s.Double("eventsPerSecond").ToString("0", CultureInfo.InvariantCulture)} ev/s"
                  + $" | buffer {s.Long("bufferUsed")}/{s.Long("bufferCapacity")} | gaps {s.Long("gaps")} | {s.Str("member")}";
        }
        yield return $"Count: {nodes.Count} nodes";
    }

    public static IEnumerable<string> Show(JsonElement s)
    {
        (string, string)[] rows =
        [
            ("Node", s.Str("node")),
            ("Member", s.Str("member")),
            ("AMI state", s.Str("amiState")),
            ("Banner", s.Str("banner").OrDash()),
            ("Connected since", s.Time("connectedSince")),
            ("Disconnected since", s.Time("disconnectedSince")),
            ("Last error", s.Str("lastError").OrDash()),
            ("Events in", s.Long("eventsIn").ToString(CultureInfo.InvariantCulture)),
            ("Events/s", s.Double("eventsPerSecond").ToString("0.0", CultureInfo.InvariantCulture)),
            ("CEL / Cdr", $"{s.Long("celEvents")} / {s.Long("cdrEvents")}"),
            ("Journaled", s.Long("eventsJournaled").ToString(CultureInfo.InvariantCulture)),
            ("Duplicates ignored", s.Long("duplicatesIgnored").ToString(CultureInfo.InvariantCulture)),
            ("Quarantined", s.Long("quarantined").ToString(CultureInfo.InvariantCulture)),
            ("Gaps", s.Long("gaps").ToString(CultureInfo.InvariantCulture)),
            ("Malformed / oversized", $"{s.Long("malformedMessages")} / {s.Long("oversizedMessages")}"),
            ("Dropped on overflow", s.Long("eventsDroppedOnOverflow").ToString(CultureInfo.InvariantCulture)),
            ("Reconnects", s.Long("reconnects").ToString(CultureInfo.InvariantCulture)),
            ("Buffer", $"{s.Long("bufferUsed")}/{s.Long("bufferCapacity")}"),
            ("Deliveries in flight", s.Long("deliveriesInFlight").ToString(CultureInfo.InvariantCulture)),
            ("Events held / in flight", $"{s.Long("eventsHeld")} / {s.Long("eventsInFlight")} (limit {s.Long("eventsInFlightLimit")}, " +
                                        $"peak {s.Long("eventsInFlightPeak")}, calls waiting {s.Long("callsWaiting")})"),
            ("Redeliveries", s.Long("redeliveries").ToString(CultureInfo.InvariantCulture)),
            ("Live channels at resync", s.Long("liveChannelsAtLastResync").ToString(CultureInfo.InvariantCulture)),
            ("Actions", s.Obj("actions").ValueKind == JsonValueKind.Object ? ActionText.Counts(s.Obj("actions")) : s.Str("actionsError").OrDash()),
        ];
        foreach (var (name, value) in rows) yield return $"{name + ":",-25}{value}";
        var byType = s.Obj("eventsByType");
        if (byType.ValueKind == JsonValueKind.Object)
        {
            yield return "Events by type:";
            foreach (var p in byType.EnumerateObject().OrderByDescending(p => p.Value.GetInt64()).ThenBy(p => p.Name, StringComparer.Ordinal))
                yield return $"  {p.Name + ":",-23}{p.Value.GetInt64()}";
        }
    }

    private static string Since(JsonElement s) =>
        s.Str("amiState") == "Connected" ? s.Time("connectedSince") : s.Time("disconnectedSince");
}
