namespace Telephony.Actors.Queues;

/// <summary>Every queue and agent message and journal event: serialized by <see cref="QueueSerializer"/>.</summary>
public interface IQueueWire;

/// <summary>A message for one queue entity (sharded by <see cref="Queue"/>).</summary>
public interface IQueueMessage : IQueueWire
{
    string Queue { get; }
}

/// <summary>A message for one agent entity (sharded by <see cref="AgentId"/>).</summary>
public interface IAgentMessage : IQueueWire
{
    string AgentId { get; }
}

public static class QueueTags
{
    /// <summary>Journal tag of queue and agent events (the queue_call, agent_session and queue_log projections).</summary>
    public const string Queues = "queues";
}

/// <summary>A queue took over (or recovered) a caller of this node: route that channel's events to it.</summary>
public sealed record WatchQueueCaller(string Node, string UniqueId, string Queue) : Nodes.INodeMessage, IQueueWire;

/// <summary>What a node needs to feed the call queues: the queue and agent regions and the configured queues.</summary>
public sealed record NodeQueueLinks(Akka.Actor.IActorRef Queues, Akka.Actor.IActorRef Agents, QueueDirectory Directory);

/// <summary>Starts the queue entity if it is not running (see <see cref="QueueKeeperActor"/>).</summary>
public sealed record WakeQueue(string Queue) : IQueueMessage;

/// <summary>Starts the agent entity if it is not running (see <see cref="QueueKeeperActor"/>).</summary>
public sealed record WakeAgent(string AgentId) : IAgentMessage;
