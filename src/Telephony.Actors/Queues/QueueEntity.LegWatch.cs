using Akka.Actor;
using Akka.Event;
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

    private void StartWatch(Leg leg) =>
        Timers.StartPeriodicTimer("leg/" + leg.ReservationId, new WatchLeg(leg.ReservationId), LegWatchInterval);

    private void OnWatchLeg(WatchLeg w)
    {
        // Done watching: the leg ended, was stopped (its own late answer is handled), or the caller is connected.
        if (!_legs.TryGetValue(w.ReservationId, out var leg) || leg.Stopped || _state.FindByReservation(w.ReservationId) is null)
        {
            Timers.Cancel("leg/" + w.ReservationId);
            return;
        }
        var now = DateTimeOffset.UtcNow;
        if (now >= leg.Deadline + LegGrace)
        {
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
}
