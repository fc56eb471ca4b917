using Telephony.Domain.Queues;
using Telephony.Domain.Queues.Agents;
using Telephony.Domain.Queues.Calls;
using Telephony.Domain.Queues.Strategies;

namespace Telephony.Domain.Tests.Queues.Calls;

/// <summary>Offers to agents: who is asked, what a no-answer, a busy phone, an answer or a hang-up does to them.</summary>
public sealed class QueueOfferScenarioTests
{
    private static QueueSettings Sales => new() { Name = "sales" };

    private static QueueSettings RingAll => new() { Name = "sales", Strategy = QueueStrategy.RingAll, Connect = ConnectMode.OriginateBridge };

    [Fact]
    public void Given_ring_all_with_two_agents_at_penalty_0_and_one_at_1_the_two_are_asked_the_first_answer_wins_and_the_other_leg_ends_answered_elsewhere()
    {
        var scene = new QueueScene(RingAll, QueueScene.AgentOf("ann"), QueueScene.AgentOf("bob"), QueueScene.AgentOf("cat", penalty: 1));
        var caller = scene.Join("c1");

        var legs = scene.Offer();
        Assert.Equal(["ann", "bob"], legs.Select(l => l.AgentId).Order());
        Assert.Equal(CallerPhase.Ringing, scene.Queue.Find(caller)!.Phase);

        scene.At(4);
        scene.Answer(legs.Single(l => l.AgentId == "bob"));

        var connected = Assert.IsType<CallerConnected>(scene.Journal[^2]);
        var elsewhere = Assert.IsType<OfferEnded>(scene.Journal[^1]);
        Assert.Equal("bob", connected.AgentId);
        Assert.Equal(("ann", OfferOutcome.AnsweredElsewhere), (elsewhere.AgentId, elsewhere.Outcome));
        Assert.Null(scene.Agents["ann"].Reservation);
        Assert.Equal(0, scene.Agents["ann"].NoAnswers); // not her fault: no delay, no no-answer
        Assert.Equal(["ann", "cat"], scene.Candidates().Order());
        Assert.Equal(AgentActivity.OnCall, scene.Agents["bob"].ActivityAt(scene.Now));
        Assert.Equal(1, scene.Queue.Statistics.Answered);
    }

    [Fact]
    public void Given_ann_does_not_answer_the_caller_is_offered_to_bob_next_and_ann_only_after_her_no_answer_delay()
    {
        var scene = new QueueScene(Sales, QueueScene.AgentOf("ann") with { NoAnswerDelay = TimeSpan.FromSeconds(10) }, QueueScene.AgentOf("bob"));
        scene.Join("c1");
        var first = scene.OfferOne();
        Assert.Equal("ann", first.AgentId);

        scene.At(15);
        scene.LegEnds(first, OfferOutcome.NoAnswer);
        var second = scene.OfferOne();
        Assert.Equal("bob", second.AgentId);
        scene.LegEnds(second, OfferOutcome.NoAnswer);

        scene.At(24);
        Assert.DoesNotContain("ann", scene.Candidates());
        scene.At(25);
        Assert.Contains("ann", scene.Candidates());
        Assert.Equal(2, scene.Queue.Statistics.NoAnswers);
    }

    [Fact]
    public void Given_a_busy_phone_the_agent_waits_its_busy_delay_before_the_next_offer()
    {
        var scene = new QueueScene(Sales, QueueScene.AgentOf("ann") with { BusyDelay = TimeSpan.FromSeconds(20) });
        scene.Join("c1");
        scene.At(2);
        scene.LegEnds(scene.OfferOne(), OfferOutcome.Busy);

        scene.At(21);
        Assert.Empty(scene.Offer());
        Assert.Equal(scene.Now + TimeSpan.FromSeconds(1), scene.Board.NextAvailableAfter(scene.Now));
        scene.At(22);
        Assert.Equal("ann", scene.OfferOne().AgentId);
        Assert.Equal(0, scene.Agents["ann"].ConsecutiveNoAnswers); // busy is not a no-answer
    }

    [Fact]
    public void Given_a_caller_ringing_two_agents_when_it_hangs_up_both_legs_end_caller_gone_and_the_agents_are_free_at_once()
    {
        var scene = new QueueScene(RingAll, QueueScene.AgentOf("ann"), QueueScene.AgentOf("bob"));
        var caller = scene.Join("c1");
        Assert.Equal(2, scene.Offer().Count);
        scene.At(7);

        var events = scene.Queue.CallerHungUp(caller, scene.Now);
        scene.Apply(events);

        Assert.Equal([OfferOutcome.CallerGone, OfferOutcome.CallerGone], events.OfType<OfferEnded>().Select(e => e.Outcome));
        Assert.Equal(LeaveReason.Abandoned, Assert.IsType<CallerLeft>(events[^1]).Reason);
        Assert.Equal(["ann", "bob"], scene.Candidates());
        Assert.Equal((1, 1, TimeSpan.FromSeconds(7)), (scene.Queue.Statistics.Abandoned, scene.Queue.Statistics.AbandonedWithinServiceLevel,
            scene.Queue.Statistics.AbandonedWait));
        Assert.Equal(0, scene.Queue.Count);
    }

    [Fact]
    public void Given_a_connected_call_when_the_caller_hangs_up_the_call_completes_and_the_agent_goes_into_wrap_up()
    {
        var scene = new QueueScene(Sales with { WrapUp = TimeSpan.FromSeconds(30) }, QueueScene.AgentOf("ann"));
        var caller = scene.Join("c1");
        scene.At(5);
        scene.Answer(scene.OfferOne());
        scene.At(65);

        scene.Apply(scene.Queue.CallerHungUp(caller, scene.Now));

        var done = Assert.IsType<CallCompleted>(scene.Journal[^1]);
        Assert.False(done.ByAgent);
        Assert.Equal((1, 1, TimeSpan.FromSeconds(60)), (scene.Queue.Statistics.Answered, scene.Queue.Statistics.Completed, scene.Queue.Statistics.TalkTime));
        Assert.Equal(AgentActivity.WrapUp, scene.Agents["ann"].ActivityAt(scene.Now));
        Assert.Equal(TimeSpan.FromSeconds(60), scene.Agents["ann"].TotalsFor("sales").TalkTime);
    }
}
