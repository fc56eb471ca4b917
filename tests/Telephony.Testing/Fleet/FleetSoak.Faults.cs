namespace Telephony.Testing.Fleet;

// The faults, on a schedule drawn from the seed before the load starts: AMI drops at their own times, and the heavy
// faults (SIGKILLs, the leave, the Asterisk restart, the MariaDB outage) one after another, each started at its time
// or once the previous one has recovered, whichever is later — a fault on a cluster still recovering from the last
// would measure nothing but the overlap.
public sealed partial class FleetSoak
{
    private async Task DropsAsync()
    {
        var sim = _scenario.Simulator;
        var times = Enumerable.Range(0, _options.Drops).Select(_ => _random.NextDouble()).Order()
            .Select(f => TimeSpan.FromSeconds(5) + (_options.Load - TimeSpan.FromSeconds(10)) * f).ToList();
        var targets = times.Select(_ => sim.Nodes[_random.Next(sim.Nodes.Count)]).ToList();
        for (var i = 0; i < times.Count; i++)
        {
            if (times[i] > _clock.Elapsed) await Task.Delay(times[i] - _clock.Elapsed);
            targets[i].Faults.DropConnectionsMidMessage();
            _drops++;
            lock (_faultWindows)
            {
                _dropTimes.Add(DateTimeOffset.UtcNow);
                _dropsByNode.Add((targets[i].Name, DateTimeOffset.UtcNow));
            }
            Note($"AMI connections of {targets[i].Name} dropped mid-message");
        }
    }

    private async Task HeavyFaultsAsync()
    {
        var faults = new List<string>();
        for (var i = 0; i < _options.Kills; i++) faults.Add("kill");
        for (var i = 0; i < _options.Partitions; i++) faults.Add("partition");
        if (_options.Leave) faults.Add("leave");
        if (_options.NodeRestart) faults.Add("restart");
        if (_options.DatabaseOutage is not null) faults.Add("outage");
        // Shuffled, but the first kill is first: the first seed, the one member every seed list names.
        var rest = faults.Skip(1).OrderBy(_ => _random.Next()).ToList();
        faults = faults.Count == 0 ? faults : [faults[0], .. rest];
        var spacing = (_options.Load - TimeSpan.FromSeconds(10)) / Math.Max(1, faults.Count);
        var first = true;
        var firstPartition = true;
        for (var i = 0; i < faults.Count; i++)
        {
            var due = TimeSpan.FromSeconds(10) + spacing * i;
            if (due > _clock.Elapsed) await Task.Delay(due - _clock.Elapsed);
            var from = DateTimeOffset.UtcNow;
            try
            {
                switch (faults[i])
                {
                    case "kill":
                        await KillAndRestartAsync(first ? "m1" : $"m{_random.Next(1, 4)}");
                        first = false;
                        break;
                    case "partition":
                        // The first cuts off the longest-running member: usually the oldest, where the singletons and shard coordinators
                        // live (Akka breaks ties between members that came up together by address).
                        await PartitionAndHealAsync(firstPartition ? _cluster.Running.MinBy(m => m.Process.StartTime)!.Name : $"m{_random.Next(1, 4)}");
                        firstPartition = false;
                        break;
                    case "leave":
                        await LeaveAndRejoinAsync($"m{_random.Next(1, 4)}");
                        break;
                    case "restart":
                        await RestartAsteriskAsync();
                        break;
                    case "outage":
                        await DatabaseOutageAsync(_options.DatabaseOutage!.Value);
                        break;
                }
            }
            catch (Exception e) when (e is TimeoutException or InvalidOperationException or HttpRequestException)
            {
                // The cluster did not recover as it must: a finding for the report, and the run goes on with every
                // member started again, so that the accounting still happens.
                var what = $"{faults[i]}: {e.Message.Split('\n')[0]}";
                lock (_faultFailures) _faultFailures.Add(what);
                Note("FAULT NOT RECOVERED " + what);
                await RestartExitedMembersAsync();
            }
            lock (_faultWindows) _faultWindows.Add((from, DateTimeOffset.UtcNow));
        }
    }

