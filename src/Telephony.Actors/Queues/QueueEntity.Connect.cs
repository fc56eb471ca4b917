using Akka.Actor;
using Akka.Event;
using System.Globalization;
using Telephony.Actors.Actions;
using Telephony.Domain.Actions;
using Telephony.Domain.Queues;
using Telephony.Domain.Queues.Agents;
using Telephony.Domain.Queues.Calls;

namespace Telephony.Actors.Queues;

/// <summary>
/// The connect, through the caller's node's action queue: a Redirect of the caller to the connect context (the
/// dialplan dials the agent and reports), or an Originate of the agent (with a ChannelId) and a Bridge once it
/// answers. Each action's idempotency key is the reservation id, so a queue that recovers mid-connect asks again and
/// gets the same action back instead of placing a second call.
/// </summary>
public sealed partial class QueueEntity
{
    private sealed class Leg(string reservationId, CallerKey caller, string agentId, ConnectMode mode, DateTimeOffset deadline)
    {
        public string ReservationId { get; } = reservationId;
        public DateTimeOffset Deadline { get; } = deadline;
        public CallerKey Caller { get; } = caller;
        public string AgentId { get; } = agentId;
        public ConnectMode Mode { get; } = mode;
        public string? ActionId { get; set; }
        public string? AgentChannel { get; set; }
        public string? ChannelId { get; set; }
        public string? AgentLinkedId { get; set; }
        public bool Stopped { get; set; }
        /// <summary>The connect as submitted (sent again, same key, until the action queue confirms it).</summary>
        public SubmitAction? Connect { get; set; }
        public DateTimeOffset SubmittedAt { get; set; }
        public ActionStatus? LastStatus { get; set; }
        /// <summary>Asked whether the caller is bridged (once, near the deadline, with no result heard).</summary>
        public DateTimeOffset? BridgeAskedAt { get; set; }
        public bool BridgeAnswered { get; set; }
    }

    private const string BridgeSuffix = "/bridge";
    private const string BridgedSuffix = "/bridged";
    private readonly Dictionary<string, Leg> _legs = new(StringComparer.Ordinal);

    private void ConnectCommands()
    {
        Command<ActionSubmitted>(OnSubmitted);
        Command<ActionRefused>(r => _log.Warning("queue {0}: action refused by node {1}: {2}", _name, r.Node, r));
        Command<ActionChanged>(c => OnActionChanged(c.Action));
        Command<WatchLeg>(OnWatchLeg);
        Command<AgentLegSeen>(seen =>
        {
            if (_legs.TryGetValue(seen.ReservationId, out var leg)) leg.AgentLinkedId ??= seen.LinkedId;
        });
    }

