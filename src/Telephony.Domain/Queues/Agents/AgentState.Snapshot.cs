namespace Telephony.Domain.Queues.Agents;

/// <summary>An agent as its journal left it, so that recovery need not replay a whole day of offers: everything
/// <see cref="AgentState.Apply"/> keeps. The phone's device state is not journaled and not in it.</summary>
public sealed record AgentSnapshot(
    string AgentId, AgentStatus Status, string? BreakReason, AgentReservation? Reservation, bool Ringing,
    DateTimeOffset NotBefore, DateTimeOffset? LastCallEndedAt, int ConsecutiveNoAnswers, int ConsecutiveBusy, int Calls,
    TimeSpan TalkTime, int NoAnswers, IReadOnlyDictionary<string, int> Queues,
    IReadOnlyDictionary<string, AgentQueueTotals> PerQueue, IReadOnlyDictionary<string, TimeSpan> TimeIn,
    DateTimeOffset? StateSince, DateTimeOffset WrapUpUntil);

public sealed partial class AgentState
{
    public AgentSnapshot Snapshot() => new(AgentId, Status, BreakReason, Reservation,
        Reservation is { } r && _ringing.Contains(r.ReservationId), NotBefore, LastCallEndedAt, ConsecutiveNoAnswers,
        ConsecutiveBusy, Calls, TalkTime, NoAnswers, new Dictionary<string, int>(_queues, StringComparer.Ordinal),
        new Dictionary<string, AgentQueueTotals>(_perQueue, StringComparer.Ordinal),
        new Dictionary<string, TimeSpan>(_timeIn, StringComparer.Ordinal), _stateSince, _wrapUpUntil);

    public static AgentState FromSnapshot(AgentSnapshot s)
    {
        var agent = new AgentState(s.AgentId)
        {
            Status = s.Status, BreakReason = s.BreakReason, Reservation = s.Reservation, NotBefore = s.NotBefore,
            LastCallEndedAt = s.LastCallEndedAt, ConsecutiveNoAnswers = s.ConsecutiveNoAnswers,
            ConsecutiveBusy = s.ConsecutiveBusy, Calls = s.Calls, TalkTime = s.TalkTime, NoAnswers = s.NoAnswers,
            _stateSince = s.StateSince, _wrapUpUntil = s.WrapUpUntil,
        };
        foreach (var (queue, penalty) in s.Queues) agent._queues[queue] = penalty;
        foreach (var (queue, totals) in s.PerQueue) agent._perQueue[queue] = totals;
        foreach (var (state, span) in s.TimeIn) agent._timeIn[state] = span;
        if (s.Ringing && s.Reservation is { } r) agent._ringing.Add(r.ReservationId);
        return agent;
    }
}
