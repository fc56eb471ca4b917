using Akka.Actor;
using Telephony.Domain.Queues;
using Telephony.Domain.Queues.Agents;
using Telephony.Domain.Queues.Calls;

namespace Telephony.Actors.Queues;

/// <summary>Matching callers with agents: the domain plans, the agents grant, a grant is journaled as a leg.</summary>
public sealed partial class QueueEntity
{
    /// <summary>An ask on its way to the agent. <see cref="AskedAt"/> bounds the agent's grant time from below, so an
    /// offer's deadline counted from it is never later than the agent's own. <see cref="ResendAt"/>: when the
    /// <see cref="Message"/> goes again if still unanswered (<see cref="AskResend"/>).</summary>
    private sealed record PendingAsk(ReservationAsk Ask, DateTimeOffset AskedAt, DateTimeOffset Until, ReserveAgent Message,
        int Copies, DateTimeOffset? ResendAt);

    private readonly Dictionary<string, PendingAsk> _pending = new(StringComparer.Ordinal);
    private readonly Dictionary<CallerKey, int> _asksPerCaller = [];

    private bool _dispatchQueued;
    private DateTimeOffset? _wakeAt;

    /// <summary>Asks for a decision round. Most messages make one possible (a join, an agent's view, an answer, a
    /// written event), and under load many arrive together: one round after all that are queued, not one per message
    /// (a round per message walked the whole agent board many times per caller and took most of a busy queue's
    /// time).</summary>
    private void Dispatch()
    {
        if (_dispatchQueued || Settings is null) return;
        _dispatchQueued = true;
        Self.Tell(DispatchNow.Instance);
    }

    private sealed class DispatchNow
    {
        public static readonly DispatchNow Instance = new();
    }

    /// <summary>Time-outs and empty-queue leaves first, then new asks; then sleeps until the next thing due.</summary>
    private void DispatchRound()
    {
        _dispatchQueued = false;
        if (Settings is null) return;
        var now = DateTimeOffset.UtcNow;
        var leaving = _state.TimeOuts(now).Concat(_state.LeaveIfEmpty(now, _board)).ToList();
        if (leaving.Count > 0)
        {
            Record(leaving); // applied at once: dispatches again
            return;
        }
        foreach (var ask in _state.Plan(now, _board, _random, NewReservationId))
        {
            var caller = _state.Find(ask.Caller)!;
            var message = new ReserveAgent(ask.AgentId, new ReservationRequest(ask.ReservationId, _name, ask.Caller,
                Settings.ReservationLifetime, Settings.WrapUp, Settings.Weight, caller.Priority, caller.JoinedAt));
            var until = now + _runtime.AskTimeout;
            _pending[ask.ReservationId] = new PendingAsk(ask, now, until, message, 0, _runtime.AskResend.Next(now, 0, until));
            _asksPerCaller[ask.Caller] = _asksPerCaller.GetValueOrDefault(ask.Caller) + 1;
            _agents.Tell(message);
        }
        ScheduleWake(now);
    }

    private string NewReservationId() => $"{_name}:{_incarnation}:{++_asked}";

    /// <summary>Arms the wake timer for the next time-out or the next agent out of a delay, unless it already is.</summary>
    private void ScheduleWake(DateTimeOffset now)
    {
        var next = _state.NextTimeOut();
        if (_state.HasWaiting && _board.NextAvailableAfter(now) is { } free && (next is null || free < next)) next = free;
        if (next == _wakeAt) return;
        _wakeAt = next;
        if (next is not { } at)
        {
            Timers.Cancel("wake");
            return;
        }
        var delay = at - now;
        Timers.StartSingleTimer("wake", new Wake(), delay < TimeSpan.FromMilliseconds(10) ? TimeSpan.FromMilliseconds(10) : delay);
    }

    private void OnReservationAnswer(ReservationAnswer a)
    {
        if (a.View is { } view) _board.Update(view);
        if (!_pending.Remove(a.ReservationId, out var pending))
        {
            // Too late (timed out here) or a duplicate: a grant we no longer want is given back.
            if (a.Granted && _state.FindByReservation(a.ReservationId) is null)
                _agents.Tell(new ReservationNews(a.AgentId, a.ReservationId, ReservationNewsKind.Released, OfferOutcome.Withdrawn));
            return;
        }
        _board.Answered(a.AgentId);
        var ask = pending.Ask;
        if (!a.Granted)
        {
            // The refusal's own view is the agent's word; only without one is the agent assumed busy.
            if (a.View is null) _board.MarkBusy(a.AgentId, DateTimeOffset.UtcNow);
            AskFinished(ask.Caller);
            Dispatch();
            return;
        }
        var now = DateTimeOffset.UtcNow;
        var agent = _directory.Agent(a.AgentId);
        var mode = ModeFor(ask.Caller, agent);
        // The deadline from the ask, not from now: the agent counted its own from its grant, which came after the ask
        // and before now, and a connect must never be sent on a reservation the agent may already have released.
        var offered = _state.Granted(ask, a.View, now, pending.AskedAt + Settings!.ReservationLifetime, mode);
        if (offered is null)
        {
            _agents.Tell(new ReservationNews(a.AgentId, a.ReservationId, ReservationNewsKind.Released, OfferOutcome.Withdrawn));
            AskFinished(ask.Caller);
            Dispatch();
            return;
        }
        offered = offered with { AgentNode = agent?.Route.Node ?? offered.AgentNode };
        Record([offered], () => AskFinished(ask.Caller));
    }

