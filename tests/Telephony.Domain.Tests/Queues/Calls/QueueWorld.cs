using Telephony.Domain.Queues;
using Telephony.Domain.Queues.Agents;
using Telephony.Domain.Queues.Calls;
using Telephony.Domain.Queues.Strategies;

namespace Telephony.Domain.Tests.Queues.Calls;

public enum StepKind
{
    Tick, Join, Plan, Decide, Ring, Answer, LegEnd, HangUp, CallEnd, TimeOuts, LeaveIfEmpty, Expire,
    Login, Logout, Pause, Unpause, PhoneInUse, Membership, NodeRestart, Restart,
}

/// <summary>One generated operation: what happens, two choosers (which queue / caller / leg / agent, which
/// outcome) and how many seconds pass before it.</summary>
public sealed record Step(StepKind Kind, int A, int B, int Seconds)
{
    public override string ToString() => $"+{Seconds}s {Kind}({A},{B})";
}

public sealed record WorldSetup(IReadOnlyList<QueueSettings> Queues, IReadOnlyList<AgentSettings> Agents, int Seed)
{
    public override string ToString() =>
        string.Join("; ", Queues.Select(q => $"{q.Name}:{q.Strategy} w{q.Weight} max{q.MaxLength} wait{q.MaxWait?.TotalSeconds} "
                                             + $"refuse{q.RefuseJoinWhen} leave{q.LeaveWhen} wrap{q.WrapUp.TotalSeconds} exit {q.OnTimeout}"))
        + " | " + string.Join("; ", Agents.Select(a => $"{a.Id}@{a.Route.Node} [{string.Join(",", a.Queues.Select(m => $"{m.Key}={m.Value}"))}] "
                                                        + $"auto{a.AutoPauseAfter} na{a.NoAnswerDelay.TotalSeconds} in{a.LoggedInAtStart}"))
        + $" | seed {Seed}";
}

public sealed record PendingAsk(string Queue, ReservationAsk Ask);

