namespace Telephony.Domain.Queues.Agents;

/// <summary>
/// One agent: status (set by people), activity (set by the system), the one reservation it has granted, delays,
/// memberships and statistics. Decisions return the events to journal; <see cref="Apply"/> is the only mutator, so
/// a recovered agent is exactly the one that journaled. The invariant the whole call queue rests on lives here: at
/// most one reservation (and so one call) at a time, across every queue and node.
/// </summary>
public sealed partial class AgentState
{
    private readonly Dictionary<string, int> _queues = new(StringComparer.Ordinal);
    private readonly Dictionary<string, AgentQueueTotals> _perQueue = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TimeSpan> _timeIn = new(StringComparer.Ordinal);
    private DateTimeOffset? _stateSince;
    private DateTimeOffset _wrapUpUntil = DateTimeOffset.MinValue;

    public AgentState(string agentId) => AgentId = agentId;

    public string AgentId { get; }

    public AgentStatus Status { get; private set; } = AgentStatus.LoggedOut;

    public string? BreakReason { get; private set; }

    public AgentReservation? Reservation { get; private set; }

    public DateTimeOffset NotBefore { get; private set; } = DateTimeOffset.MinValue;

    public DateTimeOffset? LastCallEndedAt { get; private set; }

    public int ConsecutiveNoAnswers { get; private set; }

    /// <summary>Offers ended busy, unavailable or rejected since the last answered call, login or unpause.</summary>
    public int ConsecutiveBusy { get; private set; }

    public int Calls { get; private set; }

    public TimeSpan TalkTime { get; private set; }

    public int NoAnswers { get; private set; }

    /// <summary>The phone is in use by a call the queues did not make (device state); not journaled.</summary>
    public bool PhoneInUse { get; set; }

    public IReadOnlyDictionary<string, int> Queues => _queues;

    public AgentActivity ActivityAt(DateTimeOffset now) => Reservation switch
    {
        { AnsweredAt: not null } => AgentActivity.OnCall,
        { } r when _ringing.Contains(r.ReservationId) => AgentActivity.Ringing,
        not null => AgentActivity.Reserved,
        null when now < _wrapUpUntil => AgentActivity.WrapUp,
        _ => AgentActivity.Idle,
    };

    private readonly HashSet<string> _ringing = new(StringComparer.Ordinal);

    /// <summary>When the agent can next be offered a call, whatever its status (wrap-up and delays).</summary>
    public DateTimeOffset AvailableFrom => NotBefore > _wrapUpUntil ? NotBefore : _wrapUpUntil;

    public AgentQueueTotals TotalsFor(string queue) => _perQueue.GetValueOrDefault(queue) ?? AgentQueueTotals.Empty;

    /// <summary>Time spent in each state ("LoggedOut", "OnBreak", "Idle", "Reserved", "Ringing", "OnCall", "WrapUp"),
    /// counted up to <paramref name="now"/>.</summary>
    public IReadOnlyDictionary<string, TimeSpan> TimeInStates(DateTimeOffset now)
    {
        var totals = new Dictionary<string, TimeSpan>(_timeIn, StringComparer.Ordinal);
        if (_stateSince is { } since) AddSpan(totals, since, now);
        return totals;
    }

    /// <summary>When the agent entered the state it is in at <paramref name="now"/> (of a wrap-up that ended by itself,
    /// its end); null before any event.</summary>
    public DateTimeOffset? StateSinceAt(DateTimeOffset now) =>
        _stateSince is { } since && Reservation is null && since < _wrapUpUntil && now >= _wrapUpUntil && StateName(since) == "WrapUp"
            ? _wrapUpUntil : _stateSince;

    public string StateName(DateTimeOffset now) => Status switch
    {
        AgentStatus.LoggedOut when Reservation is null => "LoggedOut",
        AgentStatus.OnBreak when Reservation is null && now >= _wrapUpUntil => "OnBreak",
        _ => ActivityAt(now).ToString(),
    };

    // ---------------------------------------------------------------- decisions

    public ReservationDecision Decide(ReservationRequest request, DateTimeOffset now)
    {
        if (Reservation is { } held)
            return held.ReservationId == request.ReservationId && held.Caller == request.Caller
                ? new ReservationDecision(null, null, AlreadyHeld: true)
                : ReservationDecision.Refuse(ReservationRefusal.Busy);
        if (Status == AgentStatus.LoggedOut) return ReservationDecision.Refuse(ReservationRefusal.LoggedOut);
        if (Status == AgentStatus.OnBreak) return ReservationDecision.Refuse(ReservationRefusal.OnBreak);
        if (!_queues.ContainsKey(request.Queue)) return ReservationDecision.Refuse(ReservationRefusal.NotAMember);
        if (now < _wrapUpUntil) return ReservationDecision.Refuse(ReservationRefusal.WrappingUp);
        if (now < NotBefore) return ReservationDecision.Refuse(ReservationRefusal.Delayed);
        if (PhoneInUse) return ReservationDecision.Refuse(ReservationRefusal.PhoneInUse);
        return ReservationDecision.Grant(new ReservationGranted(now, request.ReservationId, request.Queue,
            request.Caller, now + request.Lifetime, request.WrapUp));
    }

