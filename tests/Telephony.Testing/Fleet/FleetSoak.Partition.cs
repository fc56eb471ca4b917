namespace Telephony.Testing.Fleet;

// The partition fault: one member cut off from the others' remoting while it keeps its AMI sessions and the database.
// Both sides run on and decide alone; with keep-majority the two must down the one and take its nodes over, and the
// one must down itself and stop, so that at no time do two clusters serve (the sessions check bounds the overlap).
public sealed partial class FleetSoak
{
    private readonly List<double> _selfDowns = [];
    private readonly List<string> _queueUnreachable = [];

    private async Task<bool> ReachesQueueAsync(ClusterMember member, TimeSpan wait)
    {
        var deadline = _clock.Elapsed + wait;
        while (_clock.Elapsed < deadline)
        {
            if (member.Process.HasExited || await QueueAsync(member) is not null) return true;
            await Task.Delay(500);
        }
        return false;
    }

    private async Task PartitionAndHealAsync(string name)
    {
        var victim = _cluster[name];
        var others = _cluster.Members.Where(m => m != victim).ToList();
        using var partition = NetworkPartition.Isolate(victim.Process.Id, victim.Port, others.Select(m => m.Port).ToList());
        var cutAt = _clock.Elapsed;
        Note($"partition: {victim} cut off from the other members (its AMI sessions and MariaDB left alone)");
        // The minority's own resolver downs it; coordinated shutdown hands what it can over and the process exits.
        var exit = Task.Run(() => victim.Process.WaitForExit(TimeSpan.FromSeconds(90)) ? _clock.Elapsed : (TimeSpan?)null);
        var survivor = others.First(m => !m.Process.HasExited);
        await _cluster.WaitUntilAsync(async () => (await HostCluster.MemberStatusAsync(survivor)).Keys.All(a => a != victim.Address),
            $"the majority downs and removes {name}", TimeSpan.FromMinutes(2), RecoveryPoll);
        await WaitForNodesAsync(survivor, member => member != victim.Address, "the majority owns every node");
        var majority = others.Where(m => !m.Process.HasExited).ToList();
        await _cluster.WaitUntilAsync(async () => (await Task.WhenAll(majority.Select(QueueAsync))).Any(q => q is not null),
            "the queue answers on the majority", TimeSpan.FromMinutes(2), RecoveryPoll);
        var recovery = (_clock.Elapsed - cutAt).TotalSeconds;
        lock (_recoveries) _recoveries.Add(recovery);
        Note($"{name} downed by the majority; every node connected on it and the queue serving {recovery:0.0} s after the cut");
        // Every member of the majority reaches the queue, not only the one that hosts it (the view of a queue with
        // 2,000 agents was bigger than the remoting frame and never reached the other members; now sent in parts).
        foreach (var member in majority)
            if (!await ReachesQueueAsync(member, TimeSpan.FromSeconds(60)))
            {
                lock (_queueUnreachable) _queueUnreachable.Add($"{member.Name} after the partition of {name}");
                Note($"{member.Name} could not reach the queue within 60 s of its recovery");
            }
        if (await exit is not { } exitedAt)
            throw new InvalidOperationException($"{name}, cut off, did not down itself and exit within 90 s: a second cluster");
        var selfDown = (exitedAt - cutAt).TotalSeconds;
        lock (_selfDowns) _selfDowns.Add(selfDown);
        Note($"{name} downed itself and exited {selfDown:0.0} s after the cut (exit code {victim.Process.ExitCode})");
        partition.Heal();
        Note("partition healed");
        if (others.FirstOrDefault(m => m.Process.HasExited) is { } lostToo)
            throw new InvalidOperationException($"{lostToo.Name} of the majority exited too (exit code {lostToo.Process.ExitCode}): the partition downed more than the cut-off member");
        var restarted = await _cluster.RestartAsync(victim);
        Note($"{name} restarted (pid {restarted.Process.Id})");
        await _cluster.WaitForUpAsync(3, TimeSpan.FromMinutes(3));
        await WaitForNodesAsync(survivor, _ => true, "every node is connected again");
        Note("3 members up, every node connected");
    }
}
