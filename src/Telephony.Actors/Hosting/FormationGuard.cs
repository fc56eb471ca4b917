using Akka.Actor.Setup;
using Telephony.Domain.Cluster;

namespace Telephony.Actors.Hosting;

/// <summary>
/// The formation lease's say over a member that wants to form a new cluster on its own initiative (cluster bootstrap's
/// lowest-address pod), rather than through a seed list (<see cref="ClusterLeaseActor"/>). The rule is the same
/// (<see cref="FormationLease.PlanJoin"/>): only a lease that is absent, expired or names only this member lets it
/// form. It then claims the lease with a compare-and-set before it forms, so of two members that decided to form at
/// the same time (two bootstraps, or a bootstrap and a static seed over the same journal) one at most does.
/// </summary>
public sealed class FormationGuard(LeaseStore store, LeaseSettings settings)
{
    /// <param name="self">This member's address.</param>
    /// <returns>The plan: <see cref="JoinPlan.MayForm"/> only when the lease is now this member's.</returns>
    public async Task<JoinPlan> TryFormAsync(string self, DateTimeOffset now, CancellationToken cancel = default)
    {
        LeaseRow? row;
        try
        {
            row = await store.ReadAsync(cancel);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            var unread = FormationLease.PlanUnread(self, []);
            return unread with { Reason = $"{unread.Reason} ({e.Message})" };
        }
        var plan = FormationLease.PlanJoin(row, now, self, []);
        if (!plan.MayForm) return plan;
        bool claimed;
        try
        {
            claimed = await store.TryWriteAsync(row, new LeaseRow(self, [self], now + settings.TimeToLive), cancel);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return new JoinPlan([], MayForm: false, $"the lease cannot be claimed ({e.Message})");
        }
        return claimed ? plan : new JoinPlan([], MayForm: false, "another member claimed the lease in the meantime");
    }
}

/// <summary>Hands the <see cref="FormationGuard"/> to <see cref="LeaseGuardedJoinDecider"/>, which Akka.Management
/// creates by reflection from the actor system alone.</summary>
public sealed class FormationGuardSetup(FormationGuard guard) : Setup
{
    public FormationGuard Guard { get; } = guard;
}
