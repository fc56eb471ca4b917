using Telephony.Domain.Queues;
using Telephony.Domain.Queues.Agents;
using Telephony.Domain.Tests.Queues.Calls;

namespace Telephony.Domain.Tests.Queues.Agents;

/// <summary>A queue's picture of its agents: views by version, who it is asking, what a refusal tells it.</summary>
public sealed class AgentBoardTests
{
    private static readonly DateTimeOffset T0 = QueueWorld.Start;

    private static AgentView View(string id, long version, AgentStatus status = AgentStatus.Available,
        AgentActivity activity = AgentActivity.Idle, DateTimeOffset? availableFrom = null) =>
        new(id, "sales", 0, status, activity, false, availableFrom ?? DateTimeOffset.MinValue, null, 0, TimeSpan.Zero, "pbx-a", version);

    [Fact]
    public void Given_a_newer_view_when_an_older_one_arrives_late_the_board_keeps_the_newer()
    {
        var board = new AgentBoard();
        board.Update(View("ann", 5, AgentStatus.OnBreak));

        Assert.False(board.Update(View("ann", 4, AgentStatus.Available)));
        Assert.Equal(AgentStatus.OnBreak, board["ann"]!.Status);
        Assert.Empty(board.Candidates(T0));
    }

    [Fact]
    public void Given_an_agent_being_asked_it_is_no_candidate_until_its_answer_comes()
    {
        var board = new AgentBoard();
        board.Update(View("ann", 1));
        board.Asking("ann");
        Assert.Empty(board.Candidates(T0));

        board.Answered("ann");
        Assert.Equal("ann", Assert.Single(board.Candidates(T0)).AgentId);
    }

    [Fact]
    public void Given_a_stale_view_saying_free_when_the_agent_refuses_it_is_marked_busy_until_its_next_view()
    {
        var board = new AgentBoard();
        board.Update(View("ann", 1));

        board.MarkBusy("ann", T0);
        Assert.Empty(board.Candidates(T0 + TimeSpan.FromHours(1)));

        board.Update(View("ann", 2));
        Assert.Single(board.Candidates(T0));
    }

    [Fact]
    public void Given_an_agent_delayed_after_a_no_answer_elsewhere_when_an_older_ask_is_refused_as_delayed_it_is_offered_again_after_the_delay()
    {
        var ann = QueueScene.AgentOf("ann") with { Queues = new Dictionary<string, int> { ["sales"] = 0, ["support"] = 0 } };
        var support = new QueueScene(new QueueSettings { Name = "support" }, ann);
        support.Join("c1");
        var ask = Assert.Single(support.Plan()); // support asks ann ...
        var agent = support.Agents["ann"];
        var sales = new ReservationRequest("sales-1", "sales", new CallerKey("pbx-a", "s1"), TimeSpan.FromSeconds(30), TimeSpan.Zero);
        support.Agent("ann", agent.Decide(sales, support.Now).Granted); // ... but sales got ann first
        support.At(15);
        support.Agent("ann", agent.Release("sales-1", OfferOutcome.NoAnswer, support.Now, support.Settings["ann"])); // delayed 10 s

        Assert.Null(support.Decide(ask)); // support's ask arrives now: refused, Delayed
        support.Queue.AskDone(ask.Caller);
        support.At(25);

        Assert.Equal(["ann"], support.Candidates()); // no view comes when the delay ends: the board must not hide ann
        Assert.NotNull(support.OfferOne());
    }
}
