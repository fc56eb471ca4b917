using Telephony.Domain.Cluster;

namespace Telephony.Domain.Tests.Cluster;

/// <summary>When a starting member may form a cluster over a shared journal, and when a running one is the second.</summary>
public class FormationLeaseTests
{
    private const string A = "akka.tcp://telephony@10.0.0.1:4053";
    private const string B = "akka.tcp://telephony@10.0.0.2:4053";
    private const string C = "akka.tcp://telephony@10.0.0.3:4053";
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);

    private static LeaseRow Live(params string[] members) => new(members[0], members, Now.AddSeconds(15));

    [Fact]
    public void Given_no_lease_yet_the_first_seed_may_form_the_cluster()
    {
        var plan = FormationLease.PlanJoin(null, Now, A, [A, B, C]);
        Assert.True(plan.MayForm);
        Assert.Equal([A, B, C], plan.Seeds);
    }

    [Fact]
    public void Given_a_live_lease_a_restarted_first_seed_joins_the_members_it_names_and_never_forms_one()
    {
        // The README's old one-seed setup: A's seed list names only A; B and C kept the cluster running.
        var plan = FormationLease.PlanJoin(Live(B, C), Now, A, [A]);
        Assert.False(plan.MayForm);
        Assert.Equal([B, C], plan.Seeds);
        Assert.Contains("a cluster is running", plan.Reason);
    }

    [Fact]
    public void Given_a_live_lease_naming_this_member_too_the_member_joins_the_others_first_then_its_seeds()
    {
        var plan = FormationLease.PlanJoin(Live(A, B), Now, A, [A, C]);
        Assert.False(plan.MayForm);
        Assert.Equal([B, C], plan.Seeds);
    }

    [Fact]
    public void Given_a_lease_of_this_address_alone_its_previous_run_is_dead_and_it_may_form_at_once()
    {
        Assert.True(FormationLease.PlanJoin(Live(A), Now, A, [A]).MayForm);
    }

    [Fact]
    public void Given_a_lease_nobody_renewed_for_its_time_to_live_no_cluster_runs_and_the_first_seed_may_form()
    {
        var expired = Live(B, C) with { ExpiresAt = Now.AddSeconds(-1) };
        Assert.True(FormationLease.PlanJoin(expired, Now, A, [A, B, C]).MayForm);
    }

    [Fact]
    public void A_cluster_renews_a_lease_naming_any_of_its_members_and_is_the_second_one_when_it_names_none()
    {
        Assert.Equal(RenewalVerdict.Renew, FormationLease.Renewal(null, Now, [A]));
        Assert.Equal(RenewalVerdict.Renew, FormationLease.Renewal(Live(A, B), Now, [B, C])); // A left, C joined
        Assert.Equal(RenewalVerdict.Renew, FormationLease.Renewal(Live(B) with { ExpiresAt = Now }, Now, [A]));
        Assert.Equal(RenewalVerdict.Foreign, FormationLease.Renewal(Live(B, C), Now, [A]));
    }

    [Fact]
    public void Members_survive_the_round_trip_through_the_stored_text()
    {
        var row = Live(A, B, C);
        Assert.Equal(row.Members, LeaseRow.ParseMembers(row.MembersText));
    }
}
