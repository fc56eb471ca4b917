using Akka.Actor;
using Microsoft.AspNetCore.Http;
using Telephony.Actors.Actions;
using Telephony.Domain.Actions;

namespace Telephony.Host.Management;

/// <summary>
/// How the action routes answer when the queue says no, or says nothing. The body keeps the endpoint's one-line
/// <c>error</c> (what <c>pbm</c> prints) and adds <c>errors</c>, one per field, for programs:
/// <code>{"error": "invalid action: headers.CallerID: contains CR, LF or NUL ...", "errors": [{"field": "headers.CallerID", "message": "..."}]}</code>
/// </summary>
public static class ActionAnswers
{
    public sealed record ActionErrorBody(string Error, IReadOnlyList<ActionRequestError> Errors);

    /// <summary>The queue journals before it answers a submission; the first message to a node also starts its entity.</summary>
    public static readonly TimeSpan SubmitTimeout = TimeSpan.FromSeconds(10);

    public static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(5);

    public static IResult Invalid(IReadOnlyList<ActionRequestError> errors, string what = "invalid action") =>
        Body(StatusCodes.Status400BadRequest, what, errors);

    public static IResult Refused(ActionRefused refused) => refused.Kind switch
    {
        ActionRefusalKind.Invalid => Invalid(refused.Errors),
        ActionRefusalKind.QueueFull => Said(StatusCodes.Status429TooManyRequests, $"the action queue of {refused.Node} is full", refused.Errors),
        ActionRefusalKind.NotFound => Said(StatusCodes.Status404NotFound, "no such action", refused.Errors),
        ActionRefusalKind.Conflict => Said(StatusCodes.Status409Conflict, "cannot cancel", refused.Errors),
        _ => Said(StatusCodes.Status500InternalServerError, $"refused ({refused.Kind})", refused.Errors),
    };

    /// <summary>Asks the node's queue; a refusal becomes its status code, silence a 503 saying what may have happened.</summary>
    public static async Task<IResult> Ask<TAnswer>(IActorRef region, IActionQueueMessage message, TimeSpan timeout,
        Func<TAnswer, IResult> answer, CancellationToken cancel)
    {
        object reply;
        try
        {
            reply = await region.Ask<object>(message, timeout, cancel);
        }
        catch (AskTimeoutException)
        {
            return Unavailable(message.Node, timeout, message is SubmitAction
                ? "; the action may still have been queued: submit it again with the same idempotencyKey to find out"
                : "");
        }
        return reply switch
        {
            TAnswer a => answer(a),
            ActionRefused r => Refused(r),
            _ => ManagementResults.Error(StatusCodes.Status500InternalServerError,
                $"unexpected answer {reply.GetType().Name} from the action queue of {message.Node}"),
        };
    }

    public static IResult Unavailable(string node, TimeSpan timeout, string more = "") =>
        ManagementResults.Error(StatusCodes.Status503ServiceUnavailable,
            $"the action queue of {node} did not answer within {timeout.TotalSeconds:0}s{more}");

    public static string NoAnswer(TimeSpan timeout) => $"no answer within {timeout.TotalSeconds:0}s";

    /// <summary>Field by field: what to fix.</summary>
    private static IResult Body(int status, string what, IReadOnlyList<ActionRequestError> errors) =>
        Results.Json(new ActionErrorBody(errors.Count == 0 ? what : $"{what}: {string.Join("; ", errors)}", errors), statusCode: status);

    /// <summary>In the queue's words ("pbx-a:17 is Ended: only a queued action can be cancelled"): nothing to fix.</summary>
    private static IResult Said(int status, string what, IReadOnlyList<ActionRequestError> errors) =>
        Results.Json(new ActionErrorBody(errors.Count == 0 ? what : string.Join("; ", errors.Select(e => e.Message)), errors), statusCode: status);
}
