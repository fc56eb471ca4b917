using Akka.Cluster.Sharding;

namespace Telephony.Actors.Queues;

/// <summary>Routes <see cref="IQueueMessage"/>s to the queue entity of that name.</summary>
public sealed class QueueMessageExtractor(int shards) : HashCodeMessageExtractor(shards)
{
    public override string? EntityId(object message) => message is IQueueMessage m ? m.Queue : null;
}

/// <summary>Routes <see cref="IAgentMessage"/>s to the agent entity of that id.</summary>
public sealed class AgentMessageExtractor(int shards) : HashCodeMessageExtractor(shards)
{
    public override string? EntityId(object message) => message is IAgentMessage m ? m.AgentId : null;
}
