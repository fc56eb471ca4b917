using Akka.Actor;
using Akka.Cluster;

namespace Telephony.Host.Management;

/// <summary>One cluster event as <c>pbm cluster tail</c> shows it.</summary>
public sealed record ClusterEventEntry(DateTimeOffset At, string Event, string Member, IReadOnlyList<string> Roles, string Status);

/// <summary>Keeps the most recent membership, reachability and leader events of this member's view of the cluster in a
/// bounded ring (the oldest falls out), for <c>pbm cluster tail</c>.</summary>
public sealed class ClusterEventLog : ReceiveActor
{
    public sealed record GetRecent(int Count);

    private readonly int _capacity;
    private readonly Queue<ClusterEventEntry> _recent = new();

    public ClusterEventLog(int capacity)
    {
        _capacity = capacity;
        Receive<ClusterEvent.IMemberEvent>(e => Add(e.GetType().Name, e.Member));
        Receive<ClusterEvent.UnreachableMember>(e => Add("UnreachableMember", e.Member));
        Receive<ClusterEvent.ReachableMember>(e => Add("ReachableMember", e.Member));
        Receive<ClusterEvent.LeaderChanged>(e =>
            Add(new ClusterEventEntry(DateTimeOffset.UtcNow, "LeaderChanged", e.Leader?.ToString() ?? "(none)", [], "")));
        Receive<GetRecent>(g => Sender.Tell(_recent.Skip(Math.Max(0, _recent.Count - g.Count)).ToList()));
    }

    public static Props Props(int capacity = 500) => Akka.Actor.Props.Create(() => new ClusterEventLog(capacity));

    protected override void PreStart() =>
        Cluster.Get(Context.System).Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents,
            typeof(ClusterEvent.IMemberEvent), typeof(ClusterEvent.IReachabilityEvent), typeof(ClusterEvent.LeaderChanged));

    protected override void PostStop() => Cluster.Get(Context.System).Unsubscribe(Self);

    private void Add(string name, Member member) =>
        Add(new ClusterEventEntry(DateTimeOffset.UtcNow, name, member.Address.ToString(), member.Roles.OrderBy(r => r).ToList(), member.Status.ToString()));

    private void Add(ClusterEventEntry entry)
    {
        _recent.Enqueue(entry);
        while (_recent.Count > _capacity) _recent.Dequeue();
    }
}
