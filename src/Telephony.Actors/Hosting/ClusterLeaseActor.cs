using Akka.Actor;
using Akka.Cluster;
using Akka.Event;
using Telephony.Domain.Cluster;

namespace Telephony.Actors.Hosting;

/// <summary>Settings of the formation lease (<c>telephony.cluster.lease</c>).</summary>
public sealed record LeaseSettings(TimeSpan TimeToLive, TimeSpan RenewInterval, TimeSpan JoinRetry, int ForeignLimit)
{
    public static LeaseSettings From(Akka.Configuration.Config config) => new(
        config.GetTimeSpan("telephony.cluster.lease.time-to-live", TimeSpan.FromSeconds(20)),
        config.GetTimeSpan("telephony.cluster.lease.renew-interval", TimeSpan.FromSeconds(5)),
        config.GetTimeSpan("telephony.cluster.lease.join-retry", TimeSpan.FromSeconds(2)),
        config.GetInt("telephony.cluster.lease.foreign-limit", 3));
}

/// <summary>
/// Joins the cluster the way <see cref="FormationLease"/> says (the seeds are not handed to Akka up front), then,
/// once this member is up, keeps the lease alive with the cluster's members; a member that finds a live lease naming
/// none of its cluster's members <see cref="LeaseSettings.ForeignLimit"/> times in a row is in a second cluster and
/// shuts down. Under cluster bootstrap (<see cref="ForBootstrap"/>) bootstrap joins, through the same lease
/// (<see cref="LeaseGuardedJoinDecider"/>), and this actor only waits for this member to be up, then holds the lease.
/// </summary>
public sealed class ClusterLeaseActor : ReceiveActor, IWithTimers
{
    private sealed record LeaseRead(LeaseRow? Row);
    private sealed record LeaseFailed(string What, Exception Error);
    private sealed record LeaseWritten(bool Written);
    private sealed class Tick
    {
        public static readonly Tick Instance = new();
    }

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly LeaseStore _store;
    private readonly IReadOnlyList<string> _seeds;
    private readonly bool _joins;
    private readonly LeaseSettings _settings;
    private readonly Akka.Cluster.Cluster _cluster = Akka.Cluster.Cluster.Get(Context.System);
    private IReadOnlyList<string>? _issued;
    private bool _issuedMayForm;
    private int _foreign;

    public ClusterLeaseActor(LeaseStore store, IReadOnlyList<string> seeds, LeaseSettings settings, bool joins)
    {
        _store = store;
        _seeds = seeds;
        _settings = settings;
        _joins = joins;
        if (joins) Joining();
        else WaitingForUp();
    }

    /// <summary>Joins through <paramref name="seeds"/> as the lease says, then holds the lease.</summary>
    public static Props Props(LeaseStore store, IReadOnlyList<string> seeds, LeaseSettings settings) =>
        Akka.Actor.Props.Create(() => new ClusterLeaseActor(store, seeds, settings, true));

    /// <summary>Holds the lease once cluster bootstrap has made this member part of a cluster.</summary>
    public static Props ForBootstrap(LeaseStore store, LeaseSettings settings) =>
        Akka.Actor.Props.Create(() => new ClusterLeaseActor(store, Array.Empty<string>(), settings, false));

    public ITimerScheduler Timers { get; set; } = null!;

    private string SelfAddress => _cluster.SelfAddress.ToString();

