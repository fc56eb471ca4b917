using Akka.Actor;
using Telephony.Actors.Hosting;

namespace Telephony.Actors.Nodes;

/// <summary>
/// A cluster singleton that keeps every configured Asterisk node connected: on every tick it tells each node entity
/// to be alive, which starts it on its shard's member — at start-up and again right after a shard moved to another
/// member. Chosen over remember-entities because the configuration is the source of truth: a node removed from the
/// configuration is not resurrected from a remembered set, and nothing else needs to be stored.
/// </summary>
public sealed class NodeDirectoryActor : ReceiveActor, IWithTimers
{
    private sealed record Tick;

    public NodeDirectoryActor(IReadOnlyCollection<string> nodes, IActorRef nodeRegion, TimeSpan tick)
    {
        Receive<Tick>(_ =>
        {
            // Not while this member shuts down: a node's shard is being handed off, and a message for it would wait in
            // the region until the region's stop timed out (a warning on a healthy SIGTERM of a busy machine). The
            // next oldest member's directory takes over; a handed-over node's session pokes its next owner itself.
            if (MemberShutdown.HasStarted(Context.System)) return;
            foreach (var node in nodes) nodeRegion.Tell(new NodeCommand(node, NodeCommandKind.EnsureConnected));
        });
        Self.Tell(new Tick());
        Timers!.StartPeriodicTimer("tick", new Tick(), tick);
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(IReadOnlyCollection<string> nodes, IActorRef nodeRegion, TimeSpan tick) =>
        Akka.Actor.Props.Create(() => new NodeDirectoryActor(nodes, nodeRegion, tick));
}
