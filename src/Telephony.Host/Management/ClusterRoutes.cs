using Akka.Actor;
using Akka.Cluster;
using Akka.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Telephony.Host.Management;

/// <summary>The <c>pbm cluster ...</c> palette: membership as this member sees it, and the operator's levers
/// (join, leave, down).</summary>
public static class ClusterRoutes
{
    public sealed record MemberView(string Address, IReadOnlyList<string> Roles, string Status, string Reachability);
    public sealed record ClusterView(string Self, string? Leader, IReadOnlyList<MemberView> Members);
    public sealed record StatusView(MemberView Self, string? Leader, IReadOnlyList<MemberView> Unreachable);
    public sealed record LeaderView(string? Leader);
    public sealed record ActionView(string Action, IReadOnlyList<string> Addresses);
    public sealed record TailView(IReadOnlyList<ClusterEventEntry> Events);

    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(5);

    public static void MapClusterRoutes(this IEndpointRouteBuilder app)
    {
        var cluster = app.MapGroup("/cluster");
        cluster.MapGet("/", (ActorSystem system) =>
        {
            var c = Cluster.Get(system);
            var state = c.State;
            return new ClusterView(c.SelfAddress.ToString(), state.Leader?.ToString(),
                state.Members.Select(m => View(m, state)).ToList());
        });
        cluster.MapGet("/status", (ActorSystem system) =>
        {
            var c = Cluster.Get(system);
            var state = c.State;
            return new StatusView(View(c.SelfMember, state), state.Leader?.ToString(), state.Unreachable.Select(m => View(m, state)).ToList());
        });
        cluster.MapGet("/leader", (ActorSystem system) => new LeaderView(Cluster.Get(system).State.Leader?.ToString()));
        cluster.MapPost("/join", (string? address, ActorSystem system) =>
            WithAddress(address, system, required: true, (c, a) =>
            {
                c.Join(a);
                return Results.Ok(new ActionView("join", [a.ToString()]));
            }));
        cluster.MapPost("/leave", (string? address, ActorSystem system) =>
            WithMember(address, system, (c, a) =>
            {
                c.Leave(a);
                return Results.Ok(new ActionView("leave", [a.ToString()]));
            }));
        cluster.MapPost("/down", (string? address, ActorSystem system) =>
            WithAddress(address, system, required: true, (c, a) =>
                !c.State.Members.Any(m => m.Address == a) && !c.State.Unreachable.Any(m => m.Address == a)
                    ? ManagementResults.NotFound($"{a} is not a member of this cluster")
                    : Down(c, [a])));
        cluster.MapPost("/down-unreachable", (ActorSystem system) =>
        {
            var c = Cluster.Get(system);
            return Down(c, c.State.Unreachable.Select(m => m.Address).ToList());
        });
        cluster.MapGet("/tail", async (int? count, IRequiredActor<ClusterEventLog> log, CancellationToken cancel) =>
            new TailView(await (await log.GetAsync(cancel))
                .Ask<List<ClusterEventEntry>>(new ClusterEventLog.GetRecent(Math.Clamp(count ?? 50, 1, 10_000)), AskTimeout, cancel)));
    }

    private static MemberView View(Member m, ClusterEvent.CurrentClusterState state) => new(
        m.Address.ToString(), m.Roles.OrderBy(r => r, StringComparer.Ordinal).ToList(), m.Status.ToString(),
        state.Unreachable.Contains(m) ? "Unreachable" : "Reachable");

    private static IResult Down(Cluster cluster, IReadOnlyList<Address> addresses)
    {
        foreach (var a in addresses) cluster.Down(a);
        return Results.Ok(new ActionView("down", addresses.Select(a => a.ToString()).ToList()));
    }

    /// <summary>Leave defaults to this member; any other address must be a member.</summary>
    private static IResult WithMember(string? address, ActorSystem system, Func<Cluster, Address, IResult> act) =>
        WithAddress(address, system, required: false, (c, a) =>
            c.State.Members.Any(m => m.Address == a) ? act(c, a) : ManagementResults.NotFound($"{a} is not a member of this cluster"));

    private static IResult WithAddress(string? address, ActorSystem system, bool required, Func<Cluster, Address, IResult> act)
    {
        var cluster = Cluster.Get(system);
        if (string.IsNullOrWhiteSpace(address))
            return required ? ManagementResults.BadRequest("an address is required (akka.tcp://telephony@host:port)") : act(cluster, cluster.SelfAddress);
        Address parsed;
        try
        {
            parsed = Address.Parse(address.Trim());
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            return ManagementResults.BadRequest($"'{address}' is not an actor system address (akka.tcp://telephony@host:port)");
        }
        return act(cluster, parsed);
    }
}
