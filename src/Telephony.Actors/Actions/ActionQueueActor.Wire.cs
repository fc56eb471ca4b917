using Akka.Actor;
using Akka.Event;
using Telephony.Actors.Calls;
using Telephony.Ami.Actions;
using Telephony.Ami.Client;
using Telephony.Ami.Protocol;
using Telephony.Domain.Actions;

namespace Telephony.Actors.Actions;

/// <summary>The queue's wire side: sending what is due, reading responses and the node's events, reconciling.</summary>
public sealed partial class ActionQueueActor
{
    private sealed record Responded(string Id, int Session, AmiMessage Response);
    private sealed record NotSent(string Id, string Reason);
    private sealed record ResponseLost(string Id, int Session, string Reason);
    private sealed record OriginateOutcome(string Id, AmiMessage Event);
    private sealed record Reconciled(string Id, ReconcileOutcome Outcome, string Detail, string? Channel);

    private static readonly HashSet<string> NotReturned = new(StringComparer.OrdinalIgnoreCase)
        { "Response", "ActionID", "Message", "EventList" };

    private AmiClient? _client;
    private int _session;

    private void Connection(ActionConnection c)
    {
        _client = c.Client;
        _session = c.Session;
        if (_client is null) return;
        // Events were not observed while there was no session: an Originate's OriginateResponse or its channel's
        // Hangup may be among them. Ask again about every call that was dialling or up.
        foreach (var a in _book.All)
            if (a.CreatesCall && a.Status is ActionStatus.Succeeded or ActionStatus.Up) _toReconcile.Add(a.Id);
        if (_toReconcile.Count > 0) Reconcile([.. _toReconcile]);
        QueuePump();
    }

    /// <summary>Takes what is due, refuses what aims at ended channels, journals the rest as Sent and writes each once
    /// its Sent step is safe.</summary>
    private void SendDue()
    {
        if (_client is null) return;
        var now = DateTimeOffset.UtcNow;
        var expired = new List<string>();
        var due = _scheduler.TakeDue(now, _settings.SendBatch, expired);
        foreach (var id in expired) Expire(id);
        foreach (var id in due)
        {
            var action = _book.Find(id)!;
            if (EndedTarget(action) is { } ended)
            {
                Move(new ActionTransition(id, ActionStatus.Refused, now) { Message = $"channel {ended} has ended; not sent" });
                continue;
            }
            var session = _session;
            Move(new ActionTransition(id, ActionStatus.Sent, now), sent => Write(sent, session));
        }
        if (_scheduler.NextCheck(DateTimeOffset.UtcNow) is { } wait)
        {
            if (wait <= TimeSpan.Zero && due.Count == _settings.SendBatch) QueuePump();
            else Timers.StartSingleTimer("pump", new Pump(), wait < TimeSpan.FromMilliseconds(1) ? TimeSpan.FromMilliseconds(1) : wait);
        }
    }

    private string? EndedTarget(ActionRecord action)
    {
        foreach (var header in ActionKinds.ChannelHeaders(action.Action))
            if (action.Headers.FirstOrDefault(h => h.Key.Equals(header, StringComparison.OrdinalIgnoreCase)).Value is { Length: > 0 } channel
                && _ended.HasEnded(channel))
                return channel;
        return null;
    }

    private void Write(ActionRecord action, int session)
    {
        var client = _client;
        var self = Self;
        var id = action.Id;
        if (client is null || session != _session)
        {
            self.Tell(new NotSent(id, "the connection went down before it was written"));
            return;
        }
        var ami = new AmiAction(action.Action);
        foreach (var (k, v) in action.Headers) ami.Add(k, v);
        try
        {
            if (action.CreatesCall) WriteOriginate(client, ami, id, session, self);
            else
                client.SendActionAsync(ami, _settings.ResponseTimeout).ContinueWith(t =>
                {
                    if (t.IsCompletedSuccessfully) self.Tell(new Responded(id, session, t.Result));
                    else self.Tell(Lost(id, session, t.Exception));
                }, TaskContinuationOptions.ExecuteSynchronously);
        }
        catch (AmiNotConnectedException e)
        {
            self.Tell(new NotSent(id, e.Message));
        }
    }

    /// <summary>The client matches the OriginateResponse to this Originate by ActionID; the node's events match it by
    /// ChannelId too (after a reconnect only that is left). Whichever comes first moves the action.</summary>
    private void WriteOriginate(AmiClient client, AmiAction ami, string id, int session, IActorRef self) =>
        client.OriginateAsync(ami).ContinueWith(t =>
        {
            if (t.IsCompletedSuccessfully)
            {
                self.Tell(new Responded(id, session, t.Result.Response));
                t.Result.Outcome.ContinueWith(o =>
                {
                    if (o.IsCompletedSuccessfully) self.Tell(new OriginateOutcome(id, o.Result.Message));
                }, TaskContinuationOptions.ExecuteSynchronously);
            }
            else if (t.Exception?.GetBaseException() is AmiActionFailedException failed) self.Tell(new Responded(id, session, failed.Response));
            else self.Tell(Lost(id, session, t.Exception));
        }, TaskContinuationOptions.ExecuteSynchronously);

