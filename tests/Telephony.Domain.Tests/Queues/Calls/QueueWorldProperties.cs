using CsCheck;
using Telephony.Domain.Queues;
using Telephony.Domain.Queues.Agents;
using Telephony.Domain.Queues.Strategies;

namespace Telephony.Domain.Tests.Queues.Calls;

/// <summary>
/// Random interleavings of everything that can happen to queues sharing agents — joins with priorities, plans,
/// grants and refusals decided by the agents themselves, answers, no-answers, busy, hang-ups, timeouts, expiries,
/// logins, pauses, logouts, membership changes, node restarts, queue restarts from a snapshot — with every invariant
/// of <see cref="QueueWorld"/> checked after every step, and at the end no agent left stuck.
/// </summary>
public sealed class QueueWorldProperties
{
    private static readonly string[] QueueNames = ["sales", "support", "vip"];

    /// <summary>Operation kinds by weight; index 0 (what shrinking goes to) only lets time pass.</summary>
    private static readonly StepKind[] Kinds =
    [
        StepKind.Tick,
        .. Enumerable.Repeat(StepKind.Join, 6), .. Enumerable.Repeat(StepKind.Plan, 6), .. Enumerable.Repeat(StepKind.Decide, 7),
        .. Enumerable.Repeat(StepKind.Ring, 2), .. Enumerable.Repeat(StepKind.Answer, 3), .. Enumerable.Repeat(StepKind.LegEnd, 3),
        .. Enumerable.Repeat(StepKind.HangUp, 2), .. Enumerable.Repeat(StepKind.CallEnd, 3),
        StepKind.TimeOuts, StepKind.LeaveIfEmpty, StepKind.Expire, StepKind.Expire, StepKind.Login, StepKind.Login, StepKind.Logout,
        StepKind.Pause, StepKind.Unpause, StepKind.PhoneInUse, StepKind.Membership, StepKind.NodeRestart, StepKind.Restart,
    ];

    private static readonly Gen<Step> GenStep =
        Gen.Select(Gen.Int[0, Kinds.Length - 1], Gen.Int[0, 999], Gen.Int[0, 999], Gen.Int[0, 3], Gen.Int[0, 45],
            (kind, a, b, small, large) => new Step(Kinds[kind], a, b, Kinds[kind] is StepKind.Tick or StepKind.Expire ? large : small));

    private static Gen<QueueSettings> GenQueue(string name, int index, bool ringAllOnly) =>
        Gen.Select(Gen.Int[0, 7], Gen.Int[0, 2], Gen.Int[0, 3], Gen.Int[0, 3], Gen.Int[0, 3], Gen.Int[0, 3], Gen.Int[0, 2],
            (strategy, weight, maxWait, maxLength, refuse, leave, wrapUp) =>
            {
                var chosen = ringAllOnly ? QueueStrategy.RingAll : (QueueStrategy)strategy;
                return new QueueSettings
                {
                    Name = name,
                    Strategy = chosen,
                    Connect = chosen == QueueStrategy.RingAll ? ConnectMode.OriginateBridge : ConnectMode.Redirect,
                    Weight = weight,
                    MaxWait = maxWait == 0 ? null : TimeSpan.FromSeconds(20 * maxWait),
                    OnTimeout = maxWait == 0 ? null
                        : index < QueueNames.Length - 1 && maxWait % 2 == 1 ? new QueueExit(QueueNames[index + 1], null, null)
                        : new QueueExit(null, "vq-timeout", "s"),
                    MaxLength = maxLength == 3 ? 3 : 0,
                    RefuseJoinWhen = (QueueEmptiness)refuse,
                    LeaveWhen = (QueueEmptiness)leave,
                    WrapUp = TimeSpan.FromSeconds(5 * wrapUp),
                    RingTimeout = TimeSpan.FromSeconds(15),
                    ReservationMargin = TimeSpan.FromSeconds(5),
                };
            });

    private static Gen<AgentSettings> GenAgent(int index) =>
        Gen.Select(Gen.Int[-1, 2].Array[QueueNames.Length], Gen.Int[0, 1], Gen.Int[0, 3], Gen.Int[0, 3], Gen.Int[0, 3], Gen.Bool,
            (penalties, node, autoPause, noAnswer, busy, loggedIn) => new AgentSettings
            {
                Id = $"agent-{index + 1}",
                Route = new AgentRoute(QueueWorld.Nodes[node], $"{1001 + index}", $"Local/{1001 + index}@agents"),
                // at least a member of the queue of its own index, so no queue is left without members
                Queues = QueueNames.Select((q, i) => (q, p: i == index % QueueNames.Length && penalties[i] < 0 ? 0 : penalties[i]))
                    .Where(m => m.p >= 0).ToDictionary(m => m.q, m => m.p),
                AutoPauseAfter = autoPause,
                NoAnswerDelay = TimeSpan.FromSeconds(5 * noAnswer),
                BusyDelay = TimeSpan.FromSeconds(5 * busy),
                RejectDelay = TimeSpan.FromSeconds(5),
                LoggedInAtStart = loggedIn,
            });

    private static Gen<WorldSetup> GenWorld(bool ringAllOnly) =>
        Gen.Select(
            Gen.Select(GenQueue(QueueNames[0], 0, ringAllOnly), GenQueue(QueueNames[1], 1, ringAllOnly), GenQueue(QueueNames[2], 2, ringAllOnly)),
            Gen.Select(GenAgent(0), GenAgent(1), GenAgent(2), GenAgent(3), GenAgent(4)),
            Gen.Int[0, 1_000_000],
            (q, a, seed) => new WorldSetup([q.Item1, q.Item2, q.Item3], [a.Item1, a.Item2, a.Item3, a.Item4, a.Item5], seed));

    private static void Run(WorldSetup setup, Step[] steps)
    {
        var world = new QueueWorld(setup);
        world.CheckInvariants();
        foreach (var step in steps) world.Run(step);
        world.DrainAndCheckNobodyIsStuck();
    }

    [Fact]
    public void Given_three_queues_sharing_five_agents_every_invariant_holds_after_every_step_of_any_interleaving() =>
        Gen.Select(GenWorld(ringAllOnly: false), GenStep.Array[20, 160])
            .Sample((setup, steps) => Run(setup, steps), iter: 150, threads: 1,
                print: t => $"{t.Item1}\n{string.Join(" ", t.Item2.AsEnumerable())}");

    [Fact]
    public void Given_ring_all_queues_sharing_agents_no_agent_ever_rings_or_talks_for_two_callers() =>
        Gen.Select(GenWorld(ringAllOnly: true), GenStep.Array[20, 160])
            .Sample((setup, steps) => Run(setup, steps), iter: 100, threads: 1,
                print: t => $"{t.Item1}\n{string.Join(" ", t.Item2.AsEnumerable())}");
}