    private void AskFinished(CallerKey caller)
    {
        var left = _asksPerCaller.GetValueOrDefault(caller) - 1;
        if (left > 0)
        {
            _asksPerCaller[caller] = left;
            return;
        }
        _asksPerCaller.Remove(caller);
        _state.AskDone(caller);
    }

    /// <summary>Asks unanswered for too long count as refused (the agent is left alone a while); those unanswered for
    /// a shorter while go again.</summary>
    private void CheckAsks()
    {
        if (_pending.Count == 0) return; // the usual case between decisions: the 250 ms tick allocates nothing
        var now = DateTimeOffset.UtcNow;
        foreach (var p in _pending.Values.Where(p => p.ResendAt <= now && p.Until > now).ToList())
        {
            var copies = p.Copies + 1;
            _pending[p.Ask.ReservationId] = p with { Copies = copies, ResendAt = _runtime.AskResend.Next(p.AskedAt, copies, p.Until) };
            _agents.Tell(p.Message);
            QueueInstruments.AsksResent.Add(1, new KeyValuePair<string, object?>("queue", _name));
        }
        var late = _pending.Values.Where(p => p.Until <= now).ToList();
        foreach (var p in late)
        {
            _pending.Remove(p.Ask.ReservationId);
            _board.Answered(p.Ask.AgentId);
            _board.MarkBusy(p.Ask.AgentId, now);
            AskFinished(p.Ask.Caller);
            QueueInstruments.AsksExpired.Add(1, new KeyValuePair<string, object?>("queue", _name));
        }
        if (late.Count > 0) Dispatch();
    }

    /// <summary>Originate + Bridge only where it can work: the agent on the caller's node with a dial string.</summary>
    private ConnectMode ModeFor(CallerKey caller, AgentSettings? agent) =>
        Settings!.Connect == ConnectMode.OriginateBridge && agent?.Route.Channel is not null && agent.Route.Node == caller.Node
            ? ConnectMode.OriginateBridge : ConnectMode.Redirect;

    /// <summary>What a journaled event means outside the queue: agents told, connects started or stopped, callers
    /// sent on. <paramref name="before"/> is the caller as it was before the event.</summary>
    private void Carry(IQueueEvent e, QueueCaller? before)
    {
        switch (e)
        {
            case AgentOffered o when _state.Find(o.Caller) is { } caller && caller.Offers.Any(x => x.ReservationId == o.ReservationId):
                StartConnect(caller, o, firstRound: true); // (a leg already ended by a later decision is not started at all)
                break;
            case OfferEnded ended:
                _agents.Tell(new ReservationNews(ended.AgentId, ended.ReservationId, ReservationNewsKind.Released, ended.Outcome));
                StopLeg(ended.ReservationId, ended.Outcome);
                break;
            case CallerConnected c:
                _agents.Tell(new ReservationNews(c.AgentId, c.ReservationId, ReservationNewsKind.Answered, AgentNode: c.AgentNode));
                break;
            case CallCompleted done when done.ReservationId is { } reservation:
                _agents.Tell(new ReservationNews(done.AgentId, reservation, ReservationNewsKind.Ended));
                ForgetLeg(reservation);
                break;
            case CallerLeft left when left.Exit is { } exit && before is not null:
                SendTo(exit, left.Caller, before.Joined.Channel, JoinOf(before));
                break;
        }
    }

    private static JoinRequest JoinOf(QueueCaller c) =>
        new(c.Key, c.Joined.Channel, c.Joined.LinkedId, c.Joined.CallerIdNum, c.Joined.CallerIdName, c.Priority);

    /// <summary>Overflow: the caller joins the other queue (keeping its priority); breakout: a Redirect to the
    /// dialplan target through the caller's node's action queue.</summary>
    private void SendTo(QueueExit exit, CallerKey caller, string channel, JoinRequest request)
    {
        if (exit.Queue is { } queue)
        {
            _queues.Tell(new JoinQueue(queue, request with { From = _name }));
            return;
        }
        Submit(caller.Node, "Redirect", [new("Channel", channel), new("Context", exit.Context!), new("Exten", exit.Exten!),
            new("Priority", exit.Priority.ToString(System.Globalization.CultureInfo.InvariantCulture))], $"{_name}/exit/{caller}");
    }
}
