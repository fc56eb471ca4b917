using Akka.Actor;
using Akka.Event;
using Telephony.Domain.Actions;
using Telephony.Domain.Queues;
using Telephony.Domain.Queues.Agents;

namespace Telephony.Actors.Queues;

/// <summary>
/// A connect that goes quiet. The SubmitAction, or the action queue's answers, are lost when the member running the
/// caller's node dies before it journals or tells (the fleet soak lost callers that way: offered, never redirected,
/// stuck "ringing" until the PBX's hold limit), and a dialplan's result can fall in a node's gap. So every leg is
/// watched until it ends: its connect is submitted again (same idempotency key: the same action back, never a second
/// one) every 2 s until the action queue confirms it or its send-by time passes, and a leg with no outcome a second after its reservation's deadline —
/// when the agent has let go anyway — ends as expired, its caller back in line. Its connect cannot go out after
/// that: it expired at its send-by time.
/// </summary>
public sealed partial class QueueEntity
{
    private static readonly TimeSpan LegWatchInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan LegGrace = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan ResubmitAfter = TimeSpan.FromSeconds(2);

    private sealed record WatchLeg(string ReservationId);

    private void StartWatch(Leg leg)
    {
        Timers.StartPeriodicTimer("leg/" + leg.ReservationId, new WatchLeg(leg.ReservationId), LegWatchInterval);
        if (leg.Mode != ConnectMode.Redirect) return;
        var checkIn = BridgeCheckAt(leg) - DateTimeOffset.UtcNow; // on time, not at the next tick
        Timers.StartSingleTimer("leg-check/" + leg.ReservationId, new WatchLeg(leg.ReservationId),
            checkIn > TimeSpan.Zero ? checkIn : TimeSpan.Zero);
    }

    private void OnWatchLeg(WatchLeg w)
    {
        // Done watching: the leg ended, was stopped (its own late answer is handled), or the caller is connected.
        if (!_legs.TryGetValue(w.ReservationId, out var leg) || leg.Stopped || _state.FindByReservation(w.ReservationId) is null)
        {
            Timers.Cancel("leg/" + w.ReservationId);
            return;
        }
        var now = DateTimeOffset.UtcNow;
        if (NeedsBridgeCheck(leg, now)) CheckBridged(leg);
        if (now >= leg.Deadline + LegGrace)
        {
            // A member that came back after the deadline asks late: the answer decides, for a few seconds more (the
            // agent has let go by now, but a talking caller must not go back in line).
            if (leg.BridgeAskedAt is { } asked && !leg.BridgeAnswered && now < asked + BridgeAnswerWait) return;
            Timers.Cancel("leg/" + w.ReservationId);
            _log.Warning("queue {0}: no outcome for the connect of {1} to agent {2} by the reservation's deadline " +
                         "(connect {3}, last heard {4}): the offer ends and the caller is back in line",
                _name, leg.Caller, leg.AgentId, leg.ActionId ?? "never confirmed", leg.LastStatus?.ToString() ?? "nothing");
            EndLeg(leg, OfferOutcome.Expired, now);
            return;
        }
        // Again only while it could still be sent, and not every second: during a journal outage every leg is
        // unconfirmed, and a copy a second each kept the action queues busy long after the database was back.
        if (leg.ActionId is null && leg.Connect is { } connect && now < connect.Request.ExpiresAt && now - leg.SubmittedAt >= ResubmitAfter)
        {
            leg.SubmittedAt = now;
            _nodes.Tell(connect);
        }
    }

    /// <summary>
    /// A Redirect that may have reached Asterisk (accepted, sent with its answer lost, or confirmed by the action
    /// queue and never heard of again — a soak run had 7 such legs) with no dialplan result close to the deadline: the
    /// agent answered while nobody read the caller's node (a member's death, a dropped session), or the ring is over.
    /// Expiring it blind would put a talking caller back in line — its next connect would pull it out of the
    /// conversation — and free an agent that is on the call. So, once any ring must be over (a quarter of the
    /// reservation's margin before its deadline, the agent still holding it), the queue asks the caller's node for
    /// the caller's <c>BRIDGEPEER</c>: set while it is bridged to the agent, empty on music.
    /// </summary>
    private bool NeedsBridgeCheck(Leg leg, DateTimeOffset now) =>
        leg.Mode == ConnectMode.Redirect && leg.BridgeAskedAt is null
        && leg.LastStatus is not (ActionStatus.Queued or ActionStatus.Expired or ActionStatus.Refused or ActionStatus.Cancelled)
        && now >= BridgeCheckAt(leg);

    private DateTimeOffset BridgeCheckAt(Leg leg) => leg.Deadline - Settings!.ReservationMargin / 4;

    private void CheckBridged(Leg leg)
    {
        if (_state.FindByReservation(leg.ReservationId) is not { } caller) return;
        leg.BridgeAskedAt = DateTimeOffset.UtcNow;
        Submit(leg.Caller.Node, "Getvar", [new("Channel", caller.Joined.Channel), new("Variable", "BRIDGEPEER")],
            leg.ReservationId + BridgedSuffix);
    }

    /// <summary>How long a bridge check may hold a leg past its deadline (a Getvar answers in milliseconds; a node
    /// nobody reads does not answer at all).</summary>
    private static readonly TimeSpan BridgeAnswerWait = TimeSpan.FromSeconds(3);

    private void OnBridgeChecked(Leg leg, ActionRecord a, DateTimeOffset now)
    {
        if (!a.Status.IsFinal() && a.Status != ActionStatus.Succeeded) return;
        leg.BridgeAnswered = true;
        if (a.Status == ActionStatus.Failed && a.Message?.Contains("No such channel", StringComparison.OrdinalIgnoreCase) == true)
        {
            Record(_state.CallerHungUp(leg.Caller, now)); // gone unseen: whether it talked is lost with the events
            return;
        }
        if (a.Status != ActionStatus.Succeeded || _state.FindByReservation(leg.ReservationId) is null) return;
        var peer = a.Returned?.FirstOrDefault(h => h.Key.Equals("Value", StringComparison.OrdinalIgnoreCase)).Value;
        if (string.IsNullOrEmpty(peer)) return; // not bridged: the deadline ends the leg as usual
        _log.Warning("queue {0}: caller {1} is talking to agent {2} ({3}) though its answer was never seen: connected now",
            _name, leg.Caller, leg.AgentId, peer);
        Record(_state.Answered(leg.ReservationId, now, leg.AgentLinkedId));
    }
}
