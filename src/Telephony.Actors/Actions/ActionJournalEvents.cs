using Telephony.Domain.Actions;

namespace Telephony.Actors.Actions;

/// <summary>Journaled when an action is accepted: the whole action as it will be written to Asterisk. Tagged
/// <see cref="ActionTags.Actions"/> (the <c>ami_action</c> projection reads it).</summary>
public sealed record ActionQueued(ActionRecord Action) : IActionMessage;

/// <summary>Journaled at each step of an action's life after <see cref="ActionQueued"/>; a <c>Sent</c> step is journaled
/// before the action is written to the connection. Tagged <see cref="ActionTags.Actions"/>.</summary>
public sealed record ActionMoved(string Node, ActionTransition Transition) : IActionMessage;

/// <summary>A queue's state, saved every few thousand events: the actions it still holds (unfinished, and the newest
/// finished ones) and its id counter.</summary>
public sealed record ActionQueueSnapshot(string Node, long LastNumber, IReadOnlyList<ActionRecord> Actions) : IActionMessage;

public static class ActionTags
{
    public const string Actions = "actions";
}
