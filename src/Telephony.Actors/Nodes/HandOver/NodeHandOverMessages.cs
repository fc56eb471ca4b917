using Telephony.Actors.Queues;
using Telephony.Ami.Client;

namespace Telephony.Actors.Nodes.HandOver;

/// <summary>What the shard tells a node entity when its shard moves (a rebalance, a member leaving or stopping): a
/// planned hand-over, after which the node's AMI session is kept reading until the next owner is logged in.</summary>
public sealed class NodeHandOff
{
    public static readonly NodeHandOff Instance = new();

    private NodeHandOff() { }
}

/// <summary>Sent by a node's new owner, once logged in, to the hand-over desk of every other member: if one of them is
/// still reading the node's previous session, it finishes and answers with <see cref="HandOverDone"/>.</summary>
public sealed record TakingOverNode(string Node, DateTimeOffset LoggedInAt) : IQueueWire;

/// <summary>A member's answer to <see cref="TakingOverNode"/>: it holds no session of the node (<paramref name="Holds"/>
/// false), or it does and will answer <see cref="HandOverDone"/> once everything it read is journaled.</summary>
public sealed record HandOverAnswer(string Node, bool Holds) : IQueueWire;

/// <summary>The previous session read the node until <paramref name="ReadUntil"/> (stopped after the new owner's login,
/// unless <paramref name="Reason"/> says why it stopped before), every event it read is journaled by its call, and
/// <paramref name="Quarantined"/> are events it could not route and <paramref name="Gaps"/> the gaps its node had not
/// yet seen journaled, both for the new owner to journal.</summary>
public sealed record HandOverDone(string Node, DateTimeOffset ReadUntil, long EventsRead, string? Reason,
    IReadOnlyList<EventQuarantined> Quarantined, IReadOnlyList<GapRecorded> Gaps) : IQueueWire;

/// <summary>Events of one call that the previous session read but whose call had not acknowledged them when the
/// hand-over had to end (the call's shard unreachable meanwhile): the new owner delivers them, ahead of what it reads
/// itself, instead of their being lost. Sent before <see cref="HandOverDone"/> on the same path, so they arrive first.</summary>
public sealed record HandedOverCallEvents(string Node, string LinkedId, IReadOnlyList<Calls.RecordedEvent> Events)
    : Serialization.ITelephonyMessage;

/// <summary>A node entity that stopped for a hand-over gives its logged-in session to its member's hand-over desk.</summary>
internal sealed record DrainSession(
    AsteriskNodeSettings Settings,
    AmiClient Client,
    NodeEventRouter Router,
    CallOutboxes Outboxes,
    QueueSignalReader? QueueSignals,
    IReadOnlyList<IQueueMessage> PendingSignals,
    IReadOnlyList<object> PendingJournalEntries,
    DateTimeOffset HandedOffAt);
