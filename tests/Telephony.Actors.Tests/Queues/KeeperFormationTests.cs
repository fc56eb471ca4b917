using Akka.Configuration;
using Telephony.Actors.Queues;

namespace Telephony.Actors.Tests.Queues;

/// <summary>When the queue keeper starts queues and agents: on a new member once the expected members are up and the
/// shard coordinators know their regions, or once its member has been up for the formation wait; on a member up for
/// longer (the keeper moved after a member died) at once.</summary>
public class KeeperFormationTests
{
    private static readonly KeeperFormation ThreeMembers = new(3, TimeSpan.FromSeconds(30));
    private static readonly TimeSpan JustUp = TimeSpan.FromSeconds(2);

    [Fact]
    public void A_forming_cluster_waits_for_the_members_it_expects_and_their_regions()
    {
        Assert.False(ThreeMembers.MayWake(upMembers: 1, regions: null, JustUp));
        Assert.False(ThreeMembers.MayWake(upMembers: 1, regions: 1, JustUp));
        Assert.False(ThreeMembers.MayWake(upMembers: 3, regions: null, JustUp));
        // Up, but the coordinators do not know the new members' regions yet: shards asked for now would all go to one.
        Assert.False(ThreeMembers.MayWake(upMembers: 3, regions: 1, JustUp));
        Assert.True(ThreeMembers.MayWake(upMembers: 3, regions: 3, JustUp));
    }

    [Fact]
    public void The_wait_ends_at_the_formation_wait_with_members_missing()
    {
        Assert.False(ThreeMembers.MayWake(upMembers: 2, regions: 2, TimeSpan.FromSeconds(29)));
        Assert.True(ThreeMembers.MayWake(upMembers: 2, regions: null, TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public void A_keeper_that_moves_after_a_member_died_starts_everything_at_once()
    {
        Assert.True(ThreeMembers.MayWake(upMembers: 2, regions: null, TimeSpan.FromMinutes(40)));
    }

    [Fact]
    public void By_default_the_keeper_expects_as_many_members_as_seed_nodes_and_configuration_can_say_otherwise()
    {
        var defaults = QueueRuntimeSettings.From(ConfigurationFactory.Empty);
        Assert.Equal(ThreeMembers, defaults.KeeperFormation(seeds: 3));
        var single = defaults.KeeperFormation(seeds: 0); // a single member that joins itself waits for nobody
        Assert.True(single.MayWake(upMembers: 1, regions: null, TimeSpan.Zero));
        var set = QueueRuntimeSettings.From(ConfigurationFactory.ParseString(
            "telephony.queues { keeper-formation-members = 5, keeper-formation-wait = 45s }"));
        Assert.Equal(new KeeperFormation(5, TimeSpan.FromSeconds(45)), set.KeeperFormation(seeds: 1));
    }
}