    private static object Lost(string id, int session, AggregateException? error) => error?.GetBaseException() switch
    {
        AmiNotConnectedException nc => new NotSent(id, nc.Message),
        { } e => new ResponseLost(id, session, e.Message),
        null => new ResponseLost(id, session, "cancelled"),
    };

    private void OnResponse(Responded r)
    {
        // Its OriginateResponse came first: the Up step says Asterisk answered.
        if (_book.Find(r.Id) is not { Status: ActionStatus.Sent } action || _moving.Contains((r.Id, ActionStatus.Up))) return;
        var m = r.Response;
        var returned = action.CreatesCall ? null : m.Headers.Where(h => !NotReturned.Contains(h.Key)).Take(32).ToList();
        Move(new ActionTransition(r.Id, m.IsSuccess ? ActionStatus.Succeeded : ActionStatus.Failed, DateTimeOffset.UtcNow)
        {
            Message = m["Message"] ?? (m.IsSuccess ? null : "error (no message)"),
            Returned = returned is { Count: > 0 } ? returned : null,
        });
    }

    /// <summary>Proven never written (no connection): back in the queue, sent after reconnect.</summary>
    private void OnNotSent(NotSent n)
    {
        if (_book.Find(n.Id) is not { Status: ActionStatus.Sent }) return;
        Move(new ActionTransition(n.Id, ActionStatus.Queued, DateTimeOffset.UtcNow) { Message = "not written: " + n.Reason },
            queued =>
            {
                _scheduler.OriginateFinished(queued.Id);
                _scheduler.Enqueue(queued, ++_sequence);
            });
    }

    /// <summary>Written, and the answer never came (connection lost, timeout): it may have run.</summary>
    private void OnResponseLost(ResponseLost l)
    {
        if (_book.Find(l.Id) is not { Status: ActionStatus.Sent }) return;
        _log.Warning("action queue {0}: {1} may have run, no response ({2}); reconciling", _node, l.Id, l.Reason);
        _toReconcile.Add(l.Id);
        if (_client is not null && l.Session == _session) Reconcile([l.Id]);
    }

    private void OnChannelEvents(NodeChannelEvents e)
    {
        var now = DateTimeOffset.UtcNow;
        foreach (var m in e.Events)
        {
            switch (m.EventName)
            {
                case "Newchannel" when m["Channel"] is { } started:
                    _ended.Started(started);
                    break;
                case "Hangup":
                    if (m["Channel"] is { } channel) _ended.Ended(channel);
                    // Up, or its Up step still on its way to the journal (steps are applied in order).
                    if (m["Uniqueid"] is { } uid && _book.FindByChannelId(uid) is { } up &&
                        (up.Status is ActionStatus.Up or ActionStatus.Unknown || _moving.Contains((up.Id, ActionStatus.Up))))
                        Move(new ActionTransition(up.Id, ActionStatus.Ended, now)
                        {
                            // Message keeps Asterisk's response to the action; the cause number says how it ended.
                            HangupCause = int.TryParse(m["Cause"], out var cause) ? cause : null,
                        });
                    break;
                case "OriginateResponse":
                    if (m["Uniqueid"] is { } id && _book.FindByChannelId(id) is { Status: ActionStatus.Sent or ActionStatus.Succeeded or ActionStatus.Unknown } o)
                        Originated(o, m, now);
                    break;
            }
        }
    }

    private void OnOriginateOutcome(OriginateOutcome o)
    {
        if (_book.Find(o.Id) is { Status: ActionStatus.Sent or ActionStatus.Succeeded or ActionStatus.Unknown } action)
            Originated(action, o.Event, DateTimeOffset.UtcNow);
    }

    private void Originated(ActionRecord action, AmiMessage m, DateTimeOffset now)
    {
        var reason = int.TryParse(m["Reason"], out var r) ? r : (int?)null;
        if (m.IsSuccess || string.Equals(m["Response"], "Success", StringComparison.OrdinalIgnoreCase))
            Move(new ActionTransition(action.Id, ActionStatus.Up, now)
            {
                Channel = m["Channel"], UniqueId = m["Uniqueid"], LinkedId = action.ChannelId, Reason = OriginateReasons.Describe(reason),
            });
        else
            Move(new ActionTransition(action.Id, ActionStatus.Failed, now)
            {
                Reason = OriginateReasons.Describe(reason), Message = "OriginateResponse: " + (m["Response"] ?? "Failure"),
            });
    }