    private void StartConnect(QueueCaller caller, AgentOffered offer, bool firstRound = false)
    {
        // Only a caller's first offers measure the decision: a caller back in line after a no-answer waited on a phone.
        if (firstRound && caller.Attempts <= caller.LegCount)
            QueueInstruments.DecisionSeconds.Record((DateTimeOffset.UtcNow - caller.JoinedAt).TotalSeconds,
                new KeyValuePair<string, object?>("queue", _name));
        var agent = _directory.Agent(offer.AgentId);
        if (agent is null)
        {
            Record([new OfferEnded(DateTimeOffset.UtcNow, offer.Caller, offer.ReservationId, offer.AgentId, OfferOutcome.Unavailable)]);
            return;
        }
        var leg = _legs[offer.ReservationId] = new Leg(offer.ReservationId, offer.Caller, offer.AgentId, offer.Mode, offer.Deadline);
        StartWatch(leg);
        leg.SubmittedAt = DateTimeOffset.UtcNow;
        var sendBy = Settings!.ConnectSendBy(offer.Deadline);
        if (offer.Mode == ConnectMode.Redirect)
        {
            if (caller.Joined.CallerIdNum is { Length: > 0 } number && agent.Route.Node != caller.Key.Node)
                _nodes.Tell(new ExpectAgentLeg(agent.Route.Node, _name, offer.ReservationId, offer.AgentId, number,
                    offer.Deadline));
            leg.Connect = Submit(caller.Key.Node, "Redirect", [new("Channel", caller.Joined.Channel), new("Context", Settings!.ConnectContext),
                new("Exten", agent.Route.Extension), new("Priority", "1")], offer.ReservationId, sendBy);
            return;
        }
        var ringMs = ((long)Settings!.RingTimeout.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
        var headers = new List<KeyValuePair<string, string>>
        {
            new("Channel", agent.Route.Channel!), new("Application", "Wait"), new("Data", "30"),
            new("Timeout", ringMs), new("Async", "true"),
        };
        if (caller.Joined.CallerIdNum is { Length: > 0 } num)
            headers.Add(new("CallerID", $"\"{Clean(caller.Joined.CallerIdName)}\" <{num}>"));
        leg.Connect = Submit(caller.Key.Node, "Originate", headers, offer.ReservationId, sendBy);
    }

    private static string Clean(string? name) => (name ?? "").Replace("\"", "", StringComparison.Ordinal);

    private SubmitAction Submit(string node, string action, IReadOnlyList<KeyValuePair<string, string>> headers, string key,
        DateTimeOffset? expiresAt = null)
    {
        var submit = new SubmitAction(new ActionRequest(node, action, headers, key, Priority: 0, ExpiresAt: expiresAt));
        _nodes.Tell(submit);
        return submit;
    }

    private void OnSubmitted(ActionSubmitted s)
    {
        var key = s.Action.IdempotencyKey ?? "";
        if (_checks.ContainsKey(key))
        {
            _nodes.Tell(new SubscribeAction(s.Action.Node, s.Action.Id, Self));
            return;
        }
        if (!_legs.TryGetValue(ReservationOf(key), out var leg)) return;
        if (key == leg.ReservationId)
        {
            leg.ActionId = s.Action.Id;
            leg.ChannelId = s.Action.ChannelId;
            if (!s.Existing) _agents.Tell(new ReservationNews(leg.AgentId, leg.ReservationId, ReservationNewsKind.Ringing));
        }
        _nodes.Tell(new SubscribeAction(s.Action.Node, s.Action.Id, Self));
    }

    private static string ReservationOf(string key) =>
        key.EndsWith(BridgeSuffix, StringComparison.Ordinal) ? key[..^BridgeSuffix.Length]
        : key.EndsWith(BridgedSuffix, StringComparison.Ordinal) ? key[..^BridgedSuffix.Length] : key;

    private void OnActionChanged(ActionRecord a)
    {
        var key = a.IdempotencyKey ?? "";
        if (_checks.TryGetValue(key, out var checkedCaller))
        {
            OnChecked(key, checkedCaller, a);
            return;
        }
        if (!_legs.TryGetValue(ReservationOf(key), out var leg)) return;
        var now = DateTimeOffset.UtcNow;
        if (key == leg.ReservationId) leg.LastStatus = a.Status;
        if (leg.Stopped)
        {
            // A leg given up while the agent rang (ring-all lost, caller gone): hang up if it answers after all.
            if (a.Status == ActionStatus.Up && a.Channel is { } late && leg.AgentChannel is null)
            {
                leg.AgentChannel = late;
                HangUp(leg);
            }
            if (a.IsDone || a.Status == ActionStatus.Ended) _legs.Remove(leg.ReservationId);
            return;
        }
        if (key.EndsWith(BridgedSuffix, StringComparison.Ordinal)) OnBridgeChecked(leg, a, now);
        else if (key.EndsWith(BridgeSuffix, StringComparison.Ordinal)) OnBridge(leg, a, now);
        else if (leg.Mode == ConnectMode.Redirect) OnRedirect(leg, a, now);
        else OnOriginate(leg, a, now);
    }

    private void OnRedirect(Leg leg, ActionRecord a, DateTimeOffset now)
    {
        switch (a.Status)
        {
            case ActionStatus.Failed when a.Message?.Contains("does not exist", StringComparison.OrdinalIgnoreCase) == true:
                Record(_state.CallerHungUp(leg.Caller, now)); // the caller's channel is gone: it hung up unseen
                break;
            case ActionStatus.Refused: // the node saw the caller's channel end: not sent
                Record(_state.CallerHungUp(leg.Caller, now));
                break;
            case ActionStatus.Expired: // not sent in time: nobody rang, the agent did nothing wrong
                EndLeg(leg, OfferOutcome.Expired, now);
                break;
            case ActionStatus.Unknown:
                AwaitDeadline(leg, now);
                break;
            case ActionStatus.Failed or ActionStatus.Cancelled:
                EndLeg(leg, OfferOutcome.Unavailable, now);
                break;
        }
    }

    private void OnOriginate(Leg leg, ActionRecord a, DateTimeOffset now)
    {
        switch (a.Status)
        {
            case ActionStatus.Up when leg.AgentChannel is null:
                leg.AgentChannel = a.Channel;
                leg.AgentLinkedId = a.LinkedId;
                var caller = _state.FindByReservation(leg.ReservationId);
                if (caller is null || a.Channel is null)
                {
                    HangUp(leg);
                    return;
                }
                Submit(leg.Caller.Node, "Bridge", [new("Channel1", caller.Joined.Channel), new("Channel2", a.Channel)],
                    leg.ReservationId + BridgeSuffix);
                break;
            case ActionStatus.Failed:
                EndLeg(leg, int.TryParse(a.Reason, out var reason) ? DialStatuses.FromOriginateReason(reason) : OfferOutcome.Unavailable, now);
                break;
            case ActionStatus.Expired:
                EndLeg(leg, OfferOutcome.Expired, now);
                break;
            case ActionStatus.Unknown:
                AwaitDeadline(leg, now);
                break;
            case ActionStatus.Cancelled:
                EndLeg(leg, OfferOutcome.Unavailable, now);
                break;
            case ActionStatus.Ended:
                if (_state.Find(leg.Caller)?.Connection?.ReservationId == leg.ReservationId)
                    Record(_state.CallEnded(leg.Caller, now, byAgent: true) is { } done ? [done] : []);
                else EndLeg(leg, OfferOutcome.Rejected, now); // hung up before it was bridged
                break;
        }
    }

    private void OnBridge(Leg leg, ActionRecord a, DateTimeOffset now)
    {
        if (a.Status == ActionStatus.Refused)
        {
            HangUp(leg);
            Record(_state.CallerHungUp(leg.Caller, now));
        }
        else if (a.Status == ActionStatus.Succeeded)
            Record(_state.Answered(leg.ReservationId, now, leg.AgentLinkedId ?? leg.ChannelId));
        else if (a.Status == ActionStatus.Failed)
        {
            HangUp(leg);
            if (a.Message?.Contains("Channel1", StringComparison.Ordinal) == true) Record(_state.CallerHungUp(leg.Caller, now));
            else EndLeg(leg, OfferOutcome.Unavailable, now);
        }
    }

    /// <summary>The connect went on the wire and its member died before Asterisk answered: the agent may be ringing
    /// or talking. Ending the leg now would put the caller back in line (a second connect could pull a connected
    /// caller away) and free the agent while it may be on this call: the dialplan's result or the caller's hang-up
    /// ends it as usual, and without news the leg's watch ends it after the deadline, when the agent lets go anyway.</summary>
    private void AwaitDeadline(Leg leg, DateTimeOffset now) =>
        _log.Warning("queue {0}: connect of {1} to agent {2} may have happened (its member died before the answer); " +
                     "held until the reservation's deadline {3:HH:mm:ss.fff}", _name, leg.Caller, leg.AgentId, leg.Deadline);

    private void EndLeg(Leg leg, OfferOutcome outcome, DateTimeOffset now) =>
        Record(_state.LegEnded(leg.ReservationId, outcome, now) is { } ended ? [ended] : []);

    /// <summary>A leg that will not be connected: an originated agent still ringing or up is hung up.</summary>
    private void StopLeg(string reservationId, OfferOutcome outcome)
    {
        if (!_legs.TryGetValue(reservationId, out var leg)) return;
        if (leg.Mode == ConnectMode.OriginateBridge && outcome is not (OfferOutcome.NoAnswer or OfferOutcome.Busy
                or OfferOutcome.Unavailable or OfferOutcome.Rejected))
        {
            leg.Stopped = true; // kept until its Originate is over, to hang up a late answer
            HangUp(leg);
            return;
        }
        _legs.Remove(reservationId);
    }

    private void HangUp(Leg leg)
    {
        var channel = leg.AgentChannel ?? leg.ChannelId; // Asterisk finds a channel by name or by Uniqueid
        if (channel is null) return;
        Submit(leg.Caller.Node, "Hangup", [new("Channel", channel)], $"{leg.ReservationId}/hangup/{channel}");
    }

    private void ForgetLeg(string reservationId) => _legs.Remove(reservationId);

    // ---------------------------------------------------------------- what the caller's node reports

    private void OnHangup(CallerHungUp h)
    {
        var sender = Sender;
        Record(_state.CallerHungUp(h.Caller, h.At), () => Took(sender, h.Caller, nameof(CallerHungUp)), dispatchAfter: false);
    }

    /// <summary>Tells the node that sent a caller's signal that it is journaled (the node sends it again until then).</summary>
    private void Took(IActorRef node, CallerKey caller, string signal) => node.Tell(new QueueSignalTaken(_name, caller, signal));

    private void OnDialAnswered(CallerDialAnswered d)
    {
        var sender = Sender;
        void Done() => Took(sender, d.Caller, nameof(CallerDialAnswered));
        if (_state.Find(d.Caller) is not { Phase: CallerPhase.Ringing } caller)
        {
            Done();
            return;
        }
        var reservation = caller.Offers.FirstOrDefault(o => o.Mode == ConnectMode.Redirect)?.ReservationId;
        if (reservation is not null)
            Record(_state.Answered(reservation, d.At, _legs.GetValueOrDefault(reservation)?.AgentLinkedId), Done, dispatchAfter: false);
        else Done();
    }

    private void OnConnectResult(ConnectResultReported r)
    {
        var sender = Sender;
        void Done() => Took(sender, r.Caller, nameof(ConnectResultReported));
        if (_state.Find(r.Caller) is not { } caller)
        {
            Done();
            return;
        }
        var outcome = DialStatuses.ToOutcome(r.DialStatus);
        if (caller.Connection is not null)
        {
            if (outcome is null) Record(_state.CallEnded(r.Caller, r.At, byAgent: true) is { } done ? [done] : [], Done, dispatchAfter: false);
            else Done();
            return;
        }
        var offer = caller.Offers.FirstOrDefault(o => o.Mode == ConnectMode.Redirect);
        // A result naming another agent (by route or id) is a copy of an earlier offer's, sent again after a member
        // died: not this one's.
        if (offer is null || (_directory.AgentByExtensionOrId(r.Agent) is { } named && named.Id != offer.AgentId))
        {
            Done();
            return;
        }
        if (outcome is { } failed)
        {
            Record(_state.LegEnded(offer.ReservationId, failed, r.At) is { } ended ? [ended] : [], Done, dispatchAfter: false);
            return;
        }
        // ANSWER without the DialEnd seen: connected and already over.
        var events = _state.Answered(offer.ReservationId, r.At).ToList();
        Record(events, () => Record(_state.CallEnded(r.Caller, r.At, byAgent: true) is { } done ? [done] : [], Done, dispatchAfter: false));
    }

    private void OnNodeRestarted(NodeRestarted n) => Record(_state.NodeRestarted(n.Node, n.At));
}
