using System.Diagnostics;
using Telephony.Actors.Queues;
using Telephony.Domain.Queues;
using Telephony.Domain.Queues.Agents;
using Telephony.Domain.Queues.Calls;
using Telephony.Simulator.Queue;

namespace Telephony.Benchmarks;

internal static partial class DistributionBenchmark
{
    /// <summary>
    /// The raw limit: the same decisions by the pure domain alone, in one thread, nothing journaled or sent. The
    /// same callers (arrival times, queues, priorities, patience) and agents (memberships, behaviours, delays) on a
    /// virtual clock; each round joins the callers due, plays what is due (answers, ends, no-answers, busies,
    /// abandons), then plans every queue and settles each ask at once as the agent entity and queue entity would:
    /// Decide + Apply (grant), Granted + Apply (offer), Ring; every change of an agent goes to the boards of its
    /// queues as a new <see cref="AgentView"/>, as the agent entity tells its queues. Counted: offers made
    /// (= assignments, one per connect Redirect in the cluster), per second of wall time.
    /// </summary>
    private static class PureDomain
    {
        internal sealed record Result(long Offers, long Connected, long NoAnswers, long Busy, long Abandoned, long Refused, double Seconds,
            long Rounds, TimeSpan Step)
        {
            public double PerSecond => Offers / Seconds;
        }

        private sealed class Agent(AgentState state, AgentSettings settings, AgentBehavior behaviour)
        {
            public AgentState State { get; } = state;
            public AgentSettings Settings { get; } = settings;
            public AgentBehavior Behaviour { get; } = behaviour;
        }

        private sealed class Queue(QueueSettings settings, int seed)
        {
            public QueueState State { get; } = new(settings);
            public AgentBoard Board { get; } = new();
            public Random Random { get; } = new(seed);
            public QueueSettings Settings => State.Settings;
        }

        public static Result Run(QueueDirectory directory, IReadOnlyList<AgentBehavior> behaviours, List<Started> callers, Args a, double scale)
        {
            // Warm the JIT on a small copy first, then the measured run.
            Play(directory, behaviours, callers.Take(Math.Min(200, callers.Count)).ToList(), scale, a.Seed);
            return Play(directory, behaviours, callers, scale, a.Seed);
        }

