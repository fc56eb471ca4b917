using Telephony.Actors.Serialization;

namespace Telephony.Actors.Nodes;

public enum NodeCommandKind : byte
{
    /// <summary>Start (if not running) and stay connected. Sent by the node directory on every tick.</summary>
    EnsureConnected = 1,
    /// <summary>Answer with a <see cref="NodeStatus"/> (local only; the management endpoint asks).</summary>
    GetStatus = 2,
}

/// <summary>A message for one Asterisk node entity (sharded by node name).</summary>
public sealed record NodeCommand(string Node, NodeCommandKind Kind) : INodeMessage, ITelephonyMessage;

/// <summary>Journaled by the node: events were not observed between <paramref name="From"/> and <paramref name="To"/>
/// (disconnected, buffer overflow, node restart). <paramref name="LostEvents"/> is -1 when unknown.</summary>
public sealed record GapRecorded(string Node, DateTimeOffset From, DateTimeOffset To, string Reason, long LostEvents) : ITelephonyMessage;

/// <summary>Journaled by the node: an event that could not be routed or understood, kept with the reason.</summary>
public sealed record EventQuarantined(string Node, DateTimeOffset At, string Reason, IReadOnlyList<KeyValuePair<string, string>> Headers)
    : ITelephonyMessage;

/// <summary>Journaled by the node every few seconds while connected: it observed Asterisk up to <paramref name="At"/>.
/// After a crash, the next incarnation journals a gap from the last of these to its own first connection.</summary>
public sealed record NodeSeen(string Node, DateTimeOffset At) : ITelephonyMessage;

/// <summary>The node journal's state, saved every <see cref="NodeJournal.SnapshotEvery"/> events: recovering it does not
/// replay every heartbeat since the node was first configured (17,280 a day).</summary>
public sealed record NodeJournalSnapshot(string Node, DateTimeOffset? LastSeen, long Gaps, long Quarantined) : ITelephonyMessage;
