using Akka.Actor;
using Akka.Event;

namespace Telephony.Actors.Nodes.HandOver;

/// <summary>
/// One per member (<c>/user/node-handovers</c>): keeps the sessions of nodes handed over from this member reading (a
/// <see cref="NodeSessionDrainer"/> each) until their new owners take over, answers every new owner's
/// <see cref="TakingOverNode"/> (holding the node's session or not), and tells the member's coordinated shutdown when
/// the last one is done, so that a leaving member keeps its sessions until they are handed over.
/// </summary>
public sealed class NodeHandOverDesk : ReceiveActor
{
    /// <summary>Answered with <see cref="AllDrained"/> once no session is being drained here.</summary>
    public sealed record WhenAllDrained;

    public sealed record AllDrained;

    /// <summary>Timings of a drain (see <see cref="NodeSessionDrainer"/>).</summary>
    public sealed record Timings(TimeSpan DeliveryTimeout, TimeSpan WaitForOwner, TimeSpan Tail, TimeSpan FinishTimeout)
    {
        public static readonly Timings Default = new(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(15),
            TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(10));
    }

    public const string Name = "node-handovers";

    private readonly Dictionary<string, IActorRef> _draining = new(StringComparer.Ordinal);
    private readonly List<IActorRef> _waiters = [];
    private long _handedOver;

    public NodeHandOverDesk(IActorRef calls, IActorRef queues, IActorRef agents, IActorRef nodes, Timings timings)
    {
        var log = Context.GetLogger();
        var system = Context.System;
        Receive<DrainSession>(d =>
        {
            var node = d.Settings.Name;
            if (_draining.ContainsKey(node))
            {
                // Cannot happen (one entity per node per cluster, and it hands over once); never two readers of one node here.
                log.Warning("node {0}: a second session handed over while one is still draining; closing it", node);
                _ = d.Client.DisposeAsync().AsTask();
                return;
            }
            var drainer = Context.ActorOf(NodeSessionDrainer.Props(d, new RegionTarget(system, calls, "system", "sharding", "call"),
                new RegionTarget(system, queues, "system", "sharding", "queue"), new RegionTarget(system, agents, "system", "sharding", "agent"),
                new RegionTarget(system, nodes, "user", "asterisk-nodes"),
                timings.DeliveryTimeout, timings.WaitForOwner, timings.Tail, timings.FinishTimeout), $"{node}-{++_handedOver}");
            _draining[node] = Context.Watch(drainer);
        });
        Receive<TakingOverNode>(t =>
        {
            if (_draining.TryGetValue(t.Node, out var drainer)) drainer.Forward(t);
            else Sender.Tell(new HandOverAnswer(t.Node, false));
        });
        Receive<Terminated>(t =>
        {
            foreach (var (node, drainer) in _draining.ToList())
                if (drainer.Equals(t.ActorRef)) _draining.Remove(node);
            AnswerWaiters();
        });
        Receive<WhenAllDrained>(_ =>
        {
            if (_draining.Count > 0) log.Info("member shutdown waits for {0} node hand-over(s): {1}", _draining.Count, string.Join(", ", _draining.Keys));
            _waiters.Add(Sender);
            AnswerWaiters();
        });
    }

    public static Props Props(IActorRef calls, IActorRef queues, IActorRef agents, IActorRef nodes, Timings? timings = null) =>
        Akka.Actor.Props.Create(() => new NodeHandOverDesk(calls, queues, agents, nodes, timings ?? Timings.Default));

    private void AnswerWaiters()
    {
        if (_draining.Count > 0) return;
        if (_waiters.Count > 0) Context.GetLogger().Info("node hand-overs: none is reading here now");
        foreach (var waiter in _waiters) waiter.Tell(new AllDrained());
        _waiters.Clear();
    }
}