        private static Result Play(QueueDirectory directory, IReadOnlyList<AgentBehavior> behaviours, List<Started> callers, double scale, int seed)
        {
            var step = TimeSpan.FromMilliseconds(1);
            var now = new DateTimeOffset(2026, 12, 2, 0, 0, 0, TimeSpan.Zero);
            var t0 = now;
            var queues = directory.Queues.ToDictionary(q => q.Name, q => new Queue(q, seed), StringComparer.Ordinal);
            var agents = new Dictionary<string, Agent>(StringComparer.Ordinal);
            var timers = new PriorityQueue<Action, (DateTimeOffset, long)>();
            long order = 0, version = 0, offers = 0, connected = 0, noAnswers = 0, busy = 0, abandoned = 0, refused = 0, rounds = 0, asked = 0;
            var ringTimeout = TimeSpan.FromSeconds(15 * scale);

            void At(DateTimeOffset when, Action what) => timers.Enqueue(what, (when, ++order));

            void Push(Agent agent)
            {
                foreach (var q in agent.State.Queues.Keys)
                    queues[q].Board.Update(AgentView.Of(agent.State, agent.Settings, q, now, ++version));
            }

            void ApplyAgent(Agent agent, IEnumerable<IAgentEvent> events)
            {
                var any = false;
                foreach (var e in events)
                {
                    agent.State.Apply(e);
                    any = true;
                }
                if (any) Push(agent);
            }

            void ApplyQueue(Queue queue, IEnumerable<IQueueEvent> events)
            {
                foreach (var e in events)
                {
                    queue.State.Apply(e);
                    // What the queue entity carries out: the agents of ended legs and completed calls are told.
                    switch (e)
                    {
                        case OfferEnded ended:
                            var a1 = agents[ended.AgentId];
                            ApplyAgent(a1, a1.State.Release(ended.ReservationId, ended.Outcome, now, a1.Settings));
                            break;
                        case CallCompleted done when done.ReservationId is { } r:
                            var a2 = agents[done.AgentId];
                            ApplyAgent(a2, a2.State.EndCall(r, now) is { } end ? [end] : []);
                            break;
                    }
                }
            }

            foreach (var b in behaviours)
            {
                var settings = directory.Agent(b.Id)!;
                var agent = new Agent(new AgentState(b.Id), settings, b);
                agents[b.Id] = agent;
                foreach (var (q, penalty) in settings.Queues) agent.State.Apply(new AgentMembershipChanged(now, q, penalty));
                agent.State.Apply(new AgentLoggedIn(now));
                Push(agent);
            }

            void Offer(Queue queue, ReservationAsk ask)
            {
                var agent = agents[ask.AgentId];
                var caller = queue.State.Find(ask.Caller)!;
                var s = queue.Settings;
                var request = new ReservationRequest(ask.ReservationId, s.Name, ask.Caller, s.ReservationLifetime, s.WrapUp, s.Weight,
                    caller.Priority, caller.JoinedAt);
                var decision = agent.State.Decide(request, now);
                queue.Board.Answered(ask.AgentId);
                if (decision.Granted is not { } granted)
                {
                    refused++;
                    queue.Board.MarkBusy(ask.AgentId, now);
                    queue.State.AskDone(ask.Caller);
                    return;
                }
                ApplyAgent(agent, [granted]);
                var view = AgentView.Of(agent.State, agent.Settings, s.Name, now, ++version);
                queue.Board.Update(view);
                var offered = queue.State.Granted(ask, view, now, now + s.ReservationLifetime, ConnectMode.Redirect);
                queue.State.AskDone(ask.Caller);
                if (offered is null)
                {
                    ApplyAgent(agent, agent.State.Release(ask.ReservationId, OfferOutcome.Withdrawn, now, agent.Settings));
                    return;
                }
                queue.State.Apply(offered with { AgentNode = agent.Settings.Route.Node });
                offers++;
                ApplyAgent(agent, agent.State.Ring(ask.ReservationId, now) is { } ring ? [ring] : []);
                var id = ask.ReservationId;
                var b = agent.Behaviour;
                if (b.Busy)
                {
                    busy++;
                    At(now, () => ApplyQueue(queue, queue.State.LegEnded(id, OfferOutcome.Busy, now) is { } e ? [e] : []));
                }
                else if (b.RingSeconds is not { } ringSeconds)
                {
                    noAnswers++;
                    At(now + ringTimeout, () => ApplyQueue(queue, queue.State.LegEnded(id, OfferOutcome.NoAnswer, now) is { } e ? [e] : []));
                }
                else
                {
                    At(now + TimeSpan.FromSeconds(Math.Min(ringSeconds, 15) * scale), () =>
                    {
                        var answered = queue.State.Answered(id, now);
                        if (answered.Count == 0) return;
                        connected++;
                        ApplyQueue(queue, answered);
                        ApplyAgent(agent, agent.State.Answer(id, now) is { } e ? [e] : []);
                        var key = ask.Caller;
                        At(now + TimeSpan.FromSeconds((b.TalkSeconds + 0.5) * scale), () =>
                            ApplyQueue(queue, queue.State.CallEnded(key, now, byAgent: true) is { } done ? [done] : []));
                    });
                }
            }

            var next = 0;
            var sw = Stopwatch.StartNew();
            while (true)
            {
                rounds++;
                for (; next < callers.Count && t0 + callers[next].Offset <= now; next++)
                {
                    var c = callers[next];
                    var queue = queues[c.Queue];
                    var key = new CallerKey(c.Node, "pure-" + next);
                    var request = new JoinRequest(key, $"Local/vq@queue-in-{next};2", null, "5550100", "Caller", c.Priority);
                    if (queue.State.Join(request, now, queue.Board) is { } joined) ApplyQueue(queue, [joined]);
                    if (c.Patience is { } patience)
                        At(now + patience * scale, () =>
                        {
                            if (queue.State.Find(key) is not { Phase: CallerPhase.Waiting }) return;
                            abandoned++;
                            ApplyQueue(queue, queue.State.CallerHungUp(key, now));
                        });
                }
                while (timers.TryPeek(out _, out var due) && due.Item1 <= now) timers.Dequeue()();
                var before = offers;
                foreach (var queue in queues.Values)
                    while (true)
                    {
                        var asks = queue.State.Plan(now, queue.Board, queue.Random, () => $"{queue.Settings.Name}:pure:{++asked}");
                        if (asks.Count == 0) break;
                        foreach (var ask in asks) Offer(queue, ask);
                    }
                var waiting = queues.Values.Any(q => q.State.Line.Any(c => c.Phase == CallerPhase.Waiting));
                var stepTo = now + step;
                if (offers == before)
                {
                    // Nothing could be decided: jump to the next thing that can change that (an arrival, something
                    // due, an agent's delay running out).
                    var candidates = new List<DateTimeOffset>();
                    if (next < callers.Count) candidates.Add(t0 + callers[next].Offset);
                    if (timers.TryPeek(out _, out var due2)) candidates.Add(due2.Item1);
                    if (waiting)
                        foreach (var q in queues.Values)
                            if (q.Board.NextAvailableAfter(now) is { } free) candidates.Add(free);
                    if (candidates.Count == 0) break; // all arrived, nothing due, nobody waiting who could still be served
                    if (candidates.Min() > stepTo) stepTo = candidates.Min();
                }
                now = stepTo;
            }
            return new Result(offers, connected, noAnswers, busy, abandoned, refused, sw.Elapsed.TotalSeconds, rounds, step);
        }
    }
}
