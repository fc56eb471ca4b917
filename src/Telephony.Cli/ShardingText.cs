using System.Text.Json;

namespace Telephony.Cli;

/// <summary>The cluster-sharding palette as text.</summary>
internal static class ShardingText
{
    public static IEnumerable<string> Regions(JsonElement regions)
    {
        var names = regions.Items("regions").Select(r => r.GetString()).ToList();
        foreach (var n in names) yield return n!;
        yield return $"Count: {names.Count} regions";
    }

    public static IEnumerable<string> RegionStats(JsonElement stats)
    {
        yield return $"Region: {stats.Str("region")}";
        var shards = stats.Items("shards").ToList();
        foreach (var s in shards) yield return $"  Shard {s.Str("shard")}: {s.Long("entities")} entities";
        var failed = stats.Items("failedShards").Select(f => f.GetString()).ToList();
        if (failed.Count > 0) yield return $"  Failed to answer: {string.Join(", ", failed)}";
        yield return $"Shards: {shards.Count}, entities: {stats.Long("entities")}";
    }
}
