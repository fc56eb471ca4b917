using Akka.Cluster.Sharding;

namespace Telephony.Actors.Nodes;

/// <summary>Routes <see cref="NodeCommand"/>s to the node entity of that name.</summary>
public sealed class NodeMessageExtractor(int shards) : HashCodeMessageExtractor(shards)
{
    public override string? EntityId(object message) => message switch
    {
        NodeCommand c => c.Node,
        _ => null,
    };
}
