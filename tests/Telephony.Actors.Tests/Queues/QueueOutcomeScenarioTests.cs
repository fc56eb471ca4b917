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
/// How callers leave a queue other than by a plain answer, and how agents who do not answer are treated: overflow,
/// breakout, join refused when empty, busy, auto-pause, and ring-all with Originate + Bridge on the caller's server.
/// Two simulated servers trunked together, as in the two-node captures (agents 1001-1004 on pbx-b, 1001 and 1004 also
/// on pbx-a).
/// </summary>
public class QueueOutcomeScenarioTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Ask = TimeSpan.FromSeconds(10);

    private static AgentSettings Agent(string id, string queue, int penalty = 0, string node = "pbx-b", int autoPause = 3,
        double noAnswerDelay = 30) => new()
    {
        Id = $"{node[^1]}{id}",
        Name = $"Agent {id}",
        Route = new AgentRoute(node, $"{node[^1]}-{id}", $"Local/{id}@agents"),
        Queues = new Dictionary<string, int> { [queue] = penalty },
        LoggedInAtStart = true,
        AutoPauseAfter = autoPause,
        NoAnswerDelay = TimeSpan.FromSeconds(noAnswerDelay),
    };

    private sealed record Run(AsteriskSimulator Sim, TelephonyHost Host) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Host.DisposeAsync();
            await Sim.DisposeAsync();
        }

        public async Task<QueueInfo> Queue(string name) =>
            await QueueInfoAsk.AskAsync(Host.System, Host.Registry.Get<QueueRegion>(), name, Ask);

        public async Task<AgentInfo> Agent(string id) =>
            await Host.Registry.Get<AgentRegion>().Ask<AgentInfo>(new GetAgent(id), Ask);
    }

    private static Task<Run> StartAsync(QueueSettings[] queues, params AgentSettings[] agents) => StartAsync(null, queues, agents);

    private static async Task<Run> StartAsync(IReadOnlyList<Simulator.Queue.AgentBehavior>? phones, QueueSettings[] queues,
        params AgentSettings[] agents)
    {
        var simOptions = new SimulatorOptions { Port = 0, Nodes = 2, TimeScale = 0.1, TimeZone = TimeZoneInfo.Utc };
        if (phones is not null) simOptions = simOptions with { VirtualQueue = simOptions.VirtualQueue with { Agents = phones } };
        var sim = await AsteriskSimulator.StartAsync(simOptions);
        var options = TelephonyHost.OptionsFor(await TestJournal.CreateAsync("sqlite"),
            TelephonyHost.NodeFor(sim.Nodes[0], "pbx-a"), TelephonyHost.NodeFor(sim.Nodes[1], "pbx-b")) with
        {
            QueueDirectory = new QueueDirectory(queues, agents),
        };
        var host = await TelephonyHost.StartAsync(options);
        await IngestScenarioTests.WaitUntil(() => sim.Nodes.All(n => n.Sessions.LoggedInNow > 0), "both nodes log in");
        return new Run(sim, host);
    }

    private async Task<T> Until<T>(Func<Task<T>> read, Func<T, bool> condition, string what, int seconds = 40)
    {
        T last = default!;
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (DateTime.UtcNow < deadline)
        {
            last = await read();
            if (condition(last)) return last;
            await Task.Delay(100);
        }
        output.WriteLine(System.Text.Json.JsonSerializer.Serialize(last));
        Assert.Fail($"{what} within {seconds}s");
        return last;
    }

    [Fact]
    public async Task A_caller_who_waits_too_long_in_sales_overflows_into_support_and_is_answered_there()
    {
        var sales = new QueueSettings { Name = "sales", MaxWait = TimeSpan.FromSeconds(2), OnTimeout = new QueueExit("support", null, null) };
        var support = new QueueSettings { Name = "support" };
        await using var run = await StartAsync([sales, support], Agent("1001", "support"));

        run.Sim.Nodes[0].StartQueueCaller("sales", priority: 3);
        var answered = await Until(() => run.Queue("support"), q => q.Statistics.Answered == 1, "the caller is answered in support");
        var left = await run.Queue("sales");

        Assert.Equal(1, left.Statistics.TimedOut);
        Assert.Equal(1, left.Statistics.Overflowed);
        Assert.Empty(left.Waiting);
        Assert.Equal(1, answered.Statistics.Offered);
        Assert.Equal("1001", Assert.Single(run.Sim.VirtualQueue.Ledger.Connections).AgentId);
    }

    [Fact]
    public async Task A_caller_who_waits_too_long_breaks_out_to_the_dialplan_target_by_Redirect()
    {
        var sales = new QueueSettings { Name = "sales", MaxWait = TimeSpan.FromSeconds(2), OnTimeout = new QueueExit(null, "voicemail", "s") };
        await using var run = await StartAsync([sales], Agent("1001", "sales") with { LoggedInAtStart = false });

        run.Sim.Nodes[0].StartQueueCaller("sales", priority: 3);
        var left = await Until(() => run.Queue("sales"), q => q.Statistics.BrokenOut == 1, "the caller breaks out");

        Assert.Equal(1, left.Statistics.TimedOut);
        Assert.Equal(0, left.Statistics.Overflowed);
        Assert.Empty(left.Waiting);
        await IngestScenarioTests.WaitUntil(() => run.Sim.Nodes[0].Actions["Redirect"] == 1, "pbx-a receives the breakout Redirect");
        Assert.Empty(run.Sim.VirtualQueue.Ledger.Connections);
    }

    [Fact]
    public async Task A_queue_that_refuses_joins_when_no_agent_is_logged_in_does_not_hold_the_caller()
    {
        var sales = new QueueSettings { Name = "sales", RefuseJoinWhen = QueueEmptiness.NoAgents };
        await using var run = await StartAsync([sales], Agent("1001", "sales") with { LoggedInAtStart = false });

        run.Sim.Nodes[0].StartQueueCaller("sales", priority: 3);
        var refused = await Until(() => run.Queue("sales"), q => q.Statistics.Refused == 1, "the join is refused");

        Assert.Equal(0, refused.Statistics.Offered);
        Assert.Empty(refused.Waiting);
    }

    [Fact]
    public async Task A_busy_agent_is_passed_over_at_once_for_the_next_one()
    {
        // 1003 is busy on pbx-b; 1001 (penalty 1) answers.
        await using var run = await StartAsync([new QueueSettings { Name = "sales", Strategy = QueueStrategy.Linear }],
            Agent("1003", "sales", penalty: 0), Agent("1001", "sales", penalty: 1));
        await Until(() => run.Queue("sales"), q => q.Agents.Count(a => a.Status == "Available") == 2, "both agents available");

        run.Sim.Nodes[0].StartQueueCaller("sales", priority: 3);
        await Until(() => run.Queue("sales"), q => q.Statistics.Answered == 1, "the caller reaches 1001");

        var busy = await run.Agent("b1003");
        Assert.Equal(0, busy.Calls);
        Assert.NotNull(busy.AvailableFrom); // its busy delay
        Assert.Equal("1001", Assert.Single(run.Sim.VirtualQueue.Ledger.Connections).AgentId);
    }

    [Fact]
    public async Task An_agent_who_does_not_answer_twice_in_a_row_is_put_on_break_automatically()
    {
        // 1002 never answers; no delay between offers, auto-pause after 2.
        await using var run = await StartAsync([new QueueSettings { Name = "sales" }],
            Agent("1002", "sales", autoPause: 2, noAnswerDelay: 0));

        run.Sim.Nodes[0].StartQueueCaller("sales", priority: 3);
        var agent = await Until(() => run.Agent("b1002"), a => a.Status == "OnBreak", "1002 is paused after two no-answers", 60);

        Assert.Equal(2, agent.NoAnswers);
        Assert.StartsWith("auto-pause", agent.BreakReason);
        var queue = await run.Queue("sales");
        Assert.Single(queue.Waiting); // still waiting, at its place, for someone who answers
        Assert.Equal(2, queue.Statistics.NoAnswers);
    }

    [Fact]
    public async Task Ring_all_originates_every_agent_on_the_callers_server_and_bridges_the_first_to_answer()
    {
        // On pbx-a 1004 answers after 1 s, 1001 only after 40 s: 1004 wins, 1001 is not connected.
        var sales = new QueueSettings { Name = "sales", Strategy = QueueStrategy.RingAll, Connect = ConnectMode.OriginateBridge,
            RingTimeout = TimeSpan.FromSeconds(60) };
        Simulator.Queue.AgentBehavior[] phones = [Simulator.Queue.AgentBehavior.Answers("1001", 1, 40, 5), Simulator.Queue.AgentBehavior.Answers("1004", 1, 1, 8)];
        await using var run = await StartAsync(phones, [sales], Agent("1001", "sales", node: "pbx-a"), Agent("1004", "sales", node: "pbx-a"));
        await Until(() => run.Queue("sales"), q => q.Agents.Count(a => a.Status == "Available") == 2, "both agents available");

        run.Sim.Nodes[0].StartQueueCaller("sales", priority: 3);
        var connected = await Until(() => run.Queue("sales"), q => q.Statistics.Answered == 1, "the first agent to answer is bridged");

        Assert.Equal("a1004", Assert.Single(connected.Connected).AgentId);
        Assert.Equal(2, run.Sim.Nodes[0].Actions["Originate"]);
        await IngestScenarioTests.WaitUntil(() => run.Sim.Nodes[0].Actions["Bridge"] == 1, "one Bridge");
        var loser = await run.Agent("a1001");
        Assert.Null(loser.Reservation);
        Assert.Equal(0, loser.Calls);
        var bridged = Assert.Single(run.Sim.VirtualQueue.Ledger.Connections);
        Assert.Equal("1004", bridged.AgentId);
        Assert.Empty(run.Sim.VirtualQueue.Ledger.Overlaps());
    }

    [Fact]
    public async Task A_cross_server_conversation_records_the_callers_and_the_agents_LinkedID_each_on_its_own_server()
    {
        Simulator.Queue.AgentBehavior[] phones = [Simulator.Queue.AgentBehavior.Answers("1001", 2, 2, 40)];
        await using var run = await StartAsync(phones, [new QueueSettings { Name = "sales" }], Agent("1001", "sales"));
        await Until(() => run.Queue("sales"), q => q.Agents.Any(a => a.Status == "Available"), "the agent is available");

        var caller = run.Sim.Nodes[0].StartQueueCaller("sales", priority: 3)!;
        var talking = await Until(() => run.Queue("sales"), q => q.Connected.Count == 1, "the caller talks to the agent");

        var call = Assert.Single(talking.Connected);
        Assert.Equal("pbx-a", call.Node);
        Assert.Equal("pbx-b", call.AgentNode);
        Assert.NotNull(call.CallerLinkedId);
        Assert.NotNull(call.AgentLinkedId); // pbx-b's own LinkedID for its half, paired by the caller's number and time
        // The two strings may even be equal: both servers count Uniqueids from their start; (node, id) is the key.
        Assert.Contains(call.AgentLinkedId, run.Sim.Nodes[1].LiveChannels.Select(l => l.Linkedid)); // pbx-b's legs of the call
        await caller.Completion;
    }
}
