using Akka.Actor;
using Akka.Cluster.Sharding;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Telephony.Host.Management;

/// <summary>The <c>pbm cluster-sharding ...</c> palette: the shard regions this member runs and how many entities
/// each of its shards holds.</summary>
public static class ShardingRoutes
{
    public sealed record RegionsView(IReadOnlyList<string> Regions);
    public sealed record ShardView(string Shard, int Entities);
    public sealed record RegionStatsView(string Region, IReadOnlyList<ShardView> Shards, int Entities, IReadOnlyList<string> FailedShards);

    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(5);

    public static void MapShardingRoutes(this IEndpointRouteBuilder app)
    {
        app.MapGet("/sharding/regions", (ActorSystem system) =>
            new RegionsView(ClusterSharding.Get(system).ShardTypeNames.Order(StringComparer.Ordinal).ToList()));
        app.MapGet("/sharding/regions/{type}/stats", async (string type, ActorSystem system, CancellationToken cancel) =>
        {
            if (Region(system, type) is not { } region) return UnknownRegion(system, type);
            var stats = await region.Ask<ShardRegionStats>(GetShardRegionStats.Instance, AskTimeout, cancel);
            var shards = stats.Stats.OrderBy(s => s.Key.Length).ThenBy(s => s.Key, StringComparer.Ordinal).Select(s => new ShardView(s.Key, s.Value)).ToList();
            return Results.Ok(new RegionStatsView(type, shards, shards.Sum(s => s.Entities), stats.Failed.Order(StringComparer.Ordinal).ToList()));
        });
    }

    /// <summary>The local region (or proxy) of a started type, or null when this member does not know it.</summary>
    public static IActorRef? Region(ActorSystem system, string type)
    {
        var sharding = ClusterSharding.Get(system);
        return sharding.ShardTypeNames.Contains(type) ? sharding.ShardRegion(type) : null;
    }

    public static IResult UnknownRegion(ActorSystem system, string type) => ManagementResults.NotFound(
        $"no shard region '{type}' on this member (regions: {string.Join(", ", ClusterSharding.Get(system).ShardTypeNames.Order(StringComparer.Ordinal))})");
}