    private async Task KillAndRestartAsync(string name)
    {
        var victim = _cluster[name];
        victim.Process.KillHard();
        var killedAt = _clock.Elapsed;
        Note($"SIGKILL {victim}");
        var survivor = _cluster.Running.First();
        await _cluster.WaitUntilAsync(async () => (await HostCluster.MemberStatusAsync(survivor)).Keys.All(a => a != victim.Address),
            $"{name} is downed and removed", TimeSpan.FromMinutes(2), RecoveryPoll);
        // Every region has two members (one region: all three; two: m1 and m3 serve a, m2 and m3 serve b).
        await WaitForNodesAsync(survivor, member => member != victim.Address, "the survivors own every node");
        await _cluster.WaitUntilAsync(async () => await QueueAsync() is not null, "the queue answers", TimeSpan.FromMinutes(2), RecoveryPoll);
        var recovery = (_clock.Elapsed - killedAt).TotalSeconds;
        lock (_recoveries) _recoveries.Add(recovery);
        Note($"{name} downed; every node connected on the survivors and the queue serving {recovery:0.0} s after the kill");
        var restarted = await _cluster.RestartAsync(victim);
        Note($"{name} restarted (pid {restarted.Process.Id})");
        await _cluster.WaitForUpAsync(3, TimeSpan.FromMinutes(3));
        await WaitForNodesAsync(survivor, _ => true, "every node is connected again");
        Note("3 members up, every node connected");
    }

    private async Task RestartExitedMembersAsync()
    {
        foreach (var member in _cluster.Members.Where(m => m.Process.HasExited).ToList())
        {
            try
            {
                var restarted = await _cluster.RestartAsync(member);
                Note($"{member.Name} started again (pid {restarted.Process.Id})");
            }
            catch (Exception e) when (e is TimeoutException or InvalidOperationException)
            {
                Note($"{member.Name} could not be started again: {e.Message.Split('\n')[0]}");
            }
        }
    }

    private async Task LeaveAndRejoinAsync(string name)
    {
        var leaver = _cluster[name];
        var asker = _cluster.Running.First(m => m != leaver);
        Note($"pbm cluster leave {leaver}");
        var leave = await Pbm.RunAsync(asker.Endpoint, "cluster", "leave", leaver.Address);
        if (leave.ExitCode != 0) Note($"pbm cluster leave failed: {leave}");
        if (!leaver.Process.WaitForExit(TimeSpan.FromSeconds(90))) Note($"{name} did not exit within 90 s of leaving");
        await _cluster.WaitUntilAsync(async () => (await HostCluster.MemberStatusAsync(asker)).Keys.All(a => a != leaver.Address),
            $"{name} has left", TimeSpan.FromMinutes(2));
        Note($"{name} left and exited");
        await _cluster.RestartAsync(leaver);
        await _cluster.WaitForUpAsync(3, TimeSpan.FromMinutes(3));
        await WaitForNodesAsync(asker, _ => true, "every node is connected after the leave");
        Note($"{name} rejoined, every node connected");
    }

    private async Task RestartAsteriskAsync()
    {
        var node = BilledNodes[_random.Next(BilledNodes.Length)];
        Note($"Asterisk {node.Name} restarts (5 s down)");
        await node.Faults.RestartAsync(TimeSpan.FromSeconds(5));
        await WaitForNodesAsync(_cluster.Running.First(), _ => true, "every node is connected after the Asterisk restart");
        Note($"{node.Name} back and connected");
    }

    private async Task DatabaseOutageAsync(TimeSpan outage)
    {
        Note($"MariaDB stopped for {outage.TotalSeconds:0} s");
        var from = DateTimeOffset.UtcNow;
        _mariaDb!.StopServer();
        await Task.Delay(outage);
        await _mariaDb.StartServerAsync();
        lock (_faultWindows) _outages.Add((from, DateTimeOffset.UtcNow));
        Note("MariaDB started again");
        await WaitForNodesAsync(_cluster.Running.First(), _ => true, "every node is connected after the outage");
        // Recovered when the backlog is journaled and projected, not when the nodes are connected (they stayed
        // connected): a member killed before that took a minute to recover and its callers past the phones' hold limit.
        await _cluster.WaitUntilAsync(async () =>
        {
            var projections = (await HostCluster.GetAsync(_cluster.Running.First(), "/projections")).GetProperty("projections").EnumerateArray().ToList();
            return projections.Count > 0 && projections.All(p => p.GetProperty("lagSeconds").GetDouble() < 5) && await QueueAsync() is not null;
        }, "the cluster has caught up after the outage (projection lag under 5 s, the queue answering)", TimeSpan.FromMinutes(3), RecoveryPoll);
        Note("caught up after the outage");
    }
}
