using CsCheck;
using Telephony.Domain.Queues;
using Telephony.Domain.Queues.Agents;

namespace Telephony.Domain.Tests.Queues.Agents;

/// <summary>One agent driven by random decisions at random times: its time in states, its journal and its deadlines.</summary>
public sealed class AgentStateProperties
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    private static readonly AgentSettings Settings = new()
    {
        Id = "ann", Route = new AgentRoute("pbx-a", "1001"), Queues = new Dictionary<string, int> { ["sales"] = 0 },
        AutoPauseAfter = 2, NoAnswerDelay = TimeSpan.FromSeconds(10), BusyDelay = TimeSpan.FromSeconds(7),
    };

    private static readonly TimeSpan CallLimit = TimeSpan.FromMinutes(30);

    /// <summary>(what, a chooser, seconds before it). What: 0 tick, 1 login, 2 logout, 3 pause, 4 unpause, 5 ask,
    /// 6 ring, 7 answer, 8 end the call, 9 release with an outcome, 10 expire.</summary>
    private static readonly Gen<(int What, int Pick, int Seconds)[]> GenTimeline =
        Gen.Select(Gen.Int[0, 10], Gen.Int[0, 99], Gen.Int[0, 40]).Array[1, 60];

    private static List<IAgentEvent> Decide(AgentState agent, (int What, int Pick, int Seconds) step, DateTimeOffset now, int index)
    {
        var held = agent.Reservation?.ReservationId ?? "none";
        List<IAgentEvent?> events = step.What switch
        {
            1 => [agent.Login(now)],
            2 => [agent.Logout(now, null)],
            3 => [agent.Pause(now, step.Pick % 2 == 0 ? "lunch" : "meeting")],
            4 => [agent.Unpause(now)],
            5 => [agent.Decide(new ReservationRequest($"r{index}", "sales", new CallerKey("pbx-a", $"c{index}"),
                TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(step.Pick % 3 * 10)), now).Granted],
            6 => [agent.Ring(held, now)],
            7 => [agent.Answer(held, now)],
            8 => [agent.EndCall(held, now)],
            9 => [.. agent.Release(held, (OfferOutcome)(step.Pick % 8), now, Settings)],
            10 => [.. agent.Expire(now, Settings, CallLimit)],
            _ => [],
        };
        return events.OfType<IAgentEvent>().ToList();
    }

    /// <summary>Runs the timeline; with <paramref name="unrelatedAt"/> a membership change for another queue is
    /// journaled before that step. Returns the agent, its journal and the end time.</summary>
    private static (AgentState Agent, List<IAgentEvent> Journal, DateTimeOffset End) Run((int What, int Pick, int Seconds)[] timeline,
        int? unrelatedAt = null, Action<AgentState, AgentReservation?, DateTimeOffset>? afterEach = null)
    {
        var agent = new AgentState("ann");
        var journal = new List<IAgentEvent> { new AgentMembershipChanged(T0, "sales", 0) };
        agent.Apply(journal[0]);
        var now = T0;
        for (var i = 0; i < timeline.Length; i++)
        {
            now += TimeSpan.FromSeconds(timeline[i].Seconds);
            if (i == unrelatedAt)
            {
                journal.Add(agent.SetMembership("support", 1 + journal.Count, now)!);
                agent.Apply(journal[^1]);
            }
            var before = agent.Reservation;
            foreach (var e in Decide(agent, timeline[i], now, i))
            {
                agent.Apply(e);
                journal.Add(e);
            }
            afterEach?.Invoke(agent, before, now);
        }
        return (agent, journal, now);
    }

    private static string States(AgentState agent, DateTimeOffset now) =>
        string.Join(", ", agent.TimeInStates(now).Where(s => s.Value > TimeSpan.Zero).OrderBy(s => s.Key, StringComparer.Ordinal)
            .Select(s => $"{s.Key} {s.Value.TotalSeconds}s"));

    [Fact]
    public void Given_any_timeline_the_time_in_states_adds_up_to_the_elapsed_time_and_replaying_the_journal_gives_the_same_agent() =>
        GenTimeline.Sample(timeline =>
        {
            var (agent, journal, end) = Run(timeline);
            var total = agent.TimeInStates(end).Values.Aggregate(TimeSpan.Zero, (a, b) => a + b);
            Assert.Equal(end - T0, total);

            var replayed = new AgentState("ann");
            foreach (var e in journal) replayed.Apply(e);
            Assert.Equal((agent.Status, agent.Reservation, agent.AvailableFrom, agent.ConsecutiveNoAnswers, agent.Calls, agent.TalkTime),
                (replayed.Status, replayed.Reservation, replayed.AvailableFrom, replayed.ConsecutiveNoAnswers, replayed.Calls, replayed.TalkTime));
            Assert.Equal(States(agent, end), States(replayed, end));
        }, iter: 3000, threads: 1);

    [Fact]
    public void Given_any_timeline_journaling_a_membership_change_of_another_queue_in_between_does_not_change_the_time_in_states() =>
        Gen.Select(GenTimeline, Gen.Int[0, 59]).Sample((timeline, at) =>
        {
            var (plain, _, end) = Run(timeline);
            var (withUnrelated, _, _) = Run(timeline, unrelatedAt: at % timeline.Length);
            Assert.Equal(States(plain, end), States(withUnrelated, end));
        }, iter: 3000, threads: 1);

    [Fact]
    public void Given_any_timeline_an_unanswered_reservation_past_its_deadline_is_released_by_expire_and_nothing_is_held_forever() =>
        GenTimeline.Sample(timeline =>
        {
            var (agent, _, end) = Run(timeline, afterEach: (agent, _, now) =>
            {
                if (agent.Reservation is { AnsweredAt: null } r && now >= r.Deadline)
                    Assert.Contains(agent.Expire(now, Settings, CallLimit), e => e is ReservationReleased { Outcome: OfferOutcome.Expired });
            });
            var later = end + CallLimit;
            foreach (var e in agent.Expire(later, Settings, CallLimit)) agent.Apply(e);
            Assert.Null(agent.Reservation);
            if (agent.Status == AgentStatus.Available)
                Assert.NotNull(agent.Decide(new ReservationRequest("probe", "sales", new CallerKey("pbx-a", "p"), TimeSpan.FromSeconds(20),
                    TimeSpan.Zero), later + TimeSpan.FromMinutes(1)).Granted);
        }, iter: 3000, threads: 1);

    [Fact]
    public void Given_any_timeline_recovering_from_a_snapshot_taken_anywhere_gives_the_agent_a_full_replay_gives() =>
        Gen.Select(GenTimeline, Gen.Int[0, 99]).Sample((timeline, at) =>
        {
            var (agent, journal, end) = Run(timeline);
            var cut = at % journal.Count;
            var upToCut = new AgentState("ann");
            foreach (var e in journal.Take(cut)) upToCut.Apply(e);

            // What the snapshot store would hand back: serialized and read again.
            var stored = System.Text.Json.JsonSerializer.Deserialize<AgentSnapshot>(
                System.Text.Json.JsonSerializer.Serialize(upToCut.Snapshot(), SnapshotJson), SnapshotJson)!;
            var recovered = AgentState.FromSnapshot(stored);
            foreach (var e in journal.Skip(cut)) recovered.Apply(e);

            Assert.Equal(System.Text.Json.JsonSerializer.Serialize(agent.Snapshot(), SnapshotJson),
                System.Text.Json.JsonSerializer.Serialize(recovered.Snapshot(), SnapshotJson));
            Assert.Equal(States(agent, end), States(recovered, end));
            Assert.Equal(agent.StateName(end), recovered.StateName(end));
            var probe = new ReservationRequest("probe", "sales", new CallerKey("pbx-a", "p"), TimeSpan.FromSeconds(20), TimeSpan.Zero);
            Assert.Equal(agent.Decide(probe, end).Granted is null, recovered.Decide(probe, end).Granted is null);
        }, iter: 3000, threads: 1);

    private static readonly System.Text.Json.JsonSerializerOptions SnapshotJson = new()
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };
}
