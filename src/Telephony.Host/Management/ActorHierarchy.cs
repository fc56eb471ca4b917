using Akka.Actor;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Telephony.Host.Management;

/// <summary><c>pbm actor hierarchy</c>: this member's actor tree from the root (or from a path), walked through the
/// local cells' children. Bounded in depth and in size: a call region alone can hold thousands of entities.</summary>
public static class ActorHierarchy
{
    public sealed record ActorNode(string Path, int Children, IReadOnlyList<ActorNode> Shown);
    /// <summary><paramref name="Depth"/> levels below <paramref name="Root"/> are walked.</summary>
    public sealed record HierarchyView(ActorNode Root, int Depth, bool Truncated);

    public const int MaxActors = 2000;

    public static void MapActorRoutes(this IEndpointRouteBuilder app) =>
        app.MapGet("/actors", async (int? depth, string? path, ActorSystem system, CancellationToken cancel) =>
        {
            if (depth is < 1 or > 50) return ManagementResults.BadRequest("depth must be between 1 and 50");
            IActorRef start;
            if (string.IsNullOrWhiteSpace(path))
                start = ((ExtendedActorSystem)system).Provider.RootGuardian;
            else
            {
                try
                {
                    start = await system.ActorSelection(path.Trim()).ResolveOne(TimeSpan.FromSeconds(3), cancel);
                }
                catch (ActorNotFoundException)
                {
                    return ManagementResults.NotFound($"no actor at '{path}' on this member");
                }
            }
            var budget = MaxActors;
            var root = Walk(start, depth ?? 3, ref budget);
            return Results.Ok(new HierarchyView(root, depth ?? 3, budget <= 0));
        });

    private static ActorNode Walk(IActorRef actor, int depth, ref int budget)
    {
        budget--;
        var children = actor is ActorRefWithCell cell
            ? cell.Children.OrderBy(c => c.Path.Name, StringComparer.Ordinal).ToList()
            : [];
        var shown = new List<ActorNode>();
        foreach (var child in children)
        {
            if (depth <= 0 || budget <= 0) break;
            shown.Add(Walk(child, depth - 1, ref budget));
        }
        return new ActorNode(actor.Path.ToStringWithoutAddress(), children.Count, shown);
    }
}
