using Akka.Actor;
using Akka.Event;

namespace Telephony.Actors.Nodes;

/// <summary>
/// The one entry point to every node entity (registered as <c>NodeRegion</c>): forwards an <see cref="INodeMessage"/> to
/// the shard region — or proxy — of the node's region, keeping the original sender so replies go straight back.
/// </summary>
public sealed class NodeRouterActor : ReceiveActor
{
    public NodeRouterActor(IReadOnlyDictionary<string, IActorRef> regionOfNode)
    {
        var log = Context.GetLogger();
        Receive<INodeMessage>(m =>
        {
            if (regionOfNode.TryGetValue(m.Node, out var region)) region.Forward(m);
            else log.Warning("no node '{0}' is configured: {1} dropped", m.Node, m.GetType().Name);
        });
    }

    public static Props Props(IReadOnlyDictionary<string, IActorRef> regionOfNode) =>
        Akka.Actor.Props.Create(() => new NodeRouterActor(regionOfNode));
}
