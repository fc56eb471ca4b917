namespace Telephony.Actors.Queues;

/// <summary>What <c>GET /agents/{id}</c> and <c>pbm agent show</c> print.</summary>
public sealed partial class AgentEntity
{
    private AgentInfo Info()
    {
        var now = DateTimeOffset.UtcNow;
        var r = _agent.Reservation;
        var availableFrom = _agent.AvailableFrom > now ? _agent.AvailableFrom : (DateTimeOffset?)null;
        return new AgentInfo(_agentId, Settings.Name, Settings.Route.Node, Settings.Route.Extension,
            _agent.Status.ToString(), _agent.BreakReason, _agent.ActivityAt(now).ToString(), _agent.StateName(now),
            r is null ? null : new AgentReservationInfo(r.ReservationId, r.Queue, r.Caller.ToString(), r.GrantedAt, r.Deadline, r.AnsweredAt),
            new Dictionary<string, int>(_agent.Queues), _agent.Calls, _agent.TalkTime.TotalSeconds, _agent.NoAnswers,
            _agent.ConsecutiveNoAnswers, _agent.PhoneInUse, availableFrom,
            _agent.TimeInStates(now).ToDictionary(kv => kv.Key, kv => Math.Round(kv.Value.TotalSeconds, 3)), _agent.StateSinceAt(now));
    }
}
