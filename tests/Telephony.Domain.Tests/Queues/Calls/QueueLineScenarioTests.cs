using Telephony.Domain.Queues;
using Telephony.Domain.Queues.Agents;
using Telephony.Domain.Queues.Calls;

namespace Telephony.Domain.Tests.Queues.Calls;

/// <summary>Who gets into the line, where, and how callers leave it without an agent.</summary>
public sealed class QueueLineScenarioTests
{
    private static QueueSettings Sales => new() { Name = "sales" };

    [Fact]
    public void Given_the_join_order_fixture_callers_are_placed_by_priority_then_join_order_and_keep_their_place_after_a_no_answer()
    {
        var lines = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "fixtures", "queues", "join-order.txt"))
            .Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
        var scene = new QueueScene(Sales, QueueScene.AgentOf("ann"));

        foreach (var row in lines.Where(l => !l.StartsWith("line:")).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)))
        {
            scene.At(scene.Journal.Count);
            var joined = Assert.IsType<CallerJoined>(scene.TryJoin(row[0], int.Parse(row[1])));
            Assert.Equal(int.Parse(row[2]), joined.Position);
        }
        var expected = lines.Single(l => l.StartsWith("line:"))["line:".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(expected, scene.LineIds());

        var leg = scene.OfferOne();
        Assert.Equal(expected[0], leg.Caller.UniqueId);
        scene.LegEnds(leg, OfferOutcome.NoAnswer);

        Assert.Equal(expected, scene.LineIds());
        Assert.Equal(1, scene.Queue.Find(leg.Caller)!.Attempts);
    }

    [Fact]
    public void Given_a_queue_of_max_length_two_when_a_third_caller_joins_it_is_refused_as_full_and_counted()
    {
        var scene = new QueueScene(Sales with { MaxLength = 2 }, QueueScene.AgentOf("ann"));
        scene.Join("c1");
        scene.Join("c2");

        var refused = Assert.IsType<JoinRefused>(scene.TryJoin("c3", priority: 9));

        Assert.Equal(JoinRefusal.QueueFull, refused.Reason);
        Assert.Equal(["c1", "c2"], scene.LineIds());
        Assert.Equal((2, 1), (scene.Queue.Statistics.Offered, scene.Queue.Statistics.Refused));
    }

    [Fact]
    public void Given_join_refused_when_no_agents_a_queue_whose_agents_are_logged_out_refuses_but_one_with_agents_on_break_accepts()
    {
        var scene = new QueueScene(Sales with { RefuseJoinWhen = QueueEmptiness.NoAgents }, QueueScene.AgentOf("ann", loggedIn: false));
        Assert.Equal(JoinRefusal.NoAgents, Assert.IsType<JoinRefused>(scene.TryJoin("c1")).Reason);

        scene.Agent("ann", scene.Agents["ann"].Login(scene.Now));
        scene.Agent("ann", scene.Agents["ann"].Pause(scene.Now, "lunch"));

        Assert.IsType<CallerJoined>(scene.TryJoin("c2"));
    }

    [Fact]
    public void Given_join_refused_when_none_available_a_queue_whose_only_agent_is_on_break_refuses_the_caller()
    {
        var scene = new QueueScene(Sales with { RefuseJoinWhen = QueueEmptiness.NoneAvailable }, QueueScene.AgentOf("ann"));
        scene.Agent("ann", scene.Agents["ann"].Pause(scene.Now, "lunch"));

        Assert.Equal(JoinRefusal.NoneAvailable, Assert.IsType<JoinRefused>(scene.TryJoin("c1")).Reason);

        scene.Agent("ann", scene.Agents["ann"].Unpause(scene.Now));
        Assert.IsType<CallerJoined>(scene.TryJoin("c1"));
    }

    [Fact]
    public void Given_leave_when_no_agents_when_the_last_agent_logs_out_waiting_callers_leave_to_the_empty_exit_but_a_ringing_one_stays()
    {
        var exit = new QueueExit(null, "vq-empty", "s");
        var scene = new QueueScene(Sales with { LeaveWhen = QueueEmptiness.NoAgents, OnEmpty = exit }, QueueScene.AgentOf("ann"), QueueScene.AgentOf("bob"));
        scene.Join("c1");
        scene.Join("c2");
        scene.Join("c3");
        scene.Agent("bob", scene.Agents["bob"].Logout(scene.Now, null));
        Assert.Empty(scene.Queue.LeaveIfEmpty(scene.Now, scene.Board)); // ann is still logged in
        var leg = scene.OfferOne();
        Assert.Equal(("c1", "ann"), (leg.Caller.UniqueId, leg.AgentId));
        scene.At(10);

        scene.Agent("ann", scene.Agents["ann"].Logout(scene.Now, null)); // logged out while ringing: the ring goes on
        var left = scene.Queue.LeaveIfEmpty(scene.Now, scene.Board).Cast<CallerLeft>().ToList();
        scene.Apply(left);

        Assert.Equal(["c2", "c3"], left.Select(l => l.Caller.UniqueId));
        Assert.All(left, l => Assert.Equal((LeaveReason.LeftEmpty, exit), (l.Reason, l.Exit)));
        Assert.Equal(["c1"], scene.LineIds());
        Assert.Equal(2, scene.Queue.Statistics.LeftEmpty);
    }

    [Fact]
    public void Given_max_wait_60s_callers_past_it_time_out_to_the_overflow_queue_or_break_out_to_the_dialplan()
    {
        var overflow = new QueueScene(Sales with { MaxWait = TimeSpan.FromSeconds(60), OnTimeout = new QueueExit("support", null, null) });
        var breakout = new QueueScene(Sales with { MaxWait = TimeSpan.FromSeconds(60), OnTimeout = new QueueExit(null, "vq-timeout", "s") });
        foreach (var scene in new[] { overflow, breakout })
        {
            scene.Join("early");
            scene.At(30);
            scene.Join("late");
            scene.At(59);
            Assert.Empty(scene.Queue.TimeOuts(scene.Now));
            Assert.Equal(scene.Now + TimeSpan.FromSeconds(1), scene.Queue.NextTimeOut());
            scene.At(60);
            scene.Apply(scene.Queue.TimeOuts(scene.Now));
            Assert.Equal(["late"], scene.LineIds());
        }

        Assert.Equal((1, 1, 0), (overflow.Queue.Statistics.TimedOut, overflow.Queue.Statistics.Overflowed, overflow.Queue.Statistics.BrokenOut));
        Assert.Equal((1, 0, 1), (breakout.Queue.Statistics.TimedOut, breakout.Queue.Statistics.Overflowed, breakout.Queue.Statistics.BrokenOut));
        Assert.Equal("support", Assert.IsType<CallerLeft>(overflow.Journal[^1]).Exit!.Queue);
        Assert.Equal("vq-timeout", Assert.IsType<CallerLeft>(breakout.Journal[^1]).Exit!.Context);
    }

    [Fact]
    public void Given_a_caller_past_max_wait_while_an_agent_rings_it_does_not_time_out_until_the_ring_ends()
    {
        var scene = new QueueScene(Sales with { MaxWait = TimeSpan.FromSeconds(60), OnTimeout = new QueueExit(null, "vq-timeout", "s") },
            QueueScene.AgentOf("ann"));
        scene.Join("c1");
        scene.At(50);
        var leg = scene.OfferOne();
        scene.At(65);
        Assert.Empty(scene.Queue.TimeOuts(scene.Now));

        scene.LegEnds(leg, OfferOutcome.NoAnswer);

        var left = Assert.IsType<CallerLeft>(Assert.Single(scene.Queue.TimeOuts(scene.Now)));
        Assert.Equal(LeaveReason.TimedOut, left.Reason);
    }

    [Fact]
    public void Given_callers_on_two_nodes_when_pbx_b_restarts_only_its_callers_leave_and_its_connected_call_ends()
    {
        var scene = new QueueScene(Sales, QueueScene.AgentOf("ann"));
        scene.Join("b-talking", node: "pbx-b");
        scene.Answer(scene.OfferOne());
        scene.Join("a-waiting", node: "pbx-a");
        scene.Join("b-waiting", node: "pbx-b");
        scene.At(30);

        scene.Apply(scene.Queue.NodeRestarted("pbx-b", scene.Now));

        Assert.Equal(["a-waiting"], scene.LineIds());
        Assert.Empty(scene.Queue.Connected);
        Assert.Equal((1, 1, 1), (scene.Queue.Statistics.Dropped, scene.Queue.Statistics.Answered, scene.Queue.Statistics.Completed));
        Assert.Null(scene.Agents["ann"].Reservation); // the agent's call ended with the caller's node
        Assert.Equal(1, scene.Agents["ann"].Calls);
    }

    [Fact]
    public void Given_a_caller_that_rang_twice_when_the_queue_restarts_from_its_snapshot_the_caller_still_has_two_attempts()
    {
        var scene = new QueueScene(Sales, QueueScene.AgentOf("ann"), QueueScene.AgentOf("bob"));
        scene.Join("c1");
        scene.LegEnds(scene.OfferOne(), OfferOutcome.NoAnswer);
        var second = scene.OfferOne();

        var restored = new QueueState(scene.Queue.Settings);
        restored.Restore(scene.Queue.Snapshot());

        var caller = restored.Find(second.Caller)!;
        Assert.Equal(2, caller.Attempts);
        Assert.Equal([second.ReservationId], caller.Legs.Keys);
        Assert.Equal(scene.Queue.Statistics, restored.Statistics);
    }
}
