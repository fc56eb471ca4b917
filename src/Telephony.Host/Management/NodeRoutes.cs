using Akka.Actor;
using Akka.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Telephony.Actors.Hosting;
using Telephony.Actors.Nodes;

namespace Telephony.Host.Management;

/// <summary>The <c>pbm node ...</c> palette: each configured Asterisk node's AMI session, asked from its entity
/// wherever in the cluster it runs.</summary>
public static class NodeRoutes
{
    /// <summary>One line of <c>node list</c>: the status, or why there is none.</summary>
    public sealed record NodeEntry(string Node, NodeStatus? Status, string? Error);
    public sealed record NodesView(IReadOnlyList<NodeEntry> Nodes);

    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(5);

    public static void MapNodeRoutes(this IEndpointRouteBuilder app)
    {
        app.MapGet("/nodes", async (HostSettings settings, IRequiredActor<NodeRegion> nodes, CancellationToken cancel) =>
        {
            var region = await nodes.GetAsync(cancel);
            var entries = await Task.WhenAll(settings.Telephony.Nodes.Select(async n =>
            {
                try
                {
                    return new NodeEntry(n.Name, await Ask(region, n.Name, cancel), null);
                }
                catch (AskTimeoutException)
                {
                    return new NodeEntry(n.Name, null, $"no answer within {AskTimeout.TotalSeconds:0}s");
                }
            }));
            return new NodesView(entries);
        });
        app.MapGet("/nodes/{name}", async (string name, HostSettings settings, IRequiredActor<NodeRegion> nodes, CancellationToken cancel) =>
            settings.Telephony.Nodes.All(n => n.Name != name)
                ? ManagementResults.NotFound($"no node '{name}' is configured (nodes: {string.Join(", ", settings.Telephony.Nodes.Select(n => n.Name))})")
                : Results.Ok(await Ask(await nodes.GetAsync(cancel), name, cancel)));
    }

    private static Task<NodeStatus> Ask(IActorRef region, string node, CancellationToken cancel) =>
        region.Ask<NodeStatus>(new NodeCommand(node, NodeCommandKind.GetStatus), AskTimeout, cancel);
}
