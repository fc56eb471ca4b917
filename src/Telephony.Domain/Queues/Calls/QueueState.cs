using Telephony.Domain.Queues.Agents;
using Telephony.Domain.Queues.Strategies;

namespace Telephony.Domain.Queues.Calls;

/// <summary>A caller asking to join (from a node's TelephonyQueueJoin UserEvent, the API, or an overflow).</summary>
public sealed record JoinRequest(CallerKey Caller, string Channel, string? LinkedId, string? CallerIdNum,
    string? CallerIdName, int Priority, string? From = null);

/// <summary>Ask this agent for a reservation for this caller (not journaled: only a grant is).</summary>
public sealed record ReservationAsk(CallerKey Caller, string AgentId, string ReservationId);

/// <summary>
/// One queue: the line of waiting callers (priority, then join order), the agent legs ringing for them, the
/// connected calls and the statistics. Decisions return events to journal; <see cref="Apply"/> is the only mutator
/// of journaled state. The only transient state is which callers are being asked for right now.
/// </summary>
public sealed class QueueState
{
    private readonly Dictionary<CallerKey, QueueCaller> _callers = [];
    private readonly SortedSet<QueueCaller> _line = new(QueueCaller.LineOrder); // waiting and ringing callers
    private readonly Dictionary<string, CallerKey> _legs = new(StringComparer.Ordinal); // reservation -> caller
    private readonly HashSet<CallerKey> _asking = [];

    public QueueState(QueueSettings settings) => Settings = settings;

    public QueueSettings Settings { get; set; }

    public string Name => Settings.Name;

    public QueueStatistics Statistics { get; private set; } = new();

    /// <summary>The counters of <see cref="Day"/> alone (a supervisor's "today"): they start again with the first
    /// event of a new day in <see cref="QueueSettings.DayTimeZone"/>.</summary>
    public QueueStatistics Today { get; private set; } = new();

    public DateOnly Day { get; private set; }

    /// <summary>Today's counters as of <paramref name="now"/>: empty once its day is over, before any event of the new one.</summary>
    public QueueStatistics TodayAt(DateTimeOffset now) => DayOf(now) > Day ? new QueueStatistics() : Today;

