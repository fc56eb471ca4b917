using Akka.Cluster.Sharding;

namespace Telephony.Actors.Nodes;

/// <summary>Routes <see cref="INodeMessage"/>s (node commands, action queue requests) to the node entity of that name.</summary>
public sealed class NodeMessageExtractor(int shards) : HashCodeMessageExtractor(shards)
{
    public override string? EntityId(object message) => message switch
    {
        INodeMessage m => m.Node,
        _ => null,
    };
}
