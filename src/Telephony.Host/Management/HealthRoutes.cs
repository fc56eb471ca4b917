using Akka.Actor;
using Akka.Cluster.Sharding;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Telephony.Actors.Persistence;

namespace Telephony.Host.Management;

/// <summary>
/// Probes for an orchestrator (Kubernetes, systemd, a load balancer): <c>/health/live</c> answers 200 while the actor
/// system runs (a restart is the cure otherwise); <c>/health/ready</c> 200 only when this member is Up in the cluster,
/// the journal database answers, and this member's shard regions reach their coordinators — 503 naming every check
/// that failed. Neither needs the bearer token: probes carry none, and they disclose no more than up or down.
/// </summary>
public static class HealthRoutes
{
    public sealed record Check(string Name, bool Ok, string Detail);
    public sealed record HealthView(string Status, IReadOnlyList<Check> Checks);

    private static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(2);

    public static bool IsProbe(PathString path) => path.StartsWithSegments("/health");

    public static void MapHealthRoutes(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health/live", (ActorSystem system) =>
            Answer([system.WhenTerminated.IsCompleted
                ? new Check("actor-system", false, "terminated")
                : new Check("actor-system", true, "running")]));
        app.MapGet("/health/ready", async (ActorSystem system, HostSettings settings, CancellationToken cancel) =>
            Answer([MemberUp(system), await JournalAsync(settings, cancel), .. await ShardsAsync(system, cancel)]));
    }

    private static IResult Answer(IReadOnlyList<Check> checks)
    {
        var ok = checks.All(c => c.Ok);
        return Results.Json(new HealthView(ok ? "up" : "down", checks),
            statusCode: ok ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
    }

    private static Check MemberUp(ActorSystem system)
    {
        var self = Akka.Cluster.Cluster.Get(system).SelfMember;
        return new Check("member", self.Status == Akka.Cluster.MemberStatus.Up, $"{self.Address} is {self.Status}");
    }

    private static async Task<Check> JournalAsync(HostSettings settings, CancellationToken cancel)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        timeout.CancelAfter(CheckTimeout);
        try
        {
            await using var connection = JournalSchema.Open(settings.Telephony.JournalProvider, settings.Telephony.JournalConnectionString);
            await connection.OpenAsync(timeout.Token);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT 1";
            await command.ExecuteScalarAsync(timeout.Token);
            return new Check("journal", true, $"{settings.Telephony.JournalProvider} answers");
        }
        catch (Exception e) when (e is System.Data.Common.DbException or OperationCanceledException or InvalidOperationException)
        {
            return new Check("journal", false, $"{settings.Telephony.JournalProvider}: {(e is OperationCanceledException ? $"no answer within {CheckTimeout.TotalSeconds:0} s" : e.Message)}");
        }
    }

    /// <summary>Each shard region of this member asks its coordinator for the regions it knows: an answer means the
    /// coordinator is up and this region is registered with it.</summary>
    private static async Task<Check[]> ShardsAsync(ActorSystem system, CancellationToken cancel)
    {
        var sharding = ClusterSharding.Get(system);
        var types = sharding.ShardTypeNames.Order(StringComparer.Ordinal).ToList();
        if (types.Count == 0) return [new Check("shards", false, "no shard region started yet")];
        return await Task.WhenAll(types.Select(async type =>
        {
            try
            {
                var regions = await sharding.ShardRegion(type).Ask<CurrentRegions>(GetCurrentRegions.Instance, CheckTimeout, cancel);
                return new Check($"shards:{type}", true, $"coordinator answers ({regions.Regions.Count} region(s))");
            }
            catch (AskTimeoutException)
            {
                return new Check($"shards:{type}", false, $"the coordinator did not answer within {CheckTimeout.TotalSeconds:0} s");
            }
        }));
    }
}
