using Akka.Actor;
using Telephony.Actors.Hosting;

namespace Telephony.Actors.Queues;

/// <summary>
/// Cluster singleton that keeps every configured queue and agent entity running: sharded entities only start when a
/// message reaches them, and after a member dies nothing else would wake a queue holding waiting callers, or an agent
/// holding a reservation whose deadline must be enforced. A wake-up is idempotent (an entity already running ignores it).
/// </summary>
public sealed class QueueKeeperActor : ReceiveActor, IWithTimers
{
    private sealed record Tick;

    public QueueKeeperActor(IReadOnlyList<string> queues, IReadOnlyList<string> agents, IActorRef queueRegion,
        IActorRef agentRegion, TimeSpan interval)
    {
        Receive<Tick>(_ =>
        {
            if (MemberShutdown.HasStarted(Context.System)) return;
            foreach (var q in queues) queueRegion.Tell(new WakeQueue(q));
            foreach (var a in agents) agentRegion.Tell(new WakeAgent(a));
        });
        Self.Tell(new Tick());
        Timers!.StartPeriodicTimer("tick", new Tick(), interval);
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(IReadOnlyList<string> queues, IReadOnlyList<string> agents, IActorRef queueRegion,
        IActorRef agentRegion, TimeSpan interval) =>
        Akka.Actor.Props.Create(() => new QueueKeeperActor(queues, agents, queueRegion, agentRegion, interval));
}
