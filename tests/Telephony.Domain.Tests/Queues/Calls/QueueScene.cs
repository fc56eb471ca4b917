using Telephony.Domain.Queues;
using Telephony.Domain.Queues.Agents;
using Telephony.Domain.Queues.Calls;

namespace Telephony.Domain.Tests.Queues.Calls;

/// <summary>One queue and its agents for the scenario tests: the clock, the journaled events applied, fresh views
/// on the board after every agent event, and the usual conversations (plan, grant, answer, no-answer) spelled out.</summary>
public sealed class QueueScene
{
    private long _version;
    private int _reservations;

    public QueueScene(QueueSettings queue, params AgentSettings[] agents)
    {
        Queue = new QueueState(queue);
        foreach (var a in agents)
        {
            Settings[a.Id] = a;
            Agents[a.Id] = new AgentState(a.Id);
            foreach (var (q, penalty) in a.Queues) Agent(a.Id, Agents[a.Id].SetMembership(q, penalty, Now));
            if (a.LoggedInAtStart) Agent(a.Id, Agents[a.Id].Login(Now));
        }
    }

    public DateTimeOffset Now { get; private set; } = QueueWorld.Start;

    public QueueState Queue { get; }

    public AgentBoard Board { get; } = new();

    public Dictionary<string, AgentState> Agents { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, AgentSettings> Settings { get; } = new(StringComparer.Ordinal);

    public List<IQueueEvent> Journal { get; } = [];

    public static AgentSettings AgentOf(string id, string queue = "sales", int penalty = 0, bool loggedIn = true) => new()
    {
        Id = id,
        Route = new AgentRoute("pbx-a", id, $"Local/{id}@agents"),
        Queues = new Dictionary<string, int> { [queue] = penalty },
        LoggedInAtStart = loggedIn,
    };

    public void At(int seconds) => Now = QueueWorld.Start + TimeSpan.FromSeconds(seconds);

    public void Agent(string id, IAgentEvent? e)
    {
        if (e is null) return;
        Agents[id].Apply(e);
        var version = ++_version;
        Board.Update(AgentView.Of(Agents[id], Settings[id], Queue.Name, Now, version), Agents[id].Queues.ContainsKey(Queue.Name));
    }

    public void Agent(string id, IEnumerable<IAgentEvent> events)
    {
        foreach (var e in events) Agent(id, e);
    }

    public IQueueEvent? TryJoin(string uniqueId, int priority = 0, string node = "pbx-a")
    {
        var e = Queue.Join(new JoinRequest(new CallerKey(node, uniqueId), $"PJSIP/{uniqueId}", null, uniqueId, null, priority), Now, Board);
        Apply(e);
        return e;
    }

    public CallerKey Join(string uniqueId, int priority = 0, string node = "pbx-a")
    {
        var e = TryJoin(uniqueId, priority, node);
        Assert.IsType<CallerJoined>(e);
        return e!.Caller;
    }

    public IReadOnlyList<ReservationAsk> Plan() => Queue.Plan(Now, Board, new Random(7), () => $"res-{++_reservations}");

    /// <summary>The asked agent decides; a grant becomes a leg. Returns the leg, or null when refused.</summary>
    public AgentOffered? Decide(ReservationAsk ask)
    {
        var agent = Agents[ask.AgentId];
        var request = new ReservationRequest(ask.ReservationId, Queue.Name, ask.Caller, Queue.Settings.ReservationLifetime, Queue.Settings.WrapUp);
        var decision = agent.Decide(request, Now);
        AgentOffered? offer = null;
        if (decision.Granted is { } g)
        {
            Agent(ask.AgentId, g);
            offer = Queue.Granted(ask, Board[ask.AgentId], Now, g.Deadline, Queue.Settings.Connect);
            if (offer is null) Agent(ask.AgentId, agent.Release(g.ReservationId, OfferOutcome.Withdrawn, Now, Settings[ask.AgentId]));
            else Apply(offer);
        }
        else Board.MarkBusy(ask.AgentId, Now);
        Board.Answered(ask.AgentId);
        return offer;
    }

    /// <summary>Plans and lets every asked agent decide; returns the legs.</summary>
    public List<AgentOffered> Offer()
    {
        var asks = Plan();
        var legs = asks.Select(Decide).OfType<AgentOffered>().ToList();
        foreach (var caller in asks.Select(a => a.Caller).Distinct()) Queue.AskDone(caller);
        return legs;
    }

    public AgentOffered OfferOne() => Assert.Single(Offer());

    public void Answer(AgentOffered leg)
    {
        Agent(leg.AgentId, Agents[leg.AgentId].Answer(leg.ReservationId, Now));
        Apply(Queue.Answered(leg.ReservationId, Now));
    }

    public void LegEnds(AgentOffered leg, OfferOutcome outcome)
    {
        Agent(leg.AgentId, Agents[leg.AgentId].Release(leg.ReservationId, outcome, Now, Settings[leg.AgentId]));
        Apply(Queue.LegEnded(leg.ReservationId, outcome, Now));
    }

    public void Apply(IQueueEvent? e)
    {
        if (e is not null) Apply([e]);
    }

    /// <summary>Applies and journals queue events; an ended leg releases its agent, a completed call ends its call.</summary>
    public void Apply(IEnumerable<IQueueEvent> events)
    {
        foreach (var e in events.ToList())
        {
            Queue.Apply(e);
            Journal.Add(e);
            if (e is OfferEnded ended && Agents[ended.AgentId].Reservation?.ReservationId == ended.ReservationId)
                Agent(ended.AgentId, Agents[ended.AgentId].Release(ended.ReservationId, ended.Outcome, Now, Settings[ended.AgentId]));
            if (e is CallCompleted done && Agents[done.AgentId].Reservation is { } r && r.Caller == done.Caller)
                Agent(done.AgentId, Agents[done.AgentId].EndCall(r.ReservationId, Now));
        }
    }

    public List<string> LineIds() => Queue.Line.Select(c => c.Key.UniqueId).ToList();

    public List<string> Candidates() => Board.Candidates(Now).Select(c => c.AgentId).ToList();
}