    public IAgentEvent? Login(DateTimeOffset now) => Status == AgentStatus.Available ? null : new AgentLoggedIn(now);

    public IAgentEvent? Logout(DateTimeOffset now, string? reason) =>
        Status == AgentStatus.LoggedOut ? null : new AgentLoggedOut(now, reason);

    /// <summary>Only a logged-in agent can go on break (a logged-out one would count as logged in, and an unpause
    /// would make it available without logging in).</summary>
    public IAgentEvent? Pause(DateTimeOffset now, string? reason) =>
        Status == AgentStatus.LoggedOut || (Status == AgentStatus.OnBreak && BreakReason == reason) ? null : new AgentPaused(now, reason);

    /// <summary>Unpausing an agent that is not on break is a no-op; a logged-out agent must log in.</summary>
    public IAgentEvent? Unpause(DateTimeOffset now) => Status == AgentStatus.OnBreak ? new AgentUnpaused(now) : null;

    public IAgentEvent? Ring(string reservationId, DateTimeOffset now) =>
        Reservation?.ReservationId == reservationId && ActivityAt(now) == AgentActivity.Reserved
            ? new AgentRinging(now, reservationId) : null;

    public IAgentEvent? Answer(string reservationId, DateTimeOffset now, string? node = null, string? uniqueId = null) =>
        Reservation is { AnsweredAt: null } r && r.ReservationId == reservationId
            ? new AgentAnswered(now, reservationId, node, uniqueId) : null;

    public IAgentEvent? EndCall(string reservationId, DateTimeOffset now) =>
        Reservation is { AnsweredAt: not null } r && r.ReservationId == reservationId ? new AgentCallEnded(now, reservationId) : null;

    /// <summary>The offer ended without a conversation: release with the outcome's delay, and auto-pause after too
    /// many no-answers in a row. A call already answered is ended instead.</summary>
    public IReadOnlyList<IAgentEvent> Release(string reservationId, OfferOutcome outcome, DateTimeOffset now,
        AgentSettings settings)
    {
        if (Reservation is not { } r || r.ReservationId != reservationId) return [];
        if (r.AnsweredAt is not null) return [new AgentCallEnded(now, reservationId)];
        var delay = outcome switch
        {
            OfferOutcome.NoAnswer => settings.NoAnswerDelay,
            OfferOutcome.Busy => settings.BusyDelay,
            OfferOutcome.Rejected => settings.RejectDelay,
            OfferOutcome.Unavailable => settings.BusyDelay,
            _ => TimeSpan.Zero,
        };
        var events = new List<IAgentEvent> { new ReservationReleased(now, reservationId, outcome, now + delay) };
        var busy = IsBusyOutcome(outcome) && settings.AutoPauseOnBusy;
        if ((outcome == OfferOutcome.NoAnswer || busy) && settings.AutoPauseAfter > 0 && Status == AgentStatus.Available)
        {
            var noAnswers = ConsecutiveNoAnswers + (outcome == OfferOutcome.NoAnswer ? 1 : 0);
            var busies = settings.AutoPauseOnBusy ? ConsecutiveBusy + (busy ? 1 : 0) : 0;
            if (noAnswers + busies >= settings.AutoPauseAfter)
                events.Add(new AgentPaused(now, busies == 0
                    ? $"auto-pause: {noAnswers} no answers in a row"
                    : $"auto-pause: {noAnswers + busies} offers not taken in a row ({noAnswers} no answer, {busies} busy or unavailable)",
                    Automatic: true));
        }
        return events;
    }

    /// <summary>A reservation that passed its deadline without being answered is released; an answered one is kept
    /// (its end comes from the call), unless <paramref name="callLimit"/> has passed since the answer.</summary>
    public IReadOnlyList<IAgentEvent> Expire(DateTimeOffset now, AgentSettings settings, TimeSpan callLimit)
    {
        if (Reservation is not { } r) return [];
        if (r.AnsweredAt is { } answered)
            return now - answered >= callLimit ? [new AgentCallEnded(now, r.ReservationId)] : [];
        return now >= r.Deadline ? Release(r.ReservationId, OfferOutcome.Expired, now, settings) : [];
    }

