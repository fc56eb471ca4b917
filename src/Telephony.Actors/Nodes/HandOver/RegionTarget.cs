using Akka.Actor;
using Akka.Cluster;
using Telephony.Actors.Hosting;

namespace Telephony.Actors.Nodes.HandOver;

/// <summary>
/// A shard region (or the node router) as a session being drained sends to it: this member's own while the member runs;
/// once it shuts down its regions hand their shards off and stop, so the same actor on another member that is up (any
/// region forwards to a shard's home).
/// </summary>
internal sealed class RegionTarget(ActorSystem system, IActorRef local, params string[] path)
{
    private Address? _remoteAddress;
    private ActorSelection? _remote;

    /// <summary>Messages that had nowhere to go (the member shuts down and no other member is up).</summary>
    public long Dropped { get; private set; }

    public void Tell(object message, IActorRef sender)
    {
        if (!MemberShutdown.HasStarted(system))
        {
            local.Tell(message, sender);
            return;
        }
        var cluster = Cluster.Get(system);
        var other = cluster.State.Members.FirstOrDefault(m => m.Status == MemberStatus.Up && !m.Address.Equals(cluster.SelfAddress));
        if (other is null)
        {
            Dropped++;
            return;
        }
        if (!other.Address.Equals(_remoteAddress))
        {
            _remoteAddress = other.Address;
            _remote = system.ActorSelection(new RootActorPath(other.Address) / path);
        }
        _remote!.Tell(message, sender);
    }
}
