using Akka.Actor;

namespace Telephony.Actors.Queues;

/// <summary>
/// A shard region as the queue side's actors tell it: the region itself while the member runs, nobody once the member
/// shuts down. Then the regions are handing their shards off, and a message for a shard already gone stays buffered
/// until the region's stop times out (a warning on every healthy stop, and the message is dropped anyway). Nothing
/// depends on these messages arriving: reservations carry deadlines, recovered queues and agents ask each other again,
/// and a recovered queue restarts its connects with the same idempotency keys and checks its callers on their nodes.
/// </summary>
internal static class RegionWhileUp
{
    public static IActorRef Of(IActorRef region, ActorSystem system) =>
        CoordinatedShutdown.Get(system).ShutdownReason is null ? region : ActorRefs.Nobody;
}
