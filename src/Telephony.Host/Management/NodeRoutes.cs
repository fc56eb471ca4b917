using System.Text.Json;
using Akka.Actor;
using Akka.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Telephony.Actors.Actions;
using Telephony.Actors.Hosting;
using Telephony.Actors.Nodes;
using Telephony.Domain.Actions;

namespace Telephony.Host.Management;

/// <summary>The <c>pbm node ...</c> palette: each configured Asterisk node's AMI session, asked from its entity
/// wherever in the cluster it runs; <c>node show</c> adds the node's action queue by status.</summary>
public static class NodeRoutes
{
    /// <summary>One line of <c>node list</c>: the status, or why there is none.</summary>
    public sealed record NodeEntry(string Node, NodeStatus? Status, string? Error, string? Region = null);
    public sealed record NodesView(IReadOnlyList<NodeEntry> Nodes);

    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan ActionCountsTimeout = TimeSpan.FromSeconds(3);

    public static void MapNodeRoutes(this IEndpointRouteBuilder app)
    {
        app.MapGet("/nodes", async (HostSettings settings, IRequiredActor<NodeRegion> nodes, ActorSystem system, CancellationToken cancel) =>
        {
            var region = await nodes.GetAsync(cancel);
            var entries = await Task.WhenAll(settings.Telephony.Nodes.Select(async n =>
            {
                if (NoMemberFor(system, settings, n) is { } none) return new NodeEntry(n.Name, null, none, n.Region);
                try
                {
                    return new NodeEntry(n.Name, await Ask(region, n.Name, cancel), null, n.Region);
                }
                catch (AskTimeoutException)
                {
                    return new NodeEntry(n.Name, null, $"no answer within {AskTimeout.TotalSeconds:0}s", n.Region);
                }
            }));
            return new NodesView(entries);
        });
        app.MapGet("/nodes/{name}", async (string name, HostSettings settings, IRequiredActor<NodeRegion> nodes,
            ActorSystem system, IOptions<JsonOptions> json, CancellationToken cancel) =>
        {
            if (ManagementResults.UnknownNode(settings, name) is { } notFound) return notFound;
            if (NoMemberFor(system, settings, settings.Telephony.Nodes.First(n => n.Name == name)) is { } none)
                return Results.Problem(none, statusCode: StatusCodes.Status503ServiceUnavailable);
            var region = await nodes.GetAsync(cancel);
            var actions = ActionCounts(region, name, cancel);
            var view = JsonSerializer.SerializeToNode(await Ask(region, name, cancel), json.Value.SerializerOptions)!.AsObject();
            // The node's action queue by status beside its AMI session; a queue that does not answer leaves node show readable.
            var (counts, error) = await actions;
            if (counts is not null) view["actions"] = JsonSerializer.SerializeToNode(counts, json.Value.SerializerOptions);
            else view["actionsError"] = error;
            return Results.Ok(view);
        });
    }

    private static async Task<(IReadOnlyDictionary<ActionStatus, int>? Counts, string? Error)> ActionCounts(
        IActorRef region, string node, CancellationToken cancel)
    {
        try
        {
            var list = await region.Ask<ActionList>(new ListActions(node, null, 0), ActionCountsTimeout, cancel);
            return (new SortedDictionary<ActionStatus, int>(list.Counts.ToDictionary()), null);
        }
        catch (AskTimeoutException)
        {
            return (null, $"the action queue did not answer within {ActionCountsTimeout.TotalSeconds:0}s");
        }
    }

    /// <summary>Why nobody can answer for a node at once, instead of a 5 s wait: no member that may run its AMI session
    /// (its region's role, or the AMI role) is up.</summary>
    private static string? NoMemberFor(ActorSystem system, HostSettings settings, AsteriskNodeSettings node)
    {
        var role = NodeRegions.Role(NodeRegions.Of(node), settings.Telephony.AmiRole);
        if (role is null) return null;
        var members = Akka.Cluster.Cluster.Get(system).State.Members;
        return members.Any(m => m.Status == Akka.Cluster.MemberStatus.Up && m.HasRole(role))
            ? null : $"no member has role {role} (none is up)";
    }

    private static Task<NodeStatus> Ask(IActorRef region, string node, CancellationToken cancel) =>
        region.Ask<NodeStatus>(new NodeCommand(node, NodeCommandKind.GetStatus), AskTimeout, cancel);
}
