using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Telephony.Actors.Calls;
using Telephony.Actors.Hosting;

namespace Telephony.Host.Management;

/// <summary>The <c>pbm call ...</c> palette: the call entities alive in this member's call region, and one call's
/// journaled state.</summary>
public static class CallRoutes
{
    public sealed record CallsView(IReadOnlyList<string> Calls, int Count, bool Truncated);

    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(5);

    public static void MapCallRoutes(this IEndpointRouteBuilder app)
    {
        app.MapGet("/calls", async (int? limit, IRequiredActor<CallRegion> calls, CancellationToken cancel) =>
        {
            var state = await (await calls.GetAsync(cancel)).Ask<CurrentShardRegionState>(GetShardRegionState.Instance, AskTimeout, cancel);
            var ids = state.Shards.SelectMany(s => s.EntityIds).Order(StringComparer.Ordinal).ToList();
            var max = Math.Clamp(limit ?? 1000, 1, 100_000);
            return new CallsView(ids.Take(max).ToList(), ids.Count, ids.Count > max);
        });
        app.MapGet("/calls/{node}/{linkedId}", async (string node, string linkedId, HostSettings settings,
            IRequiredActor<CallRegion> calls, CancellationToken cancel) =>
        {
            if (ManagementResults.UnknownNode(settings, node) is { } notFound) return notFound;
            var view = await (await calls.GetAsync(cancel)).Ask<CallStateView>(new GetCallState(node, linkedId), AskTimeout, cancel);
            return view.CelCount == 0 && view.CdrCount == 0
                ? ManagementResults.NotFound($"nothing is journaled for call {CallEntityId.Of(node, linkedId)}")
                : Results.Ok(view);
        });
    }
}