    /// <summary>Gathers the evidence for each action (Asterisk's live channels, the call journal) off the actor and
    /// reports a <see cref="Reconciled"/> per action.</summary>
    private void Reconcile(IReadOnlyList<string> ids)
    {
        var client = _client!;
        var actions = ids.Select(id => _book.Find(id)).OfType<ActionRecord>().ToList();
        foreach (var a in actions) _toReconcile.Remove(a.Id);
        var self = Self;
        var calls = _calls;
        var node = _node;
        _ = Task.Run(async () =>
        {
            Dictionary<string, (string Channel, bool Up)>? live = null;
            if (actions.Any(a => a.CreatesCall))
            {
                try
                {
                    var list = await client.SendListActionAsync(AmiActions.CoreShowChannels(), TimeSpan.FromSeconds(10));
                    live = new(StringComparer.Ordinal);
                    foreach (var item in await list.ToListAsync())
                        if (item["Uniqueid"] is { } u)
                            live[u] = (item["Channel"] ?? "", string.Equals(item["ChannelStateDesc"], "Up", StringComparison.OrdinalIgnoreCase));
                }
                catch (Exception)
                {
                    live = null; // cannot ask Asterisk: evidence from the journal alone
                }
            }
            foreach (var a in actions)
            {
                if (!a.CreatesCall || a.ChannelId is null)
                {
                    var outcome = ActionReconciliation.Decide(a, new ReconcileEvidence(NeverWritten: false));
                    self.Tell(new Reconciled(a.Id, outcome, "no response was read", null));
                    continue;
                }
                (string Channel, bool Up) channel = default;
                var isLive = live?.TryGetValue(a.ChannelId, out channel) == true;
                CallStateView? view = null;
                if (!isLive)
                {
                    try
                    {
                        view = await calls.Ask<CallStateView>(new GetCallState(node, a.ChannelId), TimeSpan.FromSeconds(10));
                    }
                    catch (Exception)
                    {
                        view = null;
                    }
                }
                var evidence = new ReconcileEvidence(false, live is null ? null : isLive, isLive && channel.Up,
                    view is { } v && v.CelCount + v.CdrCount > 0, view is { LinkedIdEnded: true });
                self.Tell(new Reconciled(a.Id, ActionReconciliation.Decide(a, evidence),
                    isLive ? "its channel is live in Asterisk" : view is { CelCount: > 0 } ? "its call is in the journal" : "no trace in Asterisk or the journal",
                    isLive ? channel.Channel : null));
            }
        });
    }

    private void OnReconciled(Reconciled r)
    {
        if (_book.Find(r.Id) is not { } a || a.Status.IsFinal() && a.Status != ActionStatus.Unknown) return;
        var now = DateTimeOffset.UtcNow;
        var message = "reconciled: " + r.Detail;
        switch (r.Outcome)
        {
            case ReconcileOutcome.SendAgain when a.Status == ActionStatus.Sent:
                Move(new ActionTransition(a.Id, ActionStatus.Queued, now) { Message = message + "; sent again (safe to repeat)" },
                    q => _scheduler.Enqueue(q, ++_sequence));
                break;
            case ReconcileOutcome.Sent when a.Status == ActionStatus.Sent:
                Move(new ActionTransition(a.Id, ActionStatus.Succeeded, now) { Message = message, Channel = r.Channel });
                break;
            case ReconcileOutcome.Up when a.Status != ActionStatus.Up && r.Channel is { } gone && _ended.HasEnded(gone):
                // Listed live, then hung up before this answer came back: its Hangup found the action not yet Up and
                // passed by, so moving it Up now would leave it Up for ever (a CI run of ActionCrashTests saw two).
                Move(new ActionTransition(a.Id, ActionStatus.Ended, now)
                    { Message = message + "; ended before it was reconciled", Channel = gone, UniqueId = a.ChannelId, LinkedId = a.ChannelId });
                break;
            case ReconcileOutcome.Up when a.Status != ActionStatus.Up:
                Move(new ActionTransition(a.Id, ActionStatus.Up, now) { Message = message, Channel = r.Channel, UniqueId = a.ChannelId, LinkedId = a.ChannelId });
                break;
            case ReconcileOutcome.Ended:
                Move(new ActionTransition(a.Id, ActionStatus.Ended, now)
                    { Message = message + "; ended while unobserved", UniqueId = a.ChannelId, LinkedId = a.ChannelId });
                break;
            case ReconcileOutcome.Unknown when a.Status != ActionStatus.Unknown:
                Move(new ActionTransition(a.Id, ActionStatus.Unknown, now) { Message = message + "; not resent" });
                break;
        }
    }
}
