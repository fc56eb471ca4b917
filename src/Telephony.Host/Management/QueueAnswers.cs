using Akka.Actor;
using Microsoft.AspNetCore.Http;
using Telephony.Actors.Queues;

namespace Telephony.Host.Management;

/// <summary>
/// How the queue and agent routes answer: a name that is not configured is a 404 found in the directory before any
/// entity is asked (an entity of an unknown name would start, answer "not configured" and stay), silence a 503, and
/// anything else the entity says that the route did not expect a 500 — always the endpoint's one-line <c>error</c>.
/// </summary>
public static class QueueAnswers
{
    /// <summary>A join and an agent command are journaled before they are answered; the first message also starts the
    /// entity (and its recovery).</summary>
    public static readonly TimeSpan WriteTimeout = TimeSpan.FromSeconds(10);

    public static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(5);

    /// <summary>How many names a 404 lists before it says "...".</summary>
    private const int NamesShown = 20;

    public static QueueDirectory Directory(HostSettings settings) => settings.Telephony.QueueDirectory;

    /// <summary>A 404 naming the configured queues when <paramref name="queue"/> is not one of them, else null.</summary>
    public static IResult? UnknownQueue(HostSettings settings, string queue) =>
        Directory(settings).Queue(queue) is not null
            ? null
            : ManagementResults.NotFound($"no such queue '{queue}' (configured: {Names(Directory(settings).Queues.Select(q => q.Name))})");

    /// <summary>A 404 naming the configured agents when <paramref name="agent"/> is not one of them, else null.</summary>
    public static IResult? UnknownAgent(HostSettings settings, string agent) =>
        Directory(settings).Agent(agent) is not null
            ? null
            : ManagementResults.NotFound($"no such agent '{agent}' (configured: {Names(Directory(settings).Agents.Select(a => a.Id))})");

    /// <summary>Asks a queue or agent entity; silence is a 503 saying what may have happened anyway.</summary>
    /// <param name="what">"queue sales", "agent 1001": who did not answer.</param>
    /// <param name="mayHaveHappened">Added to a 503 when the message changes something.</param>
    public static async Task<IResult> Ask<TAnswer>(IActorRef region, IQueueWire message, string what, TimeSpan timeout,
        Func<TAnswer, IResult> answer, CancellationToken cancel, string mayHaveHappened = "")
    {
        object reply;
        try
        {
            reply = await region.Ask<object>(message, timeout, cancel);
        }
        catch (AskTimeoutException)
        {
            return Unavailable(what, timeout, mayHaveHappened);
        }
        return reply switch
        {
            TAnswer a => answer(a),
            // Configured here but not where the entity runs (members configured differently).
            AgentUnknown u => ManagementResults.NotFound($"agent '{u.AgentId}' is not configured on the member that runs it"),
            _ => ManagementResults.Error(StatusCodes.Status500InternalServerError, $"unexpected answer {reply.GetType().Name} from {what}"),
        };
    }

    /// <summary>One entity of many (a list): its answer, or why there is none.</summary>
    public static async Task<(TAnswer? Answer, string? Error)> TryAsk<TAnswer>(IActorRef region, IQueueWire message,
        CancellationToken cancel) where TAnswer : class
    {
        try
        {
            var reply = await region.Ask<object>(message, AskTimeout, cancel);
            return reply is TAnswer a ? (a, null) : (null, $"unexpected answer {reply.GetType().Name}");
        }
        catch (AskTimeoutException)
        {
            return (null, ActionAnswers.NoAnswer(AskTimeout));
        }
    }

    /// <summary>A queue's whole view among many (a list), or why there is none.</summary>
    public static async Task<(QueueInfo? Answer, string? Error)> TryAskQueue(ActorSystem system, IActorRef region, string queue,
        CancellationToken cancel)
    {
        try
        {
            return (await QueueInfoAsk.AskAsync(system, region, queue, AskTimeout, cancel), null);
        }
        catch (AskTimeoutException)
        {
            return (null, ActionAnswers.NoAnswer(AskTimeout));
        }
    }

    public static IResult Unavailable(string what, TimeSpan timeout, string more = "") =>
        ManagementResults.Error(StatusCodes.Status503ServiceUnavailable, $"{what} did not answer within {timeout.TotalSeconds:0}s{more}");

    private static string Names(IEnumerable<string> names)
    {
        var all = names.Order(StringComparer.Ordinal).ToList();
        if (all.Count == 0) return "none";
        return all.Count <= NamesShown ? string.Join(", ", all) : string.Join(", ", all.Take(NamesShown)) + ", ...";
    }
}
