using Telephony.Domain.Queues;
using Telephony.Domain.Queues.Agents;

namespace Telephony.Domain.Tests.Queues.Agents;

/// <summary>An agent asked by several queues at once gives itself to the best ask.</summary>
public sealed class AgentArbiterTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    private static ReservationRequest Ask(string id, int weight, int priority, int joinedSecondsAgo) =>
        new(id, $"q-{id}", new CallerKey("pbx-a", id), TimeSpan.FromSeconds(30), TimeSpan.Zero, weight, priority,
            T0 - TimeSpan.FromSeconds(joinedSecondsAgo));

    [Fact]
    public void Given_asks_from_queues_of_different_weights_the_heaviest_queue_wins_whatever_the_callers_priority_or_wait()
    {
        var best = AgentArbiter.Best([Ask("light-vip", 0, 9, 600), Ask("heavy", 2, 0, 1), Ask("middle", 1, 9, 900)]);
        Assert.Equal("heavy", best!.ReservationId);
    }

    [Fact]
    public void Given_equal_weights_the_higher_priority_caller_wins_then_the_one_waiting_longest_then_the_lowest_reservation_id()
    {
        Assert.Equal("vip", AgentArbiter.Best([Ask("long", 1, 0, 600), Ask("vip", 1, 5, 1)])!.ReservationId);
        Assert.Equal("long", AgentArbiter.Best([Ask("short", 1, 0, 10), Ask("long", 1, 0, 600)])!.ReservationId);
        Assert.Equal("a", AgentArbiter.Best([Ask("b", 1, 0, 10), Ask("a", 1, 0, 10)])!.ReservationId);
        Assert.Null(AgentArbiter.Best([]));
    }

    [Fact]
    public void Given_an_agent_in_queues_of_weights_0_and_2_an_ask_of_the_lighter_queue_waits_and_one_of_the_heaviest_does_not()
    {
        Assert.True(AgentArbiter.MustWait(Ask("light", 0, 0, 0), heaviestMemberWeight: 2));
        Assert.False(AgentArbiter.MustWait(Ask("heavy", 2, 0, 0), heaviestMemberWeight: 2));
        Assert.False(AgentArbiter.MustWait(Ask("same", 0, 0, 0), heaviestMemberWeight: 0));
    }
}