/// <summary>
/// Several queue entities and agent entities wired together the way the actors will be, minus the messaging: every
/// decision's events are applied and journaled, agent views go to every member queue's board after each agent event,
/// asks wait in <see cref="Pending"/> until an agent decides them. <see cref="CheckInvariants"/> runs after every step.
/// </summary>
public sealed partial class QueueWorld
{
    public static readonly DateTimeOffset Start = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);
    public static readonly string[] Nodes = ["pbx-a", "pbx-b"];
    public static readonly TimeSpan CallLimit = TimeSpan.FromHours(2);

    private static readonly OfferOutcome[] LegOutcomes =
        [OfferOutcome.NoAnswer, OfferOutcome.Busy, OfferOutcome.Rejected, OfferOutcome.Unavailable];

    private readonly Random _random;
    private readonly List<string> _queueNames;
    private readonly List<string> _agentIds;
    private long _version;
    private int _reservations;
    private int _callers;

    public QueueWorld(WorldSetup setup)
    {
        _random = new Random(setup.Seed);
        _queueNames = setup.Queues.Select(q => q.Name).ToList();
        _agentIds = setup.Agents.Select(a => a.Id).ToList();
        foreach (var q in setup.Queues)
        {
            Queues[q.Name] = new QueueState(q);
            Boards[q.Name] = new AgentBoard();
            QueueJournals[q.Name] = [];
            ModelLines[q.Name] = [];
            Fates[q.Name] = [];
        }
        foreach (var a in setup.Agents)
        {
            AgentSettings[a.Id] = a;
            Agents[a.Id] = new AgentState(a.Id);
            AgentJournals[a.Id] = [];
            foreach (var (queue, penalty) in a.Queues) Agent(a.Id, Agents[a.Id].SetMembership(queue, penalty, Now));
            if (a.LoggedInAtStart) Agent(a.Id, Agents[a.Id].Login(Now));
            if (AgentJournals[a.Id].Count == 0) Agent(a.Id, new AgentLoggedOut(Now, "start")); // starts its clock
        }
    }

    public DateTimeOffset Now { get; private set; } = Start;

    public Dictionary<string, AgentSettings> AgentSettings { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, AgentState> Agents { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, List<IAgentEvent>> AgentJournals { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, QueueState> Queues { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, AgentBoard> Boards { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, List<IQueueEvent>> QueueJournals { get; } = new(StringComparer.Ordinal);

    public List<PendingAsk> Pending { get; } = [];

    public List<string> Log { get; } = [];

    public void Run(Step step)
    {
        Now += TimeSpan.FromSeconds(step.Seconds);
        Log.Add(step.ToString());
        var queue = _queueNames[step.A % _queueNames.Count];
        var agent = _agentIds[step.A % _agentIds.Count];
        switch (step.Kind)
        {
            case StepKind.Join: Join(queue, NewCaller(step.B)); break;
            case StepKind.Plan: Plan(queue); break;
            case StepKind.Decide:
                if (Pending.Count == 0) break;
                var picked = Pending[step.A % Pending.Count];
                Decide(picked.Ask.AgentId, step.B % 2 == 0 ? null : picked.Ask.ReservationId);
                break;
            case StepKind.Ring: if (Pick(Legs(), step.A) is { } ring) Agent(ring.AgentId, Agents[ring.AgentId].Ring(ring.ReservationId, Now)); break;
            case StepKind.Answer: if (Pick(Legs(), step.A) is { } answer) Answer(answer); break;
            case StepKind.LegEnd: if (Pick(Legs(), step.A) is { } leg) EndLeg(leg, LegOutcomes[step.B % LegOutcomes.Length]); break;
            case StepKind.HangUp:
                if (Pick(AllCallers(), step.A) is { } hung) Queue(hung.Queue, Queues[hung.Queue].CallerHungUp(hung.Key, Now));
                break;
            case StepKind.CallEnd:
                if (Pick(AllCallers().Where(c => Queues[c.Queue].Find(c.Key)?.Connection is not null).ToList(), step.A) is { } done)
                    Queue(done.Queue, [Queues[done.Queue].CallEnded(done.Key, Now, byAgent: step.B % 2 == 0)!]);
                break;
            case StepKind.TimeOuts: TimeOuts(queue); break;
            case StepKind.LeaveIfEmpty: Queue(queue, Queues[queue].LeaveIfEmpty(Now, Boards[queue])); break;
            case StepKind.Expire: Expire(agent); break;
            case StepKind.Login: Agent(agent, Agents[agent].Login(Now)); break;
            case StepKind.Logout: Agent(agent, Agents[agent].Logout(Now, "end of shift")); break;
            case StepKind.Pause: Agent(agent, Agents[agent].Pause(Now, step.B % 2 == 0 ? "lunch" : "meeting")); break;
            case StepKind.Unpause: Agent(agent, Agents[agent].Unpause(Now)); break;
            case StepKind.PhoneInUse: Agents[agent].PhoneInUse = !Agents[agent].PhoneInUse; SendViews(agent); break;
            case StepKind.Membership:
                var member = _queueNames[step.B % _queueNames.Count];
                var penalty = step.B / _queueNames.Count % 4;
                Agent(agent, Agents[agent].SetMembership(member, penalty == 3 ? null : penalty, Now));
                break;
            case StepKind.NodeRestart: NodeRestarted(Nodes[step.A % Nodes.Length]); break;
            case StepKind.Restart: Restart(queue, orphanGrants: step.B % 2 == 1); break;
        }
        CheckInvariants();
    }

    // ---------------------------------------------------------------- the entities' conversations

    private JoinRequest NewCaller(int b) =>
        new(new CallerKey(Nodes[b % Nodes.Length], $"1772442000.{++_callers}"), $"PJSIP/caller-{_callers}", null,
            $"555{_callers:0000}", null, Priority: b / 2 % 3);

    public void Join(string queue, JoinRequest request)
    {
        if (Queues[queue].Join(request, Now, Boards[queue]) is { } e) Queue(queue, [e]);
    }

    private void Plan(string queue)
    {
        var q = Queues[queue];
        var board = Boards[queue];
        var asking = Pending.Where(p => p.Queue == queue).Select(p => p.Ask.Caller).ToHashSet();
        var waiting = q.Line.Where(c => c.Phase == CallerPhase.Waiting && !asking.Contains(c.Key)).Select(c => c.Key).ToList();
        var candidates = board.Candidates(Now);
        var asks = q.Plan(Now, board, _random, () => $"res-{++_reservations}");
        CheckPlan(queue, waiting, candidates, asks);
        Pending.AddRange(asks.Select(a => new PendingAsk(queue, a)));
    }

    /// <summary>The agent answers every ask waiting for it, the best first (<see cref="AgentArbiter"/>): at most one
    /// is granted. With <paramref name="only"/> it answers that ask alone (the others arrive later).</summary>
    public void Decide(string agentId, string? only = null)
    {
        var agent = Agents[agentId];
        var asks = Pending.Where(p => p.Ask.AgentId == agentId && (only is null || p.Ask.ReservationId == only))
            .ToDictionary(p => p.Ask.ReservationId);
        var requests = asks.Values.Select(p => Request(p)).ToList();
        while (AgentArbiter.Best(requests) is { } best)
        {
            requests.Remove(best);
            var pending = asks[best.ReservationId];
            var (q, board) = (Queues[pending.Queue], Boards[pending.Queue]);
            var decision = agent.Decide(best, Now);
            if (decision.Granted is { } granted)
            {
                Agent(agentId, granted);
                Require(agent.Decide(best, Now) is { AlreadyHeld: true, Granted: null }, "a repeated ask is not already held");
                Require(agent.Decide(best with { Caller = new CallerKey("pbx-x", "other") }, Now).Refusal == ReservationRefusal.Busy,
                    "the same reservation id for another caller is not refused");
                var offer = q.Granted(pending.Ask, board[agentId], Now, granted.Deadline, q.Settings.Connect);
                if (offer is null) Agent(agentId, agent.Release(granted.ReservationId, OfferOutcome.Withdrawn, Now, AgentSettings[agentId]));
                else Queue(pending.Queue, [offer]);
            }
            else board.MarkBusy(agentId, Now);
            board.Answered(agentId);
            Pending.Remove(pending);
            if (!Pending.Any(p => p.Queue == pending.Queue && p.Ask.Caller == pending.Ask.Caller)) q.AskDone(pending.Ask.Caller);
        }
    }

    private ReservationRequest Request(PendingAsk p)
    {
        var q = Queues[p.Queue];
        var caller = q.Find(p.Ask.Caller);
        return new ReservationRequest(p.Ask.ReservationId, p.Queue, p.Ask.Caller, q.Settings.ReservationLifetime,
            q.Settings.WrapUp, q.Settings.Weight, caller?.Priority ?? 0, caller?.JoinedAt ?? default);
    }

    private void Answer(Leg leg)
    {
        Agent(leg.AgentId, Agents[leg.AgentId].Answer(leg.ReservationId, Now, AgentSettings[leg.AgentId].Route.Node, $"agent-{leg.ReservationId}"));
        Queue(leg.Queue, Queues[leg.Queue].Answered(leg.ReservationId, Now, $"linked-{leg.ReservationId}"));
    }

    private void EndLeg(Leg leg, OfferOutcome outcome)
    {
        Agent(leg.AgentId, Agents[leg.AgentId].Release(leg.ReservationId, outcome, Now, AgentSettings[leg.AgentId]));
        if (Queues[leg.Queue].LegEnded(leg.ReservationId, outcome, Now) is { } ended) Queue(leg.Queue, [ended]);
    }

    private void TimeOuts(string queue)
    {
        var settings = Queues[queue].Settings;
        var events = Queues[queue].TimeOuts(Now);
        foreach (var left in events.OfType<CallerLeft>())
        {
            Require(left.Reason == LeaveReason.TimedOut && left.Exit == settings.OnTimeout, $"{left} is not a timeout to {settings.OnTimeout}");
            Require(Now - Queues[queue].Find(left.Caller)!.JoinedAt >= settings.MaxWait!.Value, $"{left} before MaxWait");
        }
        Queue(queue, events);
    }

    public void Expire(string agentId)
    {
        var agent = Agents[agentId];
        var held = agent.Reservation;
        Agent(agentId, agent.Expire(Now, AgentSettings[agentId], CallLimit));
        if (held is { AnsweredAt: null } && Now >= held.Deadline)
            Require(agent.Reservation is null, $"{agentId} still holds {held} past its deadline");
        if (held is null || agent.Reservation is not null) return;
        foreach (var (name, q) in Queues)
        {
            if (q.LegEnded(held.ReservationId, OfferOutcome.Expired, Now) is { } ended) Queue(name, [ended]);
            if (q.Find(held.Caller)?.Connection?.ReservationId == held.ReservationId)
                Queue(name, [q.CallEnded(held.Caller, Now, byAgent: true)!]);
        }
    }

    private void NodeRestarted(string node)
    {
        foreach (var name in _queueNames) Queue(name, Queues[name].NodeRestarted(node, Now));
        Require(AllCallers().All(c => c.Key.Node != node), $"a caller of {node} is still queued after its restart");
    }

    /// <summary>The queue entity restarts from its snapshot: in-flight asks are lost (with <paramref name="orphanGrants"/>
    /// the agents had granted them, and only the deadline frees them) and the board is rebuilt from fresh views.</summary>
    private void Restart(string queue, bool orphanGrants)
    {
        var restored = new QueueState(Queues[queue].Settings);
        restored.Restore(Queues[queue].Snapshot());
        foreach (var lost in Pending.Where(p => p.Queue == queue).ToList())
        {
            if (orphanGrants && Agents[lost.Ask.AgentId].Decide(Request(lost), Now).Granted is { } g) Agent(lost.Ask.AgentId, g);
            Pending.Remove(lost);
        }
        Queues[queue] = restored;
        Boards[queue] = new AgentBoard();
        foreach (var id in _agentIds) SendViews(id);
    }

    // ---------------------------------------------------------------- journaling

    private void Agent(string agentId, IAgentEvent? e)
    {
        if (e is null) return;
        Agents[agentId].Apply(e);
        AgentJournals[agentId].Add(e);
        SendViews(agentId);
    }

    private void Agent(string agentId, IEnumerable<IAgentEvent> events)
    {
        foreach (var e in events) Agent(agentId, e);
    }

    private void SendViews(string agentId)
    {
        var agent = Agents[agentId];
        var version = ++_version;
        foreach (var (name, board) in Boards)
            board.Update(AgentView.Of(agent, AgentSettings[agentId], name, Now, version), member: agent.Queues.ContainsKey(name));
    }

    /// <summary>Applies and journals a queue's events, and tells the agents what they mean for them: an ended leg
    /// releases the agent, a completed call ends its call, a timeout into another queue joins that queue.</summary>
    private void Queue(string queue, IEnumerable<IQueueEvent> events)
    {
        var batch = events.ToList();
        _lineBeforeBatch[queue] = Expected(queue);
        foreach (var e in batch)
        {
            var joined = Queues[queue].Find(e.Caller)?.Joined;
            Model(queue, e);
            Queues[queue].Apply(e);
            QueueJournals[queue].Add(e);
            switch (e)
            {
                case OfferEnded ended when Agents[ended.AgentId].Reservation?.ReservationId == ended.ReservationId:
                    Agent(ended.AgentId, Agents[ended.AgentId].Release(ended.ReservationId, ended.Outcome, Now, AgentSettings[ended.AgentId]));
                    break;
                case CallCompleted done when Agents[done.AgentId].Reservation is { } r && r.Queue == queue && r.Caller == done.Caller:
                    Agent(done.AgentId, Agents[done.AgentId].EndCall(r.ReservationId, Now));
                    break;
                case CallerLeft { Exit.Queue: { } target } when joined is not null && Queues.ContainsKey(target):
                    Join(target, new JoinRequest(joined.Caller, joined.Channel, joined.LinkedId, joined.CallerIdNum,
                        joined.CallerIdName, joined.Priority, From: queue));
                    break;
            }
        }
    }

    // ---------------------------------------------------------------- what can be picked

    public sealed record Leg(string Queue, CallerKey Caller, string ReservationId, string AgentId);

    public sealed record Queued(string Queue, CallerKey Key);

    public List<Leg> Legs() =>
        [.. from name in _queueNames
            from caller in Queues[name].Line
            from offer in caller.Offers.OrderBy(o => o.ReservationId, StringComparer.Ordinal)
            select new Leg(name, caller.Key, offer.ReservationId, offer.AgentId)];

    public List<Queued> AllCallers() =>
        [.. from name in _queueNames
            from caller in Queues[name].Line.Concat(Queues[name].Connected.OrderBy(c => c.Sequence))
            select new Queued(name, caller.Key)];

    private static T? Pick<T>(List<T> items, int index) where T : class => items.Count == 0 ? null : items[index % items.Count];
}
