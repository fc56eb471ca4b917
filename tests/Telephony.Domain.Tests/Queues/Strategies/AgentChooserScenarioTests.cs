using Telephony.Domain.Queues.Strategies;

namespace Telephony.Domain.Tests.Queues.Strategies;

/// <summary>One story per strategy: given these agents, this is whom the queue offers the caller to, in this order.</summary>
public sealed class AgentChooserScenarioTests
{
    private static readonly DateTimeOffset Nine = CandidateGen.Epoch; // 2026-01-10 09:00 UTC

    private static AgentCandidate Agent(string id, int order, int penalty = 0, int? endedMinutesAfterNine = null,
        int calls = 0, int talkSeconds = 0) =>
        new(id, penalty, order, endedMinutesAfterNine is { } m ? Nine.AddMinutes(m) : null, calls,
            TimeSpan.FromSeconds(talkSeconds));

    private static string[] Offer(QueueStrategy strategy, string? last, params AgentCandidate[] agents) =>
        AgentChooser.Choose(strategy, agents, last, new Random(42)).Select(a => a.AgentId).ToArray();

    [Fact]
    public void Ring_all_rings_the_whole_lowest_tier_at_once()
    {
        Assert.Equal(["alice", "bob"], Offer(QueueStrategy.RingAll, null,
            Agent("alice", 0), Agent("carol", 1, penalty: 1), Agent("bob", 2)));
    }

    [Fact]
    public void Ring_all_falls_to_the_next_tier_when_no_one_of_a_lower_penalty_is_eligible()
    {
        Assert.Equal(["carol", "dave"], Offer(QueueStrategy.RingAll, null,
            Agent("carol", 0, penalty: 2), Agent("erin", 1, penalty: 5), Agent("dave", 2, penalty: 2)));
    }

    [Fact]
    public void Longest_idle_offers_the_never_called_agent_then_the_one_whose_call_ended_earliest()
    {
        // alice's last call ended at 09:05, bob's at 09:00, carol has had none this session.
        Assert.Equal(["carol", "bob", "alice"], Offer(QueueStrategy.LongestIdle, null,
            Agent("alice", 0, endedMinutesAfterNine: 5), Agent("bob", 1, endedMinutesAfterNine: 0), Agent("carol", 2)));
    }

    [Fact]
    public void Longest_idle_keeps_penalty_tiers_even_for_an_agent_idle_far_longer()
    {
        Assert.Equal(["alice", "bob"], Offer(QueueStrategy.LongestIdle, null,
            Agent("bob", 0, penalty: 1), Agent("alice", 1, endedMinutesAfterNine: 30)));
    }

    [Fact]
    public void Longest_idle_compares_instants_not_clock_readings()
    {
        // 10:00+02:00 is 08:00 UTC: earlier than bob's 09:00 UTC, though the wall clock reads later.
        var alice = new AgentCandidate("alice", 0, 0, new DateTimeOffset(2026, 1, 10, 10, 0, 0, TimeSpan.FromHours(2)), 0, TimeSpan.Zero);
        Assert.Equal(["alice", "bob"], Offer(QueueStrategy.LongestIdle, null, Agent("bob", 1, endedMinutesAfterNine: 0), alice));
    }

    [Fact]
    public void Fewest_calls_offers_the_least_used_agent_and_breaks_ties_by_idle_time()
    {
        // bob and carol took two calls each; carol has been idle longer.
        Assert.Equal(["carol", "bob", "alice"], Offer(QueueStrategy.FewestCalls, null,
            Agent("alice", 0, calls: 5, endedMinutesAfterNine: 1), Agent("bob", 1, calls: 2, endedMinutesAfterNine: 10),
            Agent("carol", 2, calls: 2, endedMinutesAfterNine: 3)));
    }

    [Fact]
    public void Least_talk_time_offers_the_agent_who_has_talked_least()
    {
        Assert.Equal(["bob", "carol", "alice"], Offer(QueueStrategy.LeastTalkTime, null,
            Agent("alice", 0, talkSeconds: 900, calls: 1), Agent("bob", 1, talkSeconds: 120, calls: 9),
            Agent("carol", 2, talkSeconds: 300, calls: 3)));
    }

    [Fact]
    public void Least_talk_time_breaks_ties_by_idle_time()
    {
        Assert.Equal(["bob", "alice"], Offer(QueueStrategy.LeastTalkTime, null,
            Agent("alice", 0, talkSeconds: 60, endedMinutesAfterNine: 7), Agent("bob", 1, talkSeconds: 60, endedMinutesAfterNine: 2)));
    }

