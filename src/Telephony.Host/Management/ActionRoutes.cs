using System.Text.Json;
using System.Text.Json.Nodes;
using Akka.Actor;
using Akka.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Telephony.Actors.Actions;
using Telephony.Actors.Hosting;
using Telephony.Domain.Actions;

namespace Telephony.Host.Management;

/// <summary>
/// The <c>pbm action ...</c> palette: submit an AMI action to a node's durable queue, follow it, list and cancel.
/// Each request goes to the node region, which hands it to the node's queue wherever in the cluster it runs. An action
/// id is <c>&lt;node&gt;:&lt;number&gt;</c>, so a lookup by id finds its node without asking anyone else.
/// </summary>
public static class ActionRoutes
{
    public sealed record UnansweredNode(string Node, string Error);

    /// <summary>Newest first; <paramref name="Counts"/> are the answering queues' actions by status, added up.</summary>
    public sealed record ActionsView(IReadOnlyList<ActionRecord> Actions, IReadOnlyDictionary<ActionStatus, int> Counts,
        IReadOnlyList<UnansweredNode> Unanswered);

    public const int MaxBodyBytes = 256 * 1024;
    public const int DefaultLimit = 50;
    public const int MaxLimit = 1000;
    private const string InvalidRequest = "invalid request";

    public static void MapActionRoutes(this IEndpointRouteBuilder app)
    {
        app.MapPost("/actions", Submit);
        app.MapGet("/actions", List);
        app.MapGet("/actions/{id}", (string id, HostSettings settings, IRequiredActor<NodeRegion> nodes, CancellationToken cancel) =>
            WithNodeOf(id, settings, async node => await ActionAnswers.Ask<ActionFound>(await nodes.GetAsync(cancel),
                new GetAction(node, id), ActionAnswers.AskTimeout, found => Results.Ok(found.Action), cancel)));
        app.MapDelete("/actions/{id}", (string id, HostSettings settings, IRequiredActor<NodeRegion> nodes, CancellationToken cancel) =>
            WithNodeOf(id, settings, async node => await ActionAnswers.Ask<ActionFound>(await nodes.GetAsync(cancel),
                new CancelAction(node, id), ActionAnswers.AskTimeout, found => Results.Ok(found.Action), cancel)));
    }

    private static async Task<IResult> Submit(HttpContext context, HostSettings settings, IRequiredActor<NodeRegion> nodes,
        IOptions<JsonOptions> json, CancellationToken cancel)
    {
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size) size.MaxRequestBodySize = MaxBodyBytes;
        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(context.Request.Body, default, cancel);
        }
        catch (JsonException e)
        {
            return ActionAnswers.Invalid([new("body", $"is not JSON: {e.Message}")]);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return ManagementResults.Error(e.StatusCode, $"body: larger than {MaxBodyBytes} bytes");
        }
        using (document)
        {
            var (request, errors) = ActionRequestBody.Read(document.RootElement);
            if (request is null) return ActionAnswers.Invalid(errors);
            if (ManagementResults.UnknownNode(settings, request.Node) is { } notFound) return notFound;
            return await ActionAnswers.Ask<ActionSubmitted>(await nodes.GetAsync(cancel), new SubmitAction(request),
                ActionAnswers.SubmitTimeout, submitted =>
                {
                    // The action as it will be written, and whether the idempotency key named one submitted before.
                    var view = JsonSerializer.SerializeToNode(submitted.Action, json.Value.SerializerOptions)!.AsObject();
                    view["existing"] = submitted.Existing;
                    return Results.Accepted($"/actions/{Uri.EscapeDataString(submitted.Action.Id)}", view);
                }, cancel);
        }
    }

    private static async Task<IResult> List(string? node, string? status, string? limit, HostSettings settings,
        IRequiredActor<NodeRegion> nodes, CancellationToken cancel)
    {
        ActionStatus? wanted = null;
        if (!string.IsNullOrWhiteSpace(status))
        {
            if (!ActionStatuses.TryParse(status.Trim(), out var s))
                return ActionAnswers.Invalid([new("status", $"'{status}' is not a status ({string.Join(", ", Enum.GetNames<ActionStatus>())})")], InvalidRequest);
            wanted = s;
        }
        var max = DefaultLimit;
        if (!string.IsNullOrWhiteSpace(limit) && (!int.TryParse(limit, out max) || max < 1 || max > MaxLimit))
            return ActionAnswers.Invalid([new("limit", $"must be a whole number from 1 to {MaxLimit}, not '{limit}'")], InvalidRequest);
        if (!string.IsNullOrWhiteSpace(node) && ManagementResults.UnknownNode(settings, node) is { } notFound) return notFound;

        var targets = string.IsNullOrWhiteSpace(node) ? settings.Telephony.Nodes.Select(n => n.Name).ToList() : [node];
        var region = await nodes.GetAsync(cancel);
        var answers = await Task.WhenAll(targets.Select(async n =>
        {
            try
            {
                var reply = await ActionListAsk.AskAsync(region, n, wanted, max, ActionAnswers.AskTimeout, cancel);
                return (Node: n, List: reply as ActionList, Error: reply is ActionList ? null : $"unexpected answer {reply.GetType().Name}");
            }
            catch (AskTimeoutException)
            {
                return (Node: n, List: (ActionList?)null, Error: ActionAnswers.NoAnswer(ActionAnswers.AskTimeout));
            }
        }));
        var lists = answers.Where(a => a.List is not null).Select(a => a.List!).ToList();
        if (lists.Count == 0 && targets.Count > 0) return ActionAnswers.Unavailable(string.Join(", ", targets), ActionAnswers.AskTimeout);

        var actions = lists.SelectMany(l => l.Actions)
            .OrderByDescending(a => a.QueuedAt).ThenByDescending(a => Number(a.Id)).ThenBy(a => a.Node, StringComparer.Ordinal)
            .Take(max).ToList();
        var counts = lists.SelectMany(l => l.Counts).GroupBy(c => c.Key).OrderBy(g => g.Key).ToDictionary(g => g.Key, g => g.Sum(c => c.Value));
        var unanswered = answers.Where(a => a.List is null).Select(a => new UnansweredNode(a.Node, a.Error!)).ToList();
        return Results.Ok(new ActionsView(actions, counts, unanswered));
    }

    /// <summary>Runs <paramref name="ask"/> with the node an id names, once the id is well formed and the node configured.</summary>
    private static async Task<IResult> WithNodeOf(string id, HostSettings settings, Func<string, Task<IResult>> ask)
    {
        if (NodeOf(id) is not { } node)
            return ActionAnswers.Invalid([new("id", $"'{id}' is not an action id <node>:<number> (e.g. pbx-a:17)")], InvalidRequest);
        return ManagementResults.UnknownNode(settings, node) ?? await ask(node);
    }

    /// <summary>The node of <c>&lt;node&gt;:&lt;number&gt;</c>: everything before the last ':' (a node name may hold one).</summary>
    public static string? NodeOf(string id)
    {
        var colon = id.LastIndexOf(':');
        return colon > 0 && colon < id.Length - 1 && id.AsSpan(colon + 1).IndexOfAnyExceptInRange('0', '9') < 0 ? id[..colon] : null;
    }

    private static long Number(string id) => long.TryParse(id.AsSpan(id.LastIndexOf(':') + 1), out var n) ? n : 0;
}
