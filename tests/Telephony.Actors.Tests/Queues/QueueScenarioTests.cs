using Akka.Actor;
using Telephony.Actors.Hosting;
using Telephony.Actors.Queues;
using Telephony.Domain.Queues;
using Telephony.Domain.Queues.Agents;
using Telephony.Domain.Queues.Strategies;
using Telephony.Simulator;
using Xunit.Abstractions;

namespace Telephony.Actors.Tests.Queues;

/// <summary>
/// The fleet's call queue against two simulated Asterisk servers trunked together, as in the two-node captures:
/// callers wait on music on pbx-a, agents' phones are on pbx-b; the queue connects them by Redirect through pbx-a's
/// action queue, and the simulator's ledger of bridged legs is the proof of who talked to whom.
/// </summary>
public class QueueScenarioTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Ask = TimeSpan.FromSeconds(10);

    private static AgentSettings Agent(string id, int penalty = 0, bool loggedIn = true) => new()
    {
        Id = id,
        Name = $"Agent {id}",
        Route = new AgentRoute("pbx-b", $"b-{id}"),
        Queues = new Dictionary<string, int> { ["sales"] = penalty },
        LoggedInAtStart = loggedIn,
        NoAnswerDelay = TimeSpan.FromSeconds(30),
    };

    private static async Task<(AsteriskSimulator Sim, TelephonyHost Host)> StartAsync(QueueSettings queue, params AgentSettings[] agents)
    {
        var sim = await AsteriskSimulator.StartAsync(new SimulatorOptions { Port = 0, Nodes = 2, TimeScale = 0.1, TimeZone = TimeZoneInfo.Utc });
        var options = TelephonyHost.OptionsFor(await TestJournal.CreateAsync("sqlite"),
            TelephonyHost.NodeFor(sim.Nodes[0], "pbx-a"), TelephonyHost.NodeFor(sim.Nodes[1], "pbx-b")) with
        {
            QueueDirectory = new QueueDirectory([queue], agents),
        };
        var host = await TelephonyHost.StartAsync(options);
        await IngestScenarioTests.WaitUntil(() => sim.Nodes.All(n => n.Sessions.LoggedInNow > 0), "both nodes log in");
        return (sim, host);
    }

    private static QueueSettings Sales(QueueStrategy strategy = QueueStrategy.LongestIdle) =>
        new() { Name = "sales", Strategy = strategy, RingTimeout = TimeSpan.FromSeconds(3) };

    private static async Task<QueueInfo> Queue(TelephonyHost host) =>
        await QueueInfoAsk.AskAsync(host.System, host.Registry.Get<QueueRegion>(), "sales", Ask);

    private static async Task<AgentInfo> AgentInfo(TelephonyHost host, string id) =>
        await host.Registry.Get<AgentRegion>().Ask<AgentInfo>(new GetAgent(id), Ask);

    private static async Task<QueueInfo> WaitForQueue(TelephonyHost host, Func<QueueInfo, bool> condition, string what, int seconds = 40)
    {
        QueueInfo? last = null;
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (DateTime.UtcNow < deadline)
        {
            last = await Queue(host);
            if (condition(last)) return last;
            await Task.Delay(100);
        }
        Assert.Fail($"{what} within {seconds}s; queue is {System.Text.Json.JsonSerializer.Serialize(last)}");
        return null!;
    }

    [Fact]
    public async Task A_caller_on_pbx_a_is_connected_to_the_agent_on_pbx_b_once_and_the_call_completes()
    {
        var (sim, host) = await StartAsync(Sales(), Agent("1001"));
        await using var _ = sim;
        await using var __ = host;
        await WaitForQueue(host, q => q.Agents.Any(a => a.Status == "Available"), "agent 1001 is seen available");

        var caller = sim.Nodes[0].StartQueueCaller("sales", priority: 3);
        Assert.NotNull(caller);
        var done = await WaitForQueue(host, q => q.Statistics.Completed == 1, "the call is answered and completes");
        output.WriteLine(System.Text.Json.JsonSerializer.Serialize(done));

        Assert.Equal(1, done.Statistics.Offered);
        Assert.Equal(1, done.Statistics.Answered);
        Assert.Empty(done.Waiting);
        var ledger = sim.Nodes[0].VirtualQueue.Ledger;
        var connection = Assert.Single(ledger.Connections);
        Assert.Equal("1001", connection.AgentId);
        Assert.Empty(ledger.Overlaps());
        Assert.Empty(ledger.CallersConnectedMoreThanOnce());
        var agent = await AgentInfo(host, "1001");
        Assert.Equal(1, agent.Calls);
        Assert.Null(agent.Reservation);
        Assert.Equal(1, sim.Nodes[0].Actions["Redirect"]);
    }

    [Fact]
    public async Task An_agent_who_does_not_answer_is_passed_over_and_the_caller_keeps_its_place_for_the_next()
    {
        // 1002 never answers and is offered first (penalty 0); 1001 (penalty 1) answers.
        var (sim, host) = await StartAsync(Sales(QueueStrategy.Linear), Agent("1002", penalty: 0), Agent("1001", penalty: 1));
        await using var _ = sim;
        await using var __ = host;
        await WaitForQueue(host, q => q.Agents.Count(a => a.Status == "Available") == 2, "both agents available");

        sim.Nodes[0].StartQueueCaller("sales", priority: 3);
        var done = await WaitForQueue(host, q => q.Statistics.Completed == 1, "the caller reaches 1001 after 1002's no-answer", 60);

        Assert.Equal(1, done.Statistics.NoAnswers);
        Assert.Equal(1, done.Statistics.Answered);
        Assert.Equal("1001", Assert.Single(sim.Nodes[0].VirtualQueue.Ledger.Connections).AgentId);
        var noAnswer = await AgentInfo(host, "1002");
        Assert.Equal(1, noAnswer.NoAnswers);
        Assert.NotNull(noAnswer.AvailableFrom); // its no-answer delay
        Assert.Equal(2, sim.Nodes[0].Actions["Redirect"]);
    }

    [Fact]
    public async Task A_caller_who_hangs_up_while_waiting_is_counted_abandoned_with_its_wait()
    {
        var (sim, host) = await StartAsync(Sales(), Agent("1001", loggedIn: false));
        await using var _ = sim;
        await using var __ = host;

        sim.Nodes[0].StartQueueCaller("sales", priority: 3, patience: TimeSpan.FromSeconds(20)); // 2 s at time scale 0.1
        await WaitForQueue(host, q => q.Waiting.Count == 1, "the caller waits");
        var done = await WaitForQueue(host, q => q.Statistics.Abandoned == 1, "the caller abandons");

        Assert.Empty(done.Waiting);
        Assert.Equal(0, done.Statistics.Answered);
        Assert.True(done.Statistics.AbandonedWait > TimeSpan.FromSeconds(1));
        Assert.Empty(sim.Nodes[0].VirtualQueue.Ledger.Connections);
        Assert.Equal(0, sim.Nodes[0].Actions["Redirect"]);
    }

    [Fact]
    public async Task An_agent_logs_in_from_the_phone_and_takes_the_waiting_caller()
    {
        var (sim, host) = await StartAsync(Sales(), Agent("1001", loggedIn: false));
        await using var _ = sim;
        await using var __ = host;

        sim.Nodes[0].StartQueueCaller("sales", priority: 3);
        await WaitForQueue(host, q => q.Waiting.Count == 1, "the caller waits");
        Assert.Equal("LoggedOut", (await AgentInfo(host, "1001")).Status);

        sim.Nodes[1].RaiseAgentEvent("1001", "TelephonyAgentLogin", "");
        await WaitForQueue(host, q => q.Statistics.Answered == 1, "the agent who logged in takes the caller");
        Assert.Equal("1001", Assert.Single(sim.Nodes[0].VirtualQueue.Ledger.Connections).AgentId);
    }
}