    [Fact]
    public void Linear_always_starts_from_the_top_of_the_member_list()
    {
        Assert.Equal(["alice", "bob", "carol"], Offer(QueueStrategy.Linear, "alice",
            Agent("carol", 2, endedMinutesAfterNine: 0), Agent("alice", 0, endedMinutesAfterNine: 50), Agent("bob", 1)));
    }

    [Fact]
    public void Round_robin_resumes_just_after_the_agent_last_offered_to_and_wraps()
    {
        Assert.Equal(["carol", "dave", "alice", "bob"], Offer(QueueStrategy.RoundRobin, "bob",
            Agent("alice", 0), Agent("bob", 1), Agent("carol", 2), Agent("dave", 3)));
    }

    [Fact]
    public void Round_robin_moves_on_past_a_last_offered_agent_who_is_still_busy()
    {
        // bob is on the call he was offered, so he is not eligible: his turn is over all the same, carol is next
        // (member order is the agent ids' ordinal order, as the queue's agent board numbers them).
        Assert.Equal(["carol", "alice"], Offer(QueueStrategy.RoundRobin, "bob", Agent("alice", 0), Agent("carol", 2)));
    }

    [Fact]
    public void Round_robin_uses_the_last_offered_position_in_every_tier()
    {
        // As app_queue's single rrpos: bob (tier 0, position 2) moves the start of tier 1 past position 2 too.
        Assert.Equal(["carol", "alice", "bob", "erin", "dave"], Offer(QueueStrategy.RoundRobin, "bob",
            Agent("alice", 0), Agent("dave", 1, penalty: 1), Agent("bob", 2), Agent("carol", 3), Agent("erin", 4, penalty: 1)));
    }

    [Fact]
    public void Random_gives_each_agent_of_the_tier_a_fair_chance_to_go_first()
    {
        var agents = new[] { Agent("a", 0), Agent("b", 1), Agent("c", 2), Agent("d", 3), Agent("late", 4, penalty: 1) };
        var random = new Random(7); // fixed: the counts below are the same on every run
        var firsts = Enumerable.Range(0, 4000)
            .Select(_ => AgentChooser.Choose(QueueStrategy.Random, agents, null, random)[0].AgentId)
            .CountBy(id => id).ToDictionary();

        Assert.Equal(["a", "b", "c", "d"], firsts.Keys.Order());
        Assert.All(firsts.Values, n => Assert.InRange(n, 850, 1150));
    }

    [Fact]
    public void Weighted_random_favours_the_lower_penalty_without_excluding_the_higher()
    {
        // app_queue's wrandom draws from [0,1000) for penalty 0 and [0,2000) for penalty 1: the penalty-0 agent goes
        // first three times in four, the penalty-1 agent the rest.
        var agents = new[] { Agent("low", 0), Agent("high", 1, penalty: 1) };
        var random = new Random(11);
        var lowFirst = Enumerable.Range(0, 4000)
            .Count(_ => AgentChooser.Choose(QueueStrategy.WeightedRandom, agents, null, random)[0].AgentId == "low");

        Assert.InRange(lowFirst, 2800, 3200);
    }

    [Fact]
    public void Weighted_random_gives_a_heavy_penalty_a_small_chance()
    {
        // Penalty 9 draws from [0,10000): it goes first only when it draws under the penalty-0 draw (about 5%).
        var agents = new[] { Agent("low", 0), Agent("heavy", 1, penalty: 9) };
        var random = new Random(3);
        var heavyFirst = Enumerable.Range(0, 4000)
            .Count(_ => AgentChooser.Choose(QueueStrategy.WeightedRandom, agents, null, random)[0].AgentId == "heavy");

        Assert.InRange(heavyFirst, 120, 280);
    }

    [Fact]
    public void No_candidates_means_no_one_to_offer_to()
    {
        foreach (var strategy in Enum.GetValues<QueueStrategy>())
            Assert.Empty(AgentChooser.Choose(strategy, [], "bob", new Random(1)));
    }

    [Fact]
    public void A_candidate_listed_twice_is_offered_once_at_its_lowest_penalty()
    {
        Assert.Equal(["bob", "alice"], Offer(QueueStrategy.Linear, null,
            Agent("alice", 0, penalty: 1), Agent("bob", 1), Agent("alice", 2, penalty: 3)));
    }

    [Fact]
    public void An_unknown_strategy_value_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            AgentChooser.Choose((QueueStrategy)99, [Agent("alice", 0)], null, new Random(1)));
    }
}
