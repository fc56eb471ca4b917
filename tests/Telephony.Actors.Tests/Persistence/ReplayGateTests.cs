using Telephony.Actors.Persistence;

namespace Telephony.Actors.Tests.Persistence;

/// <summary>The replay gate of a member taking over: a bounded number at once, nodes and queues ahead of agents.</summary>
public sealed class ReplayGateTests
{
    [Fact]
    public async Task A_nodes_journal_waiting_behind_hundreds_of_agents_is_replayed_next()
    {
        var gate = new ReplayGate(2);
        await gate.EnterAsync(urgent: false); // two agents replaying
        await gate.EnterAsync(urgent: false);
        var agents = Enumerable.Range(0, 300).Select(_ => gate.EnterAsync(urgent: false)).ToList();
        var node = gate.EnterAsync(urgent: true);
        Assert.Equal(301, gate.Waiting);
        Assert.False(node.IsCompleted);

        gate.Leave(); // one of the two finishes: the node goes next, not the first agent in line
        await node.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.False(agents[0].IsCompleted);

        gate.Leave(); // then the agents, in the order they came
        await agents[0].WaitAsync(TimeSpan.FromSeconds(5));
        Assert.False(agents[1].IsCompleted);
    }

    [Fact]
    public async Task Never_more_than_its_capacity_at_once_and_every_waiter_gets_its_turn()
    {
        var gate = new ReplayGate(8);
        var inside = 0;
        var most = 0;
        var runs = Enumerable.Range(0, 500).Select(async i =>
        {
            await gate.EnterAsync(urgent: i % 50 == 0);
            var now = Interlocked.Increment(ref inside);
            InterlockedMax(ref most, now);
            await Task.Yield();
            Interlocked.Decrement(ref inside);
            gate.Leave();
        }).ToList();
        await Task.WhenAll(runs).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.InRange(most, 1, 8);
        Assert.Equal(0, gate.Waiting);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen) { }
    }
}
