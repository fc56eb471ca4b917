namespace Telephony.Actors.Queues;

/// <summary>
/// When the queue keeper may first wake the configured queues and agents. Their shards go where the first message
/// finds members: woken while a cluster formed (one member up of three), every agent shard went to the first member,
/// and the coordinator then moved two thirds of them, 5 per 10 s round, for 70 s; each move held its agents' asks
/// (fleet soak without faults: the load's first minute p99 0.5-4 s, the slowest calm decisions 250-370 ms, all at a
/// rebalance). So in a forming cluster the keeper waits for the members it expects and for the shard coordinators to
/// know their regions (a member just up registers its region a moment later; shards asked for before that went to the
/// first member all the same), at most <see cref="Wait"/> after its own member came up. A cluster that has placed agent
/// shards already is not forming: a keeper that moved there (a member died) wakes everything at once, as that wake is
/// what restarts the dead member's queues and agents.
/// </summary>
/// <param name="Members">Members to wait for (the seed list's length unless configured).</param>
/// <param name="Wait">Longest wait, counted from the moment the keeper's member came up.</param>
public sealed record KeeperFormation(int Members, TimeSpan Wait)
{
    /// <param name="upMembers">Members up now.</param>
    /// <param name="seen">What the coordinators answered; null = no answer yet.</param>
    /// <param name="memberUpFor">How long the keeper's member has been up.</param>
    public bool MayWake(int upMembers, CoordinatorView? seen, TimeSpan memberUpFor) =>
        Members <= 1 || memberUpFor >= Wait || seen is { ShardsPlaced: true } ||
        (upMembers >= Members && seen is { } s && s.Regions >= Members);
}

/// <param name="Regions">Regions the queue and agent coordinators both know (the fewer of the two counts).</param>
/// <param name="ShardsPlaced">Whether any agent shard is placed already (the cluster is not forming).</param>
public sealed record CoordinatorView(int Regions, bool ShardsPlaced);
