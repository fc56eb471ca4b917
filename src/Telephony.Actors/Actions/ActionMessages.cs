using Akka.Actor;
using Telephony.Actors.Nodes;
using Telephony.Domain.Actions;

namespace Telephony.Actors.Actions;

/// <summary>A request for one node's action queue; sent to the node region (<c>NodeRegion</c>) from anywhere in the
/// cluster, forwarded by the node entity to its queue.</summary>
public interface IActionQueueMessage : INodeMessage, IActionMessage;

/// <summary>Queue an action. Answered with <see cref="ActionSubmitted"/> once it is journaled (or at once when its
/// idempotency key names an action already known), or <see cref="ActionRefused"/> (nothing journaled).</summary>
public sealed record SubmitAction(ActionRequest Request) : IActionQueueMessage
{
    public string Node => Request.Node;
}

/// <param name="Existing">The idempotency key named an action submitted before: this is that action.</param>
public sealed record ActionSubmitted(ActionRecord Action, bool Existing) : IActionMessage;

public enum ActionRefusalKind : byte
{
    /// <summary>A field is malformed, not allowed, or would inject AMI headers (HTTP 400).</summary>
    Invalid = 1,
    /// <summary>The node's queue holds its limit of waiting actions (HTTP 429).</summary>
    QueueFull = 2,
    /// <summary>No such action (HTTP 404).</summary>
    NotFound = 3,
    /// <summary>The action cannot be cancelled any more: it was sent or finished (HTTP 409).</summary>
    Conflict = 4,
}

public sealed record ActionRefused(string Node, ActionRefusalKind Kind, IReadOnlyList<ActionRequestError> Errors) : IActionMessage
{
    public override string ToString() => $"{Kind}: {string.Join("; ", Errors)}";
}

/// <summary>Answered with <see cref="ActionFound"/>, or <see cref="ActionRefused"/> (NotFound).</summary>
public sealed record GetAction(string Node, string Id) : IActionQueueMessage;

public sealed record ActionFound(ActionRecord Action) : IActionMessage;

/// <summary>The newest actions first, optionally of one status and older than number <paramref name="Before"/>;
/// answered with <see cref="ActionList"/>.</summary>
public sealed record ListActions(string Node, ActionStatus? Status, int Limit, long? Before = null) : IActionQueueMessage;

/// <param name="Counts">Actions the queue holds by status (finished ones as far back as it keeps them).</param>
/// <param name="More">Set when the answer stopped short of the limit to fit one remoting frame
/// (<see cref="ActionPages"/>): ask again with it as <c>Before</c> for the next page.</param>
public sealed record ActionList(string Node, IReadOnlyList<ActionRecord> Actions, IReadOnlyDictionary<ActionStatus, int> Counts,
    long? More = null) : IActionMessage;

/// <summary>Cancel a queued action: answered with <see cref="ActionFound"/> (now Cancelled) or <see cref="ActionRefused"/>
/// (NotFound, or Conflict when it was already sent or finished).</summary>
public sealed record CancelAction(string Node, string Id) : IActionQueueMessage;

/// <summary>Send <paramref name="Subscriber"/> an <see cref="ActionChanged"/> now and at every change of the action
/// until it is done (<see cref="ActionRecord.IsDone"/>: final, or Succeeded when it creates no call; then one last one). Watched with DeathWatch: a dead subscriber is forgotten.</summary>
public sealed record SubscribeAction(string Node, string Id, IActorRef Subscriber) : IActionQueueMessage;

public sealed record ActionChanged(ActionRecord Action) : IActionMessage;
