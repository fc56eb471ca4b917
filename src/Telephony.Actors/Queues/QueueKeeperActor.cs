using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Sharding;
using Akka.Event;
using Telephony.Actors.Hosting;

namespace Telephony.Actors.Queues;

/// <summary>
/// Cluster singleton that keeps every configured queue and agent entity running: sharded entities only start when a
/// message reaches them, and after a member dies nothing else would wake a queue holding waiting callers, or an agent
/// holding a reservation whose deadline must be enforced. A wake-up is idempotent (an entity already running ignores it).
/// In a cluster still forming it first waits for the members it expects (<see cref="KeeperFormation"/>), so that the
/// shards are spread over them from the start instead of moved one round at a time.
/// </summary>
public sealed class QueueKeeperActor : ReceiveActor, IWithTimers
{
    private sealed record Tick;
    private sealed record FormationCheck;
    private sealed record Seen(int? Regions);

    private static readonly TimeSpan FormationCheckEvery = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(1);

    private readonly IReadOnlyList<string> _queues;
    private readonly IReadOnlyList<string> _agents;
    private readonly IActorRef _queueRegion;
    private readonly IActorRef _agentRegion;
    private readonly TimeSpan _interval;
    private readonly KeeperFormation _formation;
    private readonly MemberUpClock _upClock;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private bool _asking;

    public QueueKeeperActor(IReadOnlyList<string> queues, IReadOnlyList<string> agents, IActorRef queueRegion,
        IActorRef agentRegion, TimeSpan interval, KeeperFormation formation, MemberUpClock upClock)
    {
        (_queues, _agents, _queueRegion, _agentRegion, _interval, _formation, _upClock) =
            (queues, agents, queueRegion, agentRegion, interval, formation, upClock);
        if (_formation.MayWake(UpMembers(), null, _upClock.UpFor)) Keeping();
        else
        {
            _log.Info("queue keeper: waiting for {0} members and their shard regions (now {1} up; at most {2:0} s after this " +
                      "member came up) before starting {3} queues and {4} agents", _formation.Members, UpMembers(),
                _formation.Wait.TotalSeconds, queues.Count, agents.Count);
            Forming();
        }
    }

    public ITimerScheduler Timers { get; set; } = null!;

    private void Forming()
    {
        Receive<FormationCheck>(_ =>
        {
            var up = UpMembers();
            if (_formation.MayWake(up, null, _upClock.UpFor)) StartKeeping(up, null);
            else if (up >= _formation.Members && !_asking) AskCoordinators();
        });
        Receive<Seen>(seen =>
        {
            _asking = false;
            var up = UpMembers();
            if (_formation.MayWake(up, seen.Regions, _upClock.UpFor)) StartKeeping(up, seen.Regions);
        });
        Timers.StartPeriodicTimer(nameof(FormationCheck), new FormationCheck(), FormationCheckEvery);
    }

    /// <summary>The regions both coordinators know (the fewer); null when one did not answer in time.</summary>
    private void AskCoordinators()
    {
        _asking = true;
        var queues = _queueRegion.Ask<CurrentRegions>(GetCurrentRegions.Instance, AskTimeout);
        var agents = _agentRegion.Ask<CurrentRegions>(GetCurrentRegions.Instance, AskTimeout);
        Task.WhenAll(queues, agents).ContinueWith(t => new Seen(t.IsCompletedSuccessfully
            ? Math.Min(queues.Result.Regions.Count, agents.Result.Regions.Count)
            : null)).PipeTo(Self);
    }

    private void StartKeeping(int up, int? regions)
    {
        _log.Info("queue keeper: {0} of {1} members up, {2}, {3:0.0} s after this member came up: starting queues and agents",
            up, _formation.Members, regions is null ? "coordinators not heard" : $"{regions} shard regions known", _upClock.UpFor.TotalSeconds);
        Timers.Cancel(nameof(FormationCheck));
        Become(Keeping);
    }

    private void Keeping()
    {
        // The coordinators' answer to a formation question asked before the keeper woke by the member count or the wait.
        Receive<Seen>(_ => { });
        Receive<Tick>(_ =>
        {
            if (MemberShutdown.HasStarted(Context.System)) return;
            foreach (var q in _queues) _queueRegion.Tell(new WakeQueue(q));
            foreach (var a in _agents) _agentRegion.Tell(new WakeAgent(a));
        });
        Self.Tell(new Tick());
        Timers.StartPeriodicTimer("tick", new Tick(), _interval);
    }

    private int UpMembers() => Cluster.Get(Context.System).State.Members.Count(m => m.Status == MemberStatus.Up);

    public static Props Props(IReadOnlyList<string> queues, IReadOnlyList<string> agents, IActorRef queueRegion,
        IActorRef agentRegion, TimeSpan interval, KeeperFormation formation, MemberUpClock upClock) =>
        Akka.Actor.Props.Create(() => new QueueKeeperActor(queues, agents, queueRegion, agentRegion, interval, formation, upClock));
}
