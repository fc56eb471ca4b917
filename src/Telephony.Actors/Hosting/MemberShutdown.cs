using Akka.Actor;

namespace Telephony.Actors.Hosting;

/// <summary>
/// Whether this member has begun its coordinated shutdown. From then on its shard regions are handing their shards
/// off, and a message for a shard already gone stays buffered until the region's stop times out (a warning on every
/// healthy stop, and the message is dropped anyway). Senders whose messages nothing depends on stop sending: queues and
/// agents (reservations carry deadlines, recovered entities ask each other again, a recovered queue restarts its
/// connects with the same idempotency keys and checks its callers on their nodes), the queue keeper, a node's queue
/// signals, the node directory's ticks, the progress reporter and the demo dialer.
/// </summary>
public static class MemberShutdown
{
    public static bool HasStarted(ActorSystem system) => CoordinatedShutdown.Get(system).ShutdownReason is not null;

    /// <summary>The region while the member runs, nobody once it shuts down.</summary>
    public static IActorRef RegionWhileUp(IActorRef region, ActorSystem system) => HasStarted(system) ? ActorRefs.Nobody : region;
}