    protected override void PreStart()
    {
        _cluster.Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents, typeof(ClusterEvent.MemberUp));
        if (_joins) Self.Tell(Tick.Instance);
    }

    protected override void PostStop() => _cluster.Unsubscribe(Self);

    private void ReadLease() =>
        _store.ReadAsync().PipeTo(Self, success: row => new LeaseRead(row), failure: e => new LeaseFailed("read", e));

    private void Joining()
    {
        Receive<Tick>(_ => ReadLease());
        Receive<LeaseRead>(r =>
        {
            var plan = FormationLease.PlanJoin(r.Row, DateTimeOffset.UtcNow, SelfAddress, _seeds);
            Join(plan.MayForm ? _seeds : plan.Seeds, plan.MayForm, plan.Reason);
            Timers.StartSingleTimer("tick", Tick.Instance, _settings.JoinRetry);
        });
        Receive<LeaseFailed>(f =>
        {
            _log.Warning("cluster lease: {0} failed ({1}); joining the other seeds only until it can be read", f.What, f.Error.Message);
            var plan = FormationLease.PlanUnread(SelfAddress, _seeds);
            Join(plan.Seeds, plan.MayForm, plan.Reason);
            Timers.StartSingleTimer("tick", Tick.Instance, _settings.JoinRetry);
        });
        Receive<ClusterEvent.MemberUp>(OnMemberUp);
    }

    private void WaitingForUp() => Receive<ClusterEvent.MemberUp>(OnMemberUp);

    private void OnMemberUp(ClusterEvent.MemberUp up)
    {
        if (up.Member.Address != _cluster.SelfAddress) return;
        Timers.Cancel("tick");
        Become(Holding);
        Self.Tell(Tick.Instance);
    }

    /// <summary>Hands Akka a seed list. Again only when that changes what may happen: a first list, one after an empty
    /// one, forming allowed now or no longer, a member to try that it did not have (Akka's own seed process keeps
    /// retrying the seeds it has, and a new list restarts it).</summary>
    private void Join(IReadOnlyList<string> seeds, bool mayForm, string reason)
    {
        if (_issued is { Count: > 0 } issued && _issuedMayForm == mayForm && seeds.All(issued.Contains)) return;
        if (_issued is { Count: 0 } && seeds.Count == 0) return;
        _issued = seeds;
        _issuedMayForm = mayForm;
        if (seeds.Count == 0)
        {
            _log.Warning("cluster lease: not forming a cluster and no member to join yet: {0}", reason);
            return;
        }
        _log.Info("cluster lease: joining through {0} ({1})", string.Join(", ", seeds), reason);
        _cluster.JoinSeedNodes(seeds.Select(Address.Parse));
    }

    private void Holding()
    {
        Receive<Tick>(_ => ReadLease());
        Receive<LeaseRead>(r =>
        {
            var now = DateTimeOffset.UtcNow;
            var members = _cluster.State.Members
                .Where(m => m.Status is MemberStatus.Up or MemberStatus.Leaving or MemberStatus.Exiting or MemberStatus.WeaklyUp or MemberStatus.Joining)
                .OrderBy(m => m, Member.AgeOrdering).Select(m => m.Address.ToString()).ToList();
            if (members.Count == 0) members.Add(SelfAddress);
            if (FormationLease.Renewal(r.Row, now, members) == RenewalVerdict.Foreign)
            {
                _foreign++;
                _log.Error("cluster lease: another cluster holds the lease of this journal (members {0}, until {1:O}), not this one ({2}): {3} of {4}",
                    string.Join(", ", r.Row!.Members), r.Row.ExpiresAt, string.Join(", ", members), _foreign, _settings.ForeignLimit);
                if (_foreign >= _settings.ForeignLimit)
                {
                    _log.Error("cluster lease: this member is in a second cluster over the same journal: shutting down");
                    CoordinatedShutdown.Get(Context.System).Run(CoordinatedShutdown.ClrExitReason.Instance);
                    return;
                }
                Timers.StartSingleTimer("tick", Tick.Instance, _settings.RenewInterval);
                return;
            }
            _foreign = 0;
            var next = new LeaseRow(members[0], members, now + _settings.TimeToLive);
            _store.TryWriteAsync(r.Row, next).PipeTo(Self, success: ok => new LeaseWritten(ok), failure: e => new LeaseFailed("renewal", e));
        });
        Receive<LeaseWritten>(_ => Timers.StartSingleTimer("tick", Tick.Instance, _settings.RenewInterval)); // lost a race: next round
        Receive<LeaseFailed>(f =>
        {
            _log.Warning("cluster lease: {0} failed ({1}); trying again", f.What, f.Error.Message);
            Timers.StartSingleTimer("tick", Tick.Instance, _settings.RenewInterval);
        });
        Receive<ClusterEvent.MemberUp>(_ => { });
    }
}
