namespace Telephony.Actors.Queues;

/// <summary>
/// When the queue keeper may first wake the configured queues and agents. Their shards go where the first message
/// finds members: woken while a cluster formed (one member up of three), every agent shard went to the first member,
/// and the coordinator then moved two thirds of them, 5 per 10 s round, for 70 s; each move held its agents' asks
/// (fleet soak without faults: the load's first minute p99 0.5-4 s, the slowest calm decisions 250-370 ms, all at a
/// rebalance). So while its member is new the keeper waits for the members it expects and for the shard coordinators
/// to know their regions (a member just up registers its region a moment later; shards asked for before that went to
/// the first member all the same), at most <see cref="Wait"/> after its own member came up. A keeper on a member up for
/// longer (it moved because a member died) wakes everything at once: that wake is what restarts the dead member's
/// queues and agents. (Whether agent shards were placed already does not tell a formation from a failover: in a fleet
/// soak some were placed by other messages before the keeper's wake.)
/// </summary>
/// <param name="Members">Members to wait for (the seed list's length unless configured).</param>
/// <param name="Wait">Longest wait, counted from the moment the keeper's member came up.</param>
public sealed record KeeperFormation(int Members, TimeSpan Wait)
{
    /// <param name="upMembers">Members up now.</param>
    /// <param name="regions">Regions the queue and agent coordinators both know (the fewer); null = no answer yet.</param>
    /// <param name="memberUpFor">How long the keeper's member has been up.</param>
    public bool MayWake(int upMembers, int? regions, TimeSpan memberUpFor) =>
        Members <= 1 || memberUpFor >= Wait || (upMembers >= Members && regions >= Members);
}
