using Akka.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Telephony.Actors.Hosting;
using Telephony.Actors.Queues;

namespace Telephony.Host.Management;

/// <summary>
/// The <c>pbm agent ...</c> palette: the configured agents, each asked from its entity wherever in the cluster it runs;
/// log in, log out, pause and unpause (source "api"); join, re-penalise or leave a queue at run time. Every command
/// answers the agent as it is once the change is journaled. An id that is not configured is a 404 before anyone is asked.
/// </summary>
public static class AgentRoutes
{
    public sealed record UnansweredAgent(string Agent, string Error);

    public sealed record AgentsView(IReadOnlyList<AgentInfo> Agents, IReadOnlyList<UnansweredAgent> Unanswered);

    public static void MapAgentRoutes(this IEndpointRouteBuilder app)
    {
        app.MapGet("/agents", List);
        app.MapGet("/agents/{id}", async (string id, HostSettings settings, IRequiredActor<AgentRegion> agents, CancellationToken cancel) =>
            QueueAnswers.UnknownAgent(settings, id) ?? await QueueAnswers.Ask<AgentInfo>(await agents.GetAsync(cancel), new GetAgent(id),
                $"agent {id}", QueueAnswers.AskTimeout, Results.Ok, cancel));
        foreach (var kind in Enum.GetValues<AgentCommandKind>())
            app.MapPost($"/agents/{{id}}/{kind.ToString().ToLowerInvariant()}", (string id, HttpContext context, HostSettings settings,
                IRequiredActor<AgentRegion> agents, CancellationToken cancel) => Command(id, kind, context, settings, agents, cancel));
        app.MapPost("/agents/{id}/queues", Join);
        app.MapDelete("/agents/{id}/queues/{queue}", async (string id, string queue, HostSettings settings,
            IRequiredActor<AgentRegion> agents, CancellationToken cancel) =>
            QueueAnswers.UnknownAgent(settings, id) ?? QueueAnswers.UnknownQueue(settings, queue)
            ?? await Membership(await agents.GetAsync(cancel), id, queue, null, cancel));
    }

    /// <summary>Every configured agent, or (<c>?queue=Q</c>) those that are members of Q now.</summary>
    private static async Task<IResult> List(string? queue, HostSettings settings, IRequiredActor<AgentRegion> agents, CancellationToken cancel)
    {
        var directory = QueueAnswers.Directory(settings);
        var filter = string.IsNullOrWhiteSpace(queue) ? null : queue;
        if (filter is not null && QueueAnswers.UnknownQueue(settings, filter) is { } notFound) return notFound;
        var ids = directory.Agents.Select(a => a.Id).Order(StringComparer.Ordinal).ToList();
        var region = await agents.GetAsync(cancel);
        var answers = await Task.WhenAll(ids.Select(async id =>
        {
            var (info, error) = await QueueAnswers.TryAsk<AgentInfo>(region, new GetAgent(id), cancel);
            return (Agent: id, Info: info, Error: error);
        }));
        if (ids.Count > 0 && answers.All(a => a.Info is null))
            return QueueAnswers.Unavailable($"no agent ({ids.Count} configured)", QueueAnswers.AskTimeout);
        var listed = answers.Where(a => a.Info is not null && (filter is null || a.Info.Queues.ContainsKey(filter))).Select(a => a.Info!).ToList();
        // Whether a silent agent is a member now is unknown: it is listed when it is configured into the queue.
        var unanswered = answers.Where(a => a.Info is null && (filter is null || directory.Agent(a.Agent)!.Queues.ContainsKey(filter)))
            .Select(a => new UnansweredAgent(a.Agent, a.Error!)).ToList();
        return Results.Ok(new AgentsView(listed, unanswered));
    }

    private static async Task<IResult> Command(string id, AgentCommandKind kind, HttpContext context, HostSettings settings,
        IRequiredActor<AgentRegion> agents, CancellationToken cancel)
    {
        if (QueueAnswers.UnknownAgent(settings, id) is { } notFound) return notFound;
        var (document, error) = await QueueRequestBody.ReadJson(context.Request, optional: true, cancel);
        if (error is not null) return error;
        using (document)
        {
            var (body, errors) = QueueRequestBody.ReadCommand(document?.RootElement);
            if (body is null) return ActionAnswers.Invalid(errors, "invalid request");
            return await QueueAnswers.Ask<AgentInfo>(await agents.GetAsync(cancel), new AgentCommand(id, kind, body.Reason, "api"),
                $"agent {id}", QueueAnswers.WriteTimeout, Results.Ok, cancel,
                $"; the {kind.ToString().ToLowerInvariant()} may have been recorded anyway: GET /agents/{id} tells");
        }
    }

    private static async Task<IResult> Join(string id, HttpContext context, HostSettings settings, IRequiredActor<AgentRegion> agents,
        CancellationToken cancel)
    {
        if (QueueAnswers.UnknownAgent(settings, id) is { } notFound) return notFound;
        var (document, error) = await QueueRequestBody.ReadJson(context.Request, optional: false, cancel);
        if (error is not null) return error;
        using (document)
        {
            var (body, errors) = QueueRequestBody.ReadMembership(document!.RootElement, settings);
            if (body is null) return ActionAnswers.Invalid(errors, "invalid membership");
            return await Membership(await agents.GetAsync(cancel), id, body.Queue, body.Penalty, cancel);
        }
    }

    /// <summary>Penalty null: leave the queue (leaving a queue the agent is not in changes nothing and answers the agent).</summary>
    private static Task<IResult> Membership(Akka.Actor.IActorRef region, string id, string queue, int? penalty, CancellationToken cancel) =>
        QueueAnswers.Ask<AgentInfo>(region, new SetAgentMembership(id, queue, penalty), $"agent {id}", QueueAnswers.WriteTimeout,
            Results.Ok, cancel, "; the change may have been recorded anyway: GET /agents/" + id + " tells");
}
