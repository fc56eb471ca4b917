using System.Text.Json;
using System.Text.Json.Nodes;
using Akka.Actor;
using Akka.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Telephony.Actors.Hosting;
using Telephony.Actors.Queues;

namespace Telephony.Host.Management;

/// <summary>
/// The <c>pbm queue ...</c> palette: the configured call queues, each asked from its entity wherever in the cluster it
/// runs, and a caller put into a queue through the API (what a node's <c>TelephonyQueueJoin</c> does from the
/// dialplan). A name that is not configured is a 404 before anyone is asked.
/// </summary>
public static class QueueRoutes
{
    public sealed record UnansweredQueue(string Queue, string Error);

    /// <summary>One line of <c>queue list</c>.</summary>
    /// <param name="AgentsLoggedIn">Members not logged out (available or on break).</param>
    /// <param name="AgentsAvailable">Members that could take a call now.</param>
    public sealed record QueueSummary(string Queue, string Strategy, int Waiting, int Connected, double LongestWaitSeconds,
        double? ServiceLevel, int AgentsLoggedIn, int AgentsAvailable);

    public sealed record QueuesView(IReadOnlyList<QueueSummary> Queues, IReadOnlyList<UnansweredQueue> Unanswered);

    public sealed record CallerJoined(string Queue, string Caller, int? Position);

    public static void MapQueueRoutes(this IEndpointRouteBuilder app)
    {
        app.MapGet("/queues", List);
        app.MapGet("/queues/{name}", Show);
        app.MapPost("/queues/{name}/callers", Join);
    }

    private static async Task<IResult> List(HostSettings settings, ActorSystem system, IRequiredActor<QueueRegion> queues,
        CancellationToken cancel)
    {
        var names = QueueAnswers.Directory(settings).Queues.Select(q => q.Name).Order(StringComparer.Ordinal).ToList();
        var region = await queues.GetAsync(cancel);
        var answers = await Task.WhenAll(names.Select(async n =>
        {
            var (info, error) = await QueueAnswers.TryAskQueue(system, region, n, cancel);
            return (Queue: n, Info: info, Error: error);
        }));
        if (names.Count > 0 && answers.All(a => a.Info is null))
            return QueueAnswers.Unavailable($"no queue ({string.Join(", ", names)})", QueueAnswers.AskTimeout);
        var summaries = answers.Where(a => a.Info is not null).Select(a => Summary(a.Info!)).ToList();
        var unanswered = answers.Where(a => a.Info is null).Select(a => new UnansweredQueue(a.Queue, a.Error!)).ToList();
        return Results.Ok(new QueuesView(summaries, unanswered));
    }

    public static QueueSummary Summary(QueueInfo q) => new(q.Queue, q.Strategy, q.Waiting.Count, q.Connected.Count,
        q.LongestWaitSeconds, q.ServiceLevel, q.Agents.Count(a => a.Status != "LoggedOut"),
        q.Agents.Count(a => a.Status == "Available" && a.Activity == "Idle"));

    /// <summary>The queue as its entity tells it, each agent on break with its reason (the agent's, asked beside).</summary>
    private static async Task<IResult> Show(string name, HostSettings settings, ActorSystem system, IRequiredActor<QueueRegion> queues,
        IRequiredActor<AgentRegion> agents, IOptions<JsonOptions> json, CancellationToken cancel)
    {
        if (QueueAnswers.UnknownQueue(settings, name) is { } notFound) return notFound;
        var region = await queues.GetAsync(cancel);
        QueueInfo info;
        try
        {
            info = await QueueInfoAsk.AskAsync(system, region, name, QueueAnswers.AskTimeout, cancel);
        }
        catch (AskTimeoutException)
        {
            return QueueAnswers.Unavailable($"queue {name}", QueueAnswers.AskTimeout);
        }
        var view = JsonSerializer.SerializeToNode(info, json.Value.SerializerOptions)!.AsObject();
        // The queue knows an agent is on break, not why: the reason is the agent's.
        var agentRegion = await agents.GetAsync(cancel);
        var onBreak = info.Agents.Select((a, i) => (a, i)).Where(x => x.a.Status == "OnBreak").ToList();
        var reasons = await Task.WhenAll(onBreak.Select(async x =>
            (x.i, (await QueueAnswers.TryAsk<AgentInfo>(agentRegion, new GetAgent(x.a.AgentId), cancel)).Answer?.BreakReason)));
        if (view["agents"] is JsonArray list)
            foreach (var (i, reason) in reasons)
                if (list[i] is JsonObject agent) agent["breakReason"] = reason;
        return Results.Ok(view);
    }

    private static async Task<IResult> Join(string name, HttpContext context, HostSettings settings,
        IRequiredActor<QueueRegion> queues, CancellationToken cancel)
    {
        if (QueueAnswers.UnknownQueue(settings, name) is { } notFound) return notFound;
        var (document, error) = await QueueRequestBody.ReadJson(context.Request, optional: false, cancel);
        if (error is not null) return error;
        using (document)
        {
            var (request, errors) = QueueRequestBody.ReadCaller(document!.RootElement, settings);
            if (request is null) return ActionAnswers.Invalid(errors, "invalid caller");
            return await QueueAnswers.Ask<JoinAnswer>(await queues.GetAsync(cancel), new JoinQueue(name, request), $"queue {name}",
                QueueAnswers.WriteTimeout, answer => answer.Joined
                    ? Results.Accepted($"/queues/{Uri.EscapeDataString(name)}", new CallerJoined(name, answer.Caller.ToString(), answer.Position))
                    : Refused(name, answer.Refusal), cancel,
                "; the caller may have joined anyway: post it again (the same node and uniqueId join once)");
        }
    }

    /// <summary>The queue's state says no: nothing in the request to fix, so 409 with the reason.</summary>
    private static IResult Refused(string queue, string? refusal) => refusal switch
    {
        "QueueFull" => ManagementResults.Error(StatusCodes.Status409Conflict, $"queue {queue} refused the caller: it is full (MaxLength)"),
        "NoAgents" => ManagementResults.Error(StatusCodes.Status409Conflict, $"queue {queue} refused the caller: no agent is logged in (RefuseJoinWhen)"),
        "NoneAvailable" => ManagementResults.Error(StatusCodes.Status409Conflict, $"queue {queue} refused the caller: no agent is available (RefuseJoinWhen)"),
        _ => ManagementResults.Error(StatusCodes.Status409Conflict, $"queue {queue} refused the caller: {refusal ?? "no reason given"}"),
    };
}
