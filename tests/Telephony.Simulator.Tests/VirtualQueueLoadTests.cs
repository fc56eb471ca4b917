using Telephony.Simulator.Cli;
using Telephony.Simulator.Load;
using Telephony.Simulator.Queue;

namespace Telephony.Simulator.Tests;

/// <summary>Queue load: callers arrive at a rate on every node into weighted queues and priorities, some with a
/// patience; generated agents on every node. And the command line that asks for it.</summary>
public sealed class VirtualQueueLoadTests
{
    [Fact]
    public async Task The_queue_load_starts_the_configured_callers_round_robin_and_adds_agents_on_every_node()
    {
        var load = new QueueLoadOptions
        {
            CallersPerSecond = 500, MaxCallers = 60, Queues = [new("sales", 1), new("support", 1)],
            Priorities = [new(1, 1), new(5, 1)], PatienceShare = 0.5, Patience = DurationDistribution.Fixed(TimeSpan.FromSeconds(5)),
            AgentsPerNode = 4, NoAnswerShare = 0.25, Seed = 7,
        };
        await using var sim = await AsteriskSimulator.StartAsync(TestOptions.Fast with
        {
            Nodes = 3, TimeScale = 0.001,
            VirtualQueue = new VirtualQueueOptions { Agents = [], MaxWait = TimeSpan.FromSeconds(20), Load = load },
        });
        var generator = sim.VirtualQueue.Load!;
        await generator.Arrivals;
        var callers = generator.Callers;
        await Task.WhenAll(callers.Select(c => c.Completion));

        Assert.Equal(60, callers.Count);
        Assert.Equal([20, 20, 20], callers.GroupBy(c => c.NodeName).Select(g => g.Count()));
        Assert.Equal(["sales", "support"], callers.Select(c => c.Queue).Distinct().Order());
        Assert.Equal([1, 5], callers.Select(c => c.Priority).Distinct().Order());
        Assert.Contains(callers, c => c.Patience == TimeSpan.FromSeconds(5));
        Assert.Contains(callers, c => c.Patience is null);
        Assert.Equal(12, sim.VirtualQueue.Agents.Count);
        Assert.Equal([4, 4, 4], sim.VirtualQueue.Agents.GroupBy(a => a.Node).Select(g => g.Count()));
        // Nobody connects them (no queue manager here): every caller abandons, with or without patience.
        var ledger = sim.VirtualQueue.Ledger;
        Assert.Equal((60L, 60L, 0), (ledger.Joined, ledger.Abandoned, ledger.Waiting));
        Assert.All(callers, c => Assert.Equal(QueueCallerOutcome.Abandoned, c.Outcome));
    }

    [Fact]
    public void The_command_line_sets_agents_timeouts_and_the_queue_load()
    {
        var command = SimulatorCommandLine.Parse(["--nodes", "8", "--agent", "1001@2:2/5", "--agent", "1002@2:never",
            "--agent", "1003@1:busy", "--ring-timeout", "20", "--max-wait", "3600", "--queue-callers-per-second", "30",
            "--queue-callers", "3600", "--queue", "sales=3", "--queue", "support", "--queue-priority", "1=2",
            "--patience-share", "0.2", "--patience", "90", "--agents-per-node", "250", "--agent-ring", "1:3",
            "--agent-talk", "180", "--no-answer-share", "0.1", "--busy-share", "0.05", "--seed", "3"]);

        var q = command.Options!.VirtualQueue;
        Assert.Null(command.Error);
        Assert.Equal([AgentBehavior.Answers("1001", 2, 2, 5), AgentBehavior.NeverAnswers("1002", 2), AgentBehavior.IsBusy("1003", 1)], q.Agents);
        Assert.Equal((TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(3600)), (q.RingTimeout, q.MaxWait));
        var load = q.Load!;
        Assert.Equal((30.0, 3600, 250, 0.2, 0.1, 0.05, 3), (load.CallersPerSecond, load.MaxCallers!.Value, load.AgentsPerNode,
            load.PatienceShare, load.NoAnswerShare, load.BusyShare, load.Seed!.Value));
        Assert.Equal([new("sales", 3.0), new("support", 1.0)], load.Queues);
        Assert.Equal([new(1, 2.0)], load.Priorities);
        Assert.Null(SimulatorCommandLine.Parse(["--port", "0"]).Options!.VirtualQueue.Load);
        Assert.Contains("agent 'x'", SimulatorCommandLine.Parse(["--agent", "x"]).Error);
    }

    [Theory]
    [InlineData("b-1001", 2, "1001")]
    [InlineData("a-1004", 1, "1004")]
    [InlineData("asterisk-3-2001", 3, "2001")]
    [InlineData("3-2001", 3, "2001")]
    [InlineData("c-7", 3, "7")]
    public void Route_extensions_name_a_node_by_letter_index_or_name(string exten, int node, string agent)
    {
        var route = AgentRoute.Parse(exten, ["asterisk-1", "asterisk-2", "asterisk-3"]);
        Assert.Equal(new AgentRoute(node, agent), route);
        Assert.Null(AgentRoute.Parse("x-9999", ["asterisk-1", "asterisk-2", "asterisk-3"]));
    }
}