    /// <summary>The phone refused the call (BUSY, CHANUNAVAIL/CONGESTION, or the agent rejected it): app_queue's
    /// autopausebusy / autopauseunavail cases.</summary>
    private static bool IsBusyOutcome(OfferOutcome outcome) =>
        outcome is OfferOutcome.Busy or OfferOutcome.Unavailable or OfferOutcome.Rejected;

    public IAgentEvent? SetMembership(string queue, int? penalty, DateTimeOffset now) =>
        (penalty, _queues.TryGetValue(queue, out var current)) switch
        {
            (null, false) => null,
            ({ } p, true) when p == current => null,
            _ => new AgentMembershipChanged(now, queue, penalty),
        };

    // ---------------------------------------------------------------- apply

    public void Apply(IAgentEvent e)
    {
        CloseState(e.At);
        switch (e)
        {
            case AgentLoggedIn: Status = AgentStatus.Available; BreakReason = null; ConsecutiveNoAnswers = 0; ConsecutiveBusy = 0; break;
            case AgentLoggedOut: Status = AgentStatus.LoggedOut; BreakReason = null; break;
            case AgentPaused p: Status = AgentStatus.OnBreak; BreakReason = p.Reason; break;
            case AgentUnpaused: Status = AgentStatus.Available; BreakReason = null; ConsecutiveNoAnswers = 0; ConsecutiveBusy = 0; break;
            case AgentMembershipChanged m:
                if (m.Penalty is { } penalty) _queues[m.Queue] = penalty; else _queues.Remove(m.Queue);
                break;
            case ReservationGranted g:
                Reservation = new AgentReservation(g.ReservationId, g.Queue, g.Caller, g.At, g.Deadline, g.WrapUp);
                break;
            case AgentRinging rg when Reservation?.ReservationId == rg.ReservationId:
                _ringing.Add(rg.ReservationId);
                break;
            case AgentAnswered a when Reservation?.ReservationId == a.ReservationId:
                Reservation = Reservation with { AnsweredAt = a.At };
                ConsecutiveNoAnswers = 0;
                ConsecutiveBusy = 0;
                break;
            case AgentCallEnded c when Reservation is { AnsweredAt: { } answeredAt } r && r.ReservationId == c.ReservationId:
                var talk = c.At - answeredAt;
                if (talk < TimeSpan.Zero) talk = TimeSpan.Zero;
                Calls++;
                TalkTime += talk;
                _perQueue[r.Queue] = TotalsFor(r.Queue).AddCall(talk);
                LastCallEndedAt = c.At;
                _wrapUpUntil = c.At + r.WrapUp;
                ClearReservation();
                break;
            case ReservationReleased rr when Reservation?.ReservationId == rr.ReservationId:
                if (rr.Outcome == OfferOutcome.NoAnswer) { ConsecutiveNoAnswers++; NoAnswers++; }
                else if (IsBusyOutcome(rr.Outcome)) ConsecutiveBusy++;
                if (rr.NotBefore > NotBefore) NotBefore = rr.NotBefore;
                ClearReservation();
                break;
        }
        _stateSince = e.At;
    }

    private void ClearReservation()
    {
        if (Reservation is { } r) _ringing.Remove(r.ReservationId);
        Reservation = null;
    }

    private void CloseState(DateTimeOffset at)
    {
        if (_stateSince is { } since && at > since) AddSpan(_timeIn, since, at);
    }

    private void AddSpan(Dictionary<string, TimeSpan> totals, DateTimeOffset from, DateTimeOffset to)
    {
        if (to <= from) return;
        // Wrap-up ends by itself: the part of the span after it is idle (or on break). A logged-out agent is logged
        // out all along, whether or not the span crosses the wrap-up's end.
        if (Reservation is null && from < _wrapUpUntil && to > _wrapUpUntil && StateName(from) == "WrapUp")
        {
            Add(totals, "WrapUp", _wrapUpUntil - from);
            Add(totals, StateName(_wrapUpUntil), to - _wrapUpUntil);
            return;
        }
        Add(totals, StateName(from), to - from);
    }

    private static void Add(Dictionary<string, TimeSpan> totals, string state, TimeSpan span) =>
        totals[state] = totals.GetValueOrDefault(state) + span;
}

/// <summary>An agent's calls and talk time in one queue (fewest-calls and least-talk-time use them).</summary>
public sealed record AgentQueueTotals(int Calls, TimeSpan TalkTime)
{
    public static readonly AgentQueueTotals Empty = new(0, TimeSpan.Zero);

    public AgentQueueTotals AddCall(TimeSpan talk) => new(Calls + 1, TalkTime + talk);
}
