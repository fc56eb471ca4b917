using Akka.Actor;

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
            foreach (var node in nodes) nodeRegion.Tell(new NodeCommand(node, NodeCommandKind.EnsureConnected));
        });
        Self.Tell(new Tick());
        Timers!.StartPeriodicTimer("tick", new Tick(), tick);
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(IReadOnlyCollection<string> nodes, IActorRef nodeRegion, TimeSpan tick) =>
        Akka.Actor.Props.Create(() => new NodeDirectoryActor(nodes, nodeRegion, tick));
}
