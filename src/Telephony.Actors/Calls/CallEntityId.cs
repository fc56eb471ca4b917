using Akka.Cluster.Sharding;

namespace Telephony.Actors.Calls;

/// <summary>Call entity ids are <c>node/linkedid</c>: a LinkedID is unique on one Asterisk only.</summary>
public static class CallEntityId
{
    public static string Of(string node, string linkedId) => node + "/" + linkedId;

    public static (string Node, string LinkedId) Split(string entityId)
    {
        var slash = entityId.IndexOf('/');
        if (slash <= 0) throw new ArgumentException($"call entity id '{entityId}' is not node/linkedid");
        return (entityId[..slash], entityId[(slash + 1)..]);
    }
}

/// <summary>Routes <see cref="ICallMessage"/>s to their call entity and shard.</summary>
public sealed class CallMessageExtractor(int shards) : HashCodeMessageExtractor(shards)
{
    public override string? EntityId(object message) => message switch
    {
        ICallMessage m => CallEntityId.Of(m.Node, m.LinkedId),
        _ => null,
    };
}