    /// <summary>The day <paramref name="at"/> falls on in the queue's <see cref="QueueSettings.DayTimeZone"/>.</summary>
    public DateOnly DayOf(DateTimeOffset at) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, Settings.DayTimeZone).DateTime);

    /// <summary>Counts an event in the totals and, unless it belongs to an earlier day (a late event), in its day's.</summary>
    private void Tally(DateTimeOffset at, Func<QueueStatistics, QueueStatistics> change)
    {
        Statistics = change(Statistics);
        var day = DayOf(at);
        if (day < Day) return;
        if (day > Day)
        {
            Day = day;
            Today = new QueueStatistics();
        }
        Today = change(Today);
    }

    public long LastSequence { get; private set; }

    public string? LastOfferedAgent { get; private set; }

    /// <summary>Callers not yet connected, in line order.</summary>
    public IReadOnlyCollection<QueueCaller> Line => _line;

    public IEnumerable<QueueCaller> Connected => _callers.Values.Where(c => c.Phase == CallerPhase.Connected);

    public int Count => _callers.Count;

    /// <summary>Some caller in line waits for an agent (none may be ringing for it yet).</summary>
    public bool HasWaiting
    {
        get
        {
            foreach (var c in _line)
                if (c.Phase == CallerPhase.Waiting) return true;
            return false;
        }
    }

    public QueueCaller? Find(CallerKey caller) => _callers.GetValueOrDefault(caller);

    public QueueCaller? FindByReservation(string reservationId) =>
        _legs.TryGetValue(reservationId, out var key) ? _callers.GetValueOrDefault(key) : null;

    public int PositionOf(QueueCaller caller) => _line.TakeWhile(c => c != caller).Count() + 1;

    public TimeSpan LongestWaitAt(DateTimeOffset now) => _line.Count == 0 ? TimeSpan.Zero : _line.Max(c => c.WaitAt(now));

    // ---------------------------------------------------------------- decisions

    public IQueueEvent? Join(JoinRequest request, DateTimeOffset now, AgentBoard board)
    {
        if (_callers.ContainsKey(request.Caller)) return null; // the same join seen twice
        if (Settings.MaxLength > 0 && _line.Count >= Settings.MaxLength)
            return new JoinRefused(now, request.Caller, JoinRefusal.QueueFull);
        var empty = Settings.RefuseJoinWhen;
        if (empty.HasFlag(QueueEmptiness.NoAgents) && board.LoggedIn == 0)
            return new JoinRefused(now, request.Caller, JoinRefusal.NoAgents);
        if (empty.HasFlag(QueueEmptiness.NoneAvailable) && board.Available == 0)
            return new JoinRefused(now, request.Caller, JoinRefusal.NoneAvailable);
        var position = _line.Count(c => c.Priority >= request.Priority) + 1;
        return new CallerJoined(now, request.Caller, request.Channel, request.LinkedId, request.CallerIdNum,
            request.CallerIdName, request.Priority, LastSequence + 1, position, request.From);
    }

    /// <summary>
    /// Matches waiting callers, in line order, with agents that can take a call, by the queue's strategy. A caller
    /// further back is only matched when every caller ahead of it already has an agent (all callers of a queue have
    /// the same agents), so priority and join order are never passed over. Ring-all asks every agent of the tier.
    /// </summary>
    public IReadOnlyList<ReservationAsk> Plan(DateTimeOffset now, AgentBoard board, Random random, Func<string> newReservationId)
    {
        var asks = new List<ReservationAsk>();
        List<AgentCandidate>? free = null;
        var lastOffered = LastOfferedAgent;
        foreach (var caller in _line)
        {
            if (caller.Phase != CallerPhase.Waiting || _asking.Contains(caller.Key)) continue;
            free ??= [.. board.Candidates(now)];
            if (free.Count == 0) break;
            IReadOnlyList<AgentCandidate> take;
            if (Settings.Strategy == QueueStrategy.RingAll) take = AgentChooser.Choose(Settings.Strategy, free, lastOffered, random);
            else take = AgentChooser.ChooseFirst(Settings.Strategy, free, lastOffered, random) is { } first ? [first] : [];
            if (take.Count == 0) break;
            foreach (var agent in take)
            {
                asks.Add(new ReservationAsk(caller.Key, agent.AgentId, newReservationId()));
                board.Asking(agent.AgentId);
                free.RemoveAt(free.FindIndex(c => c.AgentId == agent.AgentId));
                lastOffered = agent.AgentId;
            }
            _asking.Add(caller.Key);
        }
        return asks;
    }

    /// <summary>The agent answered the ask. A grant becomes an agent leg unless the caller is gone or already
    /// connected (then null: give the reservation back).</summary>
    public AgentOffered? Granted(ReservationAsk ask, AgentView? agent, DateTimeOffset now, DateTimeOffset deadline,
        ConnectMode mode)
    {
        if (!_callers.TryGetValue(ask.Caller, out var caller) || caller.Phase == CallerPhase.Connected) return null;
        return new AgentOffered(now, ask.Caller, ask.ReservationId, ask.AgentId, agent?.Node ?? "", mode, deadline);
    }

    /// <summary>Every ask of a planning round was answered (granted or not): the caller can be planned again.</summary>
    public void AskDone(CallerKey caller) => _asking.Remove(caller);

    public IReadOnlyList<IQueueEvent> Answered(string reservationId, DateTimeOffset now, string? agentLinkedId = null)
    {
        if (FindByReservation(reservationId) is not { } caller || caller.Phase == CallerPhase.Connected) return [];
        var agentId = caller.Legs[reservationId];
        var events = new List<IQueueEvent>
        {
            new CallerConnected(now, caller.Key, reservationId, agentId, NodeOfLeg(caller, reservationId), agentLinkedId),
        };
        foreach (var (other, otherAgent) in caller.Legs.Where(l => l.Key != reservationId))
            events.Add(new OfferEnded(now, caller.Key, other, otherAgent, OfferOutcome.AnsweredElsewhere));
        return events;
    }

    public OfferEnded? LegEnded(string reservationId, OfferOutcome outcome, DateTimeOffset now) =>
        FindByReservation(reservationId) is { } caller && caller.Legs.TryGetValue(reservationId, out var agentId)
            ? new OfferEnded(now, caller.Key, reservationId, agentId, outcome) : null;

    /// <summary>The caller's channel hung up: an abandon while waiting or ringing (its legs end first), the end of
    /// the call when connected.</summary>
    public IReadOnlyList<IQueueEvent> CallerHungUp(CallerKey key, DateTimeOffset now) =>
        Leave(key, LeaveReason.Abandoned, now, null, completedByAgent: false);

    /// <summary>The connected call ended (the connect dialplan reported it, or the agent hung up).</summary>
    public CallCompleted? CallEnded(CallerKey key, DateTimeOffset now, bool byAgent) =>
        _callers.TryGetValue(key, out var c) && c.Connection is { } conn
            ? new CallCompleted(now, key, conn.AgentId, byAgent, conn.ReservationId) : null;

    public IReadOnlyList<IQueueEvent> Leave(CallerKey key, LeaveReason reason, DateTimeOffset now, QueueExit? exit,
        bool completedByAgent = false)
    {
        if (!_callers.TryGetValue(key, out var caller)) return [];
        if (caller.Connection is { } conn) return [new CallCompleted(now, key, conn.AgentId, completedByAgent, conn.ReservationId)];
        var events = new List<IQueueEvent>();
        foreach (var (reservation, agent) in caller.Legs)
            events.Add(new OfferEnded(now, key, reservation, agent, OfferOutcome.CallerGone));
        events.Add(new CallerLeft(now, key, reason, PositionOf(caller), exit));
        return events;
    }

    /// <summary>Waiting callers past the queue's MaxWait (callers with an agent ringing finish that ring first).</summary>
    public IReadOnlyList<IQueueEvent> TimeOuts(DateTimeOffset now)
    {
        if (Settings.MaxWait is not { } max) return [];
        return _line.Where(c => c.Phase == CallerPhase.Waiting && !_asking.Contains(c.Key) && now - c.JoinedAt >= max)
            .ToList().SelectMany(c => Leave(c.Key, LeaveReason.TimedOut, now, Settings.OnTimeout)).ToList();
    }

    /// <summary>When the next waiting caller times out (ringing or asked-for callers finish that first, and are
    /// looked at again when they are back in line: waking for them would spin).</summary>
    public DateTimeOffset? NextTimeOut()
    {
        if (Settings.MaxWait is not { } max) return null;
        DateTimeOffset? first = null;
        foreach (var c in _line)
            if (c.Phase == CallerPhase.Waiting && !_asking.Contains(c.Key) && (first is null || c.JoinedAt < first)) first = c.JoinedAt;
        return first + max;
    }

    public IReadOnlyList<IQueueEvent> LeaveIfEmpty(DateTimeOffset now, AgentBoard board)
    {
        if (Settings.LeaveWhen == QueueEmptiness.None || !board.IsEmpty(Settings.LeaveWhen)) return [];
        return _line.Where(c => c.Phase == CallerPhase.Waiting && !_asking.Contains(c.Key)).ToList()
            .SelectMany(c => Leave(c.Key, LeaveReason.LeftEmpty, now, Settings.OnEmpty ?? Settings.OnTimeout)).ToList();
    }

    /// <summary>A node restarted: every caller on it is gone (waiting ones leave, connected calls end).</summary>
    public IReadOnlyList<IQueueEvent> NodeRestarted(string node, DateTimeOffset now) =>
        _callers.Keys.Where(k => k.Node == node).ToList()
            .SelectMany(k => Leave(k, LeaveReason.NodeRestarted, now, null)).ToList();

    // ---------------------------------------------------------------- apply

    public void Apply(IQueueEvent e)
    {
        switch (e)
        {
            case CallerJoined j:
                var caller = new QueueCaller(j);
                _callers[j.Caller] = caller;
                _line.Add(caller);
                LastSequence = Math.Max(LastSequence, j.Sequence);
                Tally(j.At, s => s with { Offered = s.Offered + 1 });
                break;
            case JoinRefused refused:
                Tally(refused.At, s => s with { Refused = s.Refused + 1 });
                break;
            case AgentOffered o when _callers.TryGetValue(o.Caller, out var c):
                c.AddLeg(o);
                _legs[o.ReservationId] = o.Caller;
                LastOfferedAgent = o.AgentId;
                break;
            case OfferEnded oe:
                if (_callers.TryGetValue(oe.Caller, out var ringing)) ringing.EndLeg(oe.ReservationId);
                _legs.Remove(oe.ReservationId);
                if (oe.Outcome == OfferOutcome.NoAnswer) Tally(oe.At, s => s with { NoAnswers = s.NoAnswers + 1 });
                break;
            case CallerConnected cc when _callers.TryGetValue(cc.Caller, out var connected):
                _line.Remove(connected);
                connected.Connect(cc);
                _legs.Remove(cc.ReservationId);
                var wait = cc.At - connected.JoinedAt;
                var within = wait <= Settings.ServiceLevel ? 1 : 0;
                Tally(cc.At, s => s with
                {
                    Answered = s.Answered + 1, AnsweredWait = s.AnsweredWait + wait, AnsweredWithinServiceLevel = s.AnsweredWithinServiceLevel + within,
                });
                break;
            case CallCompleted done when _callers.Remove(done.Caller, out var finished) && finished.Connection is { } conn:
                var talk = Max0(done.At - conn.At);
                Tally(done.At, s => s with { Completed = s.Completed + 1, TalkTime = s.TalkTime + talk });
                break;
            case CallerLeft left when _callers.Remove(left.Caller, out var gone):
                _line.Remove(gone);
                _asking.Remove(left.Caller);
                foreach (var reservation in gone.Legs.Keys) _legs.Remove(reservation);
                var waited = left.At - gone.JoinedAt;
                Tally(left.At, s => Counted(s, left, waited));
                break;
        }
    }

    private QueueStatistics Counted(QueueStatistics s, CallerLeft left, TimeSpan wait) => left.Reason switch
    {
        LeaveReason.Abandoned => s with
        {
            Abandoned = s.Abandoned + 1,
            AbandonedWait = s.AbandonedWait + wait,
            AbandonedWithinServiceLevel = s.AbandonedWithinServiceLevel + (wait <= Settings.ServiceLevel ? 1 : 0),
        },
        LeaveReason.TimedOut => s with
        {
            TimedOut = s.TimedOut + 1,
            Overflowed = s.Overflowed + (left.Exit?.IsOverflow == true ? 1 : 0),
            BrokenOut = s.BrokenOut + (left.Exit is { IsOverflow: false } ? 1 : 0),
        },
        LeaveReason.LeftEmpty => s with { LeftEmpty = s.LeftEmpty + 1 },
        _ => s with { Dropped = s.Dropped + 1 },
    };

    private static TimeSpan Max0(TimeSpan t) => t < TimeSpan.Zero ? TimeSpan.Zero : t;

    private static string NodeOfLeg(QueueCaller caller, string reservationId) =>
        caller.Offers.FirstOrDefault(o => o.ReservationId == reservationId)?.AgentNode ?? caller.Key.Node;

    // ---------------------------------------------------------------- snapshots

    public QueueSnapshot Snapshot() => new(Name, LastSequence, LastOfferedAgent, Statistics,
        _callers.Values.Select(c => new QueueCallerSnapshot(c.Joined, [.. c.Offers], c.Connection, c.Attempts)).ToList(), Today, Day);

    public void Restore(QueueSnapshot snapshot)
    {
        foreach (var c in snapshot.Callers)
        {
            Apply(c.Joined);
            foreach (var offer in c.Offers) Apply(offer);
            if (c.Connection is { } conn)
            {
                Apply(new AgentOffered(conn.At, conn.Caller, conn.ReservationId, conn.AgentId, conn.AgentNode,
                    ConnectMode.Redirect, conn.At));
                Apply(conn);
            }
            _callers[c.Joined.Caller].Attempts = c.Attempts; // legs that ended before the snapshot count too
        }
        Statistics = snapshot.Statistics;
        // A snapshot from before per-day counters has none: today counts from the next event.
        Today = snapshot.Today ?? new QueueStatistics();
        Day = snapshot.Day ?? default;
        LastSequence = snapshot.LastSequence;
        LastOfferedAgent = snapshot.LastOfferedAgent;
    }
}
