using Akka.Actor;
using Akka.Event;
using Akka.Management.Cluster.Bootstrap;

namespace Telephony.Actors.Hosting;

/// <summary>
/// Cluster bootstrap's join decisions (<see cref="LowestAddressJoinDecider"/>: join the cluster the contact points
/// report, or, when none reports one, the lowest-addressed pod forms a new cluster) with the formation lease in front
/// of "form a new cluster". Bootstrap only sees the pods its label selector finds; the lease sees every cluster over
/// this journal. So a pod that bootstrap would let form goes on probing instead while another cluster holds a live
/// lease (it joins that cluster once its members show up as contact points), or while the lease cannot be read or
/// claimed. Joining a cluster the contact points report needs no guard: it forms nothing, and a cluster that turns
/// out to be a second one is still stopped by <see cref="ClusterLeaseActor"/>, which renews the lease once the member is
/// up. Without a lease (SQLite journal, or <c>telephony.cluster.lease.enabled = off</c>) the decisions are bootstrap's own.
/// </summary>
public sealed class LeaseGuardedJoinDecider : LowestAddressJoinDecider
{
    private readonly ActorSystem _system;
    private readonly FormationGuard? _guard;

    /// <summary>The constructor Akka.Management calls (by reflection).</summary>
    public LeaseGuardedJoinDecider(ActorSystem system, ClusterBootstrapSettings settings) : base(system, settings)
    {
        _system = system;
        _guard = system.Settings.Setup.Get<FormationGuardSetup>() is { HasValue: true } setup ? setup.Value.Guard : null;
    }

    public override async Task<IJoinDecision> Decide(SeedNodesInformation info)
    {
        var decision = await base.Decide(info);
        if (decision is not JoinSelf || _guard is null) return decision;
        var self = Akka.Cluster.Cluster.Get(_system).SelfAddress.ToString();
        var plan = await _guard.TryFormAsync(self, DateTimeOffset.UtcNow);
        if (plan.MayForm)
        {
            Log.Info("cluster lease: forming a new cluster ({0}); the lease is this member's", plan.Reason);
            return decision;
        }
        Log.Warning("cluster lease: bootstrap would form a new cluster here, but not now: {0}; probing on", plan.Reason);
        return KeepProbing.Instance;
    }
}
