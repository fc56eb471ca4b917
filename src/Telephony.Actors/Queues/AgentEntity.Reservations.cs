using Akka.Actor;
using Telephony.Domain.Queues.Agents;

namespace Telephony.Actors.Queues;

/// <summary>Granting reservations: at once when no heavier queue could want the agent, otherwise after a short
/// window in which the best request wins (<see cref="AgentArbiter"/>).</summary>
public sealed partial class AgentEntity
{
    private readonly List<(ReservationRequest Request, IActorRef Queue)> _waiting = [];

    private void Reserve(ReserveAgent r)
    {
        var now = DateTimeOffset.UtcNow;
        var decision = _agent.Decide(r.Request, now);
        if (decision.AlreadyHeld)
        {
            Sender.Tell(Answer(r.Request, granted: true, null, now));
            return;
        }
        if (decision.Granted is null)
        {
            Sender.Tell(Answer(r.Request, granted: false, decision.Refusal, now));
            return;
        }
        if (AgentArbiter.MustWait(r.Request, HeaviestWeight()))
        {
            _waiting.Add((r.Request, Sender));
            if (_waiting.Count == 1) Timers.StartSingleTimer("arbitrate", new ArbitrationDue(), _runtime.ArbitrationWindow);
            return;
        }
        _waiting.Add((r.Request, Sender));
        DecideArbitration();
    }

    /// <summary>Grants the best waiting request and refuses the others (they ask again when they see the view).</summary>
    private void DecideArbitration()
    {
        Timers.Cancel("arbitrate");
        if (_waiting.Count == 0) return;
        var now = DateTimeOffset.UtcNow;
        var best = AgentArbiter.Best(_waiting.Select(w => w.Request));
        var asks = _waiting.ToList();
        _waiting.Clear();
        foreach (var (request, queue) in asks.Where(a => a.Request != best))
            queue.Tell(Answer(request, granted: false, ReservationRefusal.Busy, now));
        var (chosen, chosenQueue) = asks.First(a => a.Request == best);
        var decision = _agent.Decide(chosen, now);
        if (decision.Granted is not { } granted)
        {
            chosenQueue.Tell(Answer(chosen, decision.AlreadyHeld, decision.Refusal, now));
            return;
        }
        Record([granted], () => chosenQueue.Tell(Answer(chosen, granted: true, null, DateTimeOffset.UtcNow)));
    }

    private int HeaviestWeight() =>
        _agent.Queues.Keys.Select(q => _directory.Queue(q)?.Weight ?? 0).DefaultIfEmpty(0).Max();

    private ReservationAnswer Answer(ReservationRequest request, bool granted, ReservationRefusal? refusal, DateTimeOffset now) =>
        new(request.Queue, request.ReservationId, _agentId, granted, View(request.Queue, now), refusal);
}
