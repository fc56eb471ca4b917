using Telephony.Domain.Queues;
using Telephony.Domain.Queues.Agents;

namespace Telephony.Domain.Tests.Queues.Agents;

/// <summary>One agent on its own: reservations, delays, auto-pause, logout during a call, wrap-up, time in states.</summary>
public sealed class AgentStateScenarioTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    private static readonly AgentSettings Ann = new()
    {
        Id = "ann", Route = new AgentRoute("pbx-a", "1001"), Queues = new Dictionary<string, int> { ["sales"] = 0 },
        AutoPauseAfter = 3, NoAnswerDelay = TimeSpan.FromSeconds(10),
    };

    private static DateTimeOffset At(int seconds) => T0 + TimeSpan.FromSeconds(seconds);

    private static ReservationRequest Ask(string id, string caller = "c1", int wrapUpSeconds = 0) =>
        new(id, "sales", new CallerKey("pbx-a", caller), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(wrapUpSeconds));

    private static AgentState LoggedIn()
    {
        var agent = new AgentState("ann");
        agent.Apply(agent.SetMembership("sales", 0, At(0))!);
        agent.Apply(agent.Login(At(0))!);
        return agent;
    }

    private static void Apply(AgentState agent, IAgentEvent? e)
    {
        if (e is not null) agent.Apply(e);
    }

    private static void Apply(AgentState agent, IEnumerable<IAgentEvent> events)
    {
        foreach (var e in events) agent.Apply(e);
    }

    private static void Grant(AgentState agent, ReservationRequest ask, int at) => agent.Apply(agent.Decide(ask, At(at)).Granted!);

    [Fact]
    public void Given_a_granted_reservation_deciding_the_same_ask_again_is_already_held_and_the_same_id_for_another_caller_is_refused()
    {
        var agent = LoggedIn();
        Grant(agent, Ask("r1"), 1);

        Assert.Equal(new ReservationDecision(null, null, AlreadyHeld: true), agent.Decide(Ask("r1"), At(2)));
        Assert.Equal(ReservationRefusal.Busy, agent.Decide(Ask("r1", caller: "c2"), At(2)).Refusal);
        Assert.Equal(ReservationRefusal.Busy, agent.Decide(Ask("r2", caller: "c2"), At(2)).Refusal);
        Assert.Equal("r1", agent.Reservation!.ReservationId);
    }

    [Fact]
    public void Given_three_no_answers_in_a_row_the_agent_is_paused_automatically_but_an_answer_in_between_starts_the_count_again()
    {
        var agent = LoggedIn();
        var t = 0;
        void Ring(bool answer)
        {
            t += 20;
            Grant(agent, Ask($"r{t}"), t);
            if (answer)
            {
                Apply(agent, agent.Answer($"r{t}", At(t + 2)));
                Apply(agent, agent.EndCall($"r{t}", At(t + 5)));
            }
            else Apply(agent, agent.Release($"r{t}", OfferOutcome.NoAnswer, At(t + 5), Ann));
        }

        Ring(false); Ring(false); Ring(true); Ring(false); Ring(false);
        Assert.Equal((AgentStatus.Available, 2), (agent.Status, agent.ConsecutiveNoAnswers));

        Ring(false);
        Assert.Equal(AgentStatus.OnBreak, agent.Status);
        Assert.StartsWith("auto-pause: 3", agent.BreakReason);
        Assert.Equal(ReservationRefusal.OnBreak, agent.Decide(Ask("next"), At(t + 60)).Refusal);
        Assert.Equal(5, agent.NoAnswers);

        Apply(agent, agent.Unpause(At(t + 60)));
        Assert.Equal(0, agent.ConsecutiveNoAnswers);
        Assert.NotNull(agent.Decide(Ask("next"), At(t + 60)).Granted);
    }

    [Fact]
    public void Given_a_phone_that_answers_busy_every_time_the_agent_is_paused_after_three_offers_unless_told_not_to()
    {
        // A do-not-disturb phone: BUSY at once, every time. Without the pause a longest-idle queue offers it its head
        // caller after every busy delay (the agent never finishes a call, so it stays the longest idle).
        foreach (var (settings, paused) in new[] { (Ann, true), (Ann with { AutoPauseOnBusy = false }, false) })
        {
            var agent = LoggedIn();
            var t = 0;
            void Refuse(OfferOutcome outcome)
            {
                t += 20;
                Grant(agent, Ask($"r{t}"), t);
                Apply(agent, agent.Release($"r{t}", outcome, At(t + 1), settings));
            }

            Refuse(OfferOutcome.Busy); Refuse(OfferOutcome.NoAnswer);
            Assert.Equal(AgentStatus.Available, agent.Status);
            Refuse(OfferOutcome.Unavailable);

            Assert.Equal(paused ? AgentStatus.OnBreak : AgentStatus.Available, agent.Status);
            if (paused) Assert.Equal("auto-pause: 3 offers not taken in a row (1 no answer, 2 busy or unavailable)", agent.BreakReason);
            Assert.Equal((1, 2), (agent.ConsecutiveNoAnswers, agent.ConsecutiveBusy));
        }
    }

    [Fact]
    public void Given_an_agent_on_a_call_when_it_logs_out_the_call_goes_on_but_no_new_offer_is_granted()
    {
        var agent = LoggedIn();
        Grant(agent, Ask("r1"), 1);
        Apply(agent, agent.Answer("r1", At(3)));

        Apply(agent, agent.Logout(At(10), "end of shift"));

        Assert.Equal((AgentStatus.LoggedOut, AgentActivity.OnCall), (agent.Status, agent.ActivityAt(At(10))));
        Assert.Equal(ReservationRefusal.Busy, agent.Decide(Ask("r2", "c2"), At(11)).Refusal);
        Apply(agent, agent.EndCall("r1", At(63)));
        Assert.Equal((1, TimeSpan.FromSeconds(60)), (agent.Calls, agent.TalkTime));
        Assert.Equal(ReservationRefusal.LoggedOut, agent.Decide(Ask("r2", "c2"), At(64)).Refusal);
        Assert.False(AgentView.Of(agent, Ann, "sales", At(64), 1).CanTakeCallAt(At(64)));
    }

    [Fact]
    public void Given_a_call_with_30s_wrap_up_the_agent_refuses_while_wrapping_up_and_grants_once_it_is_over()
    {
        var agent = LoggedIn();
        Grant(agent, Ask("r1", wrapUpSeconds: 30), 0);
        Apply(agent, agent.Answer("r1", At(5)));
        Apply(agent, agent.EndCall("r1", At(65)));

        Assert.Equal(AgentActivity.WrapUp, agent.ActivityAt(At(94)));
        Assert.Equal(ReservationRefusal.WrappingUp, agent.Decide(Ask("r2", "c2"), At(94)).Refusal);
        Assert.Equal(AgentActivity.Idle, agent.ActivityAt(At(95)));
        Assert.NotNull(agent.Decide(Ask("r2", "c2"), At(95)).Granted);
        Assert.True(AgentView.Of(agent, Ann, "sales", At(70), 1).CanTakeCallAt(At(95))); // the view made in wrap-up knows when it ends
    }

    [Fact]
    public void Given_a_reservation_without_news_it_is_released_at_its_deadline_and_an_answered_one_only_at_the_call_limit()
    {
        var agent = LoggedIn();
        Grant(agent, Ask("r1"), 0); // deadline 30 s
        Assert.Empty(agent.Expire(At(29), Ann, TimeSpan.FromHours(1)));
        var released = Assert.IsType<ReservationReleased>(Assert.Single(agent.Expire(At(30), Ann, TimeSpan.FromHours(1))));
        Assert.Equal((OfferOutcome.Expired, At(30)), (released.Outcome, released.NotBefore));
        agent.Apply(released);
        Assert.NotNull(agent.Decide(Ask("r2"), At(30)).Granted);

        Grant(agent, Ask("r2"), 30);
        Apply(agent, agent.Answer("r2", At(35)));
        Assert.Empty(agent.Expire(At(600), Ann, TimeSpan.FromHours(1)));
        Assert.IsType<AgentCallEnded>(Assert.Single(agent.Expire(At(35 + 3600), Ann, TimeSpan.FromHours(1))));
    }

    [Fact]
    public void Given_a_logged_out_agent_a_pause_does_not_put_it_on_break_so_an_unpause_cannot_make_it_available_without_logging_in()
    {
        var agent = new AgentState("ann");
        agent.Apply(agent.SetMembership("sales", 0, At(0))!);

        Assert.Null(agent.Pause(At(1), "lunch"));
        Assert.Null(agent.Unpause(At(2)));
        Assert.Equal(AgentStatus.LoggedOut, agent.Status);
    }

    [Fact]
    public void Given_a_working_day_the_time_in_each_state_adds_up_to_the_elapsed_time()
    {
        var agent = new AgentState("ann");
        agent.Apply(agent.SetMembership("sales", 0, At(0))!);          // logged out 0-10
        Apply(agent, agent.Login(At(10)));                              // idle 10-20
        Grant(agent, Ask("r1", wrapUpSeconds: 30), 20);                 // reserved 20-22
        Apply(agent, agent.Ring("r1", At(22)));                         // ringing 22-25
        Apply(agent, agent.Answer("r1", At(25)));                       // on call 25-85
        Apply(agent, agent.EndCall("r1", At(85)));                      // wrap-up 85-115, then idle 115-130
        Apply(agent, agent.Pause(At(130), "lunch"));                    // on break 130-200

        var states = agent.TimeInStates(At(200));

        Assert.Equal(new Dictionary<string, TimeSpan>
        {
            ["LoggedOut"] = TimeSpan.FromSeconds(10), ["Idle"] = TimeSpan.FromSeconds(25), ["Reserved"] = TimeSpan.FromSeconds(2),
            ["Ringing"] = TimeSpan.FromSeconds(3), ["OnCall"] = TimeSpan.FromSeconds(60), ["WrapUp"] = TimeSpan.FromSeconds(30),
            ["OnBreak"] = TimeSpan.FromSeconds(70),
        }, states);
        Assert.Equal(TimeSpan.FromSeconds(200), states.Values.Aggregate(TimeSpan.Zero, (a, b) => a + b));
    }

    [Fact]
    public void Given_a_call_with_wrap_up_the_time_in_state_counts_from_the_answer_then_from_the_end_of_the_wrap_up()
    {
        var agent = LoggedIn();
        Grant(agent, Ask("r1", wrapUpSeconds: 30), 20);
        Apply(agent, agent.Answer("r1", At(25)));

        Assert.Equal(At(25), agent.StateSinceAt(At(60)));                // on call since the answer
        Apply(agent, agent.EndCall("r1", At(85)));
        Assert.Equal(At(85), agent.StateSinceAt(At(100)));               // in wrap-up since the call ended
        Assert.Equal(("Idle", At(115)), (agent.StateName(At(130)), agent.StateSinceAt(At(130)))); // idle since wrap-up ended by itself
    }

    [Fact]
    public void Given_an_agent_that_logged_out_during_a_call_with_wrap_up_its_time_logged_out_does_not_depend_on_unrelated_events_in_between()
    {
        AgentState Day(bool membershipChangeDuringWrapUp)
        {
            var agent = LoggedIn();
            Grant(agent, Ask("r1", wrapUpSeconds: 30), 0);
            Apply(agent, agent.Answer("r1", At(5)));
            Apply(agent, agent.Logout(At(10), "end of shift"));
            Apply(agent, agent.EndCall("r1", At(65)));                   // wrap-up until 95, logged out
            if (membershipChangeDuringWrapUp) Apply(agent, agent.SetMembership("support", 1, At(80)));
            return agent;
        }

        var plain = Day(false).TimeInStates(At(200));
        var withChange = Day(true).TimeInStates(At(200));

        Assert.Equal(plain, withChange);
        Assert.Equal(TimeSpan.FromSeconds(135), withChange["LoggedOut"]); // 65-200: a logged-out agent is logged out
        Assert.False(withChange.ContainsKey("WrapUp"));
    }
}
