using System.Collections.Immutable;
using Akka.Actor;
using Akka.Event;
using Akka.Persistence;
using Akka.Persistence.Journal;
using Telephony.Ami.Client;
using Telephony.Domain.Actions;

namespace Telephony.Actors.Actions;

/// <summary>
/// One Asterisk node's queue of AMI actions (persistence id <c>actions/&lt;node&gt;</c>), a child of the node entity:
/// it sends on the node's one AMI session, sees the node's events first-hand and moves with it when the shard moves,
/// so there is never a second writer for a node's actions. Every step is journaled, and a <c>Sent</c> step before the
/// bytes go on the wire; after a crash or a dropped connection an action that may have run is reconciled, never resent
/// blindly (<see cref="ActionReconciliation"/>). What to send when is the <see cref="ActionScheduler"/>'s decision,
/// what the queue holds the <see cref="ActionBook"/>'s.
/// </summary>
public sealed partial class ActionQueueActor : ReceivePersistentActor, IWithTimers
{
    private sealed record Pump;
    private sealed record Sweep;

    private static readonly ImmutableHashSet<string> Tags = ImmutableHashSet.Create(ActionTags.Actions);

    private readonly string _node;
    private readonly ActionQueueSettings _settings;
    private readonly IActorRef _calls;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly ActionBook _book;
    private readonly ActionScheduler _scheduler;
    private readonly RecentChannels _ended;
    private readonly Dictionary<string, List<IActorRef>> _pendingKeys = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<IActorRef>> _subscribers = new(StringComparer.Ordinal);
    private readonly HashSet<string> _toReconcile = new(StringComparer.Ordinal);
    private readonly HashSet<(string, ActionStatus)> _moving = new();
    private long _sequence;
    private int _sinceSnapshot;
    private int _submitting; // accepted, being journaled
    private DateTime _snapshotAt = DateTime.UtcNow;
    private static readonly TimeSpan SnapshotInterval = TimeSpan.FromMinutes(2);
    private bool _pumpQueued;

    public ActionQueueActor(string node, ActionQueueSettings settings, IActorRef callRegion)
    {
        _node = node;
        _settings = settings;
        _calls = callRegion;
        _book = new ActionBook(settings.KeepFinished);
        _scheduler = new ActionScheduler(settings.Limits);
        _ended = new RecentChannels(settings.RememberEndedChannels);

        Recover<SnapshotOffer>(o =>
        {
            if (o.Snapshot is not ActionQueueSnapshot s) return;
            foreach (var a in s.Actions) _book.Add(a);
            _book.NumberedUpTo(s.LastNumber); // finished actions it forgot still used their numbers
        });
        Recover<ActionQueued>(q => _book.Add(q.Action));
        Recover<ActionMoved>(m => _book.Apply(m.Transition));
        Recover<RecoveryCompleted>(_ => Recovered());

        Command<SubmitAction>(Submit);
        Command<GetAction>(g => Sender.Tell(_book.Find(g.Id) is { } a ? new ActionFound(a) : NotFound(g.Id)));
        Command<ListActions>(l =>
        {
            var page = _book.List(l.Status, l.Limit, l.Before);
            var fit = ActionPages.Fitting(page);
            Sender.Tell(new ActionList(_node, fit < page.Count ? page[..fit] : page,
                _book.Counts.Where(c => c.Value > 0).ToDictionary(c => c.Key, c => c.Value),
                fit < page.Count ? ActionBook.NumberOf(page[fit - 1].Id) : null));
        });
        Command<CancelAction>(Cancel);
        Command<SubscribeAction>(Subscribe);
        Command<Terminated>(t => { foreach (var s in _subscribers.Values) s.Remove(t.ActorRef); });
        Command<ActionConnection>(Connection);
        Command<NodeChannelEvents>(OnChannelEvents);
        Command<Pump>(_ =>
        {
            _pumpQueued = false;
            SendDue();
        });
        Command<Sweep>(_ => ExpireOverdue());
        Command<Responded>(OnResponse);
        Command<NotSent>(OnNotSent);
        Command<ResponseLost>(OnResponseLost);
        Command<Reconciled>(OnReconciled);
        Command<OriginateOutcome>(OnOriginateOutcome);
        Command<SaveSnapshotSuccess>(s => DeleteSnapshots(new SnapshotSelectionCriteria(s.Metadata.SequenceNr - 1)));
        Command<SaveSnapshotFailure>(f => _log.Warning("action queue {0}: snapshot failed: {1}", _node, f.Cause.Message));
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(_ => { });
    }

    public override string PersistenceId => "actions/" + _node;

    // While the journal database is down: one error and a summary per window, not a stack trace per start.
    protected override void OnRecoveryFailure(Exception reason, object? message = null) =>
        Telephony.Actors.Persistence.RecoveryFailures.Get(Context.System).Report(PersistenceId, reason, message);

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(string node, ActionQueueSettings settings, IActorRef callRegion) =>
        Akka.Actor.Props.Create(() => new ActionQueueActor(node, settings, callRegion));

    private void Recovered()
    {
        foreach (var a in _book.All.OrderBy(a => ActionBook.NumberOf(a.Id)))
        {
            if (a.Status == ActionStatus.Queued) _scheduler.Enqueue(a, ++_sequence);
            // Written (or about to be) by an earlier owner or session: reconciled once connected, never resent blindly.
            else if (a.Status is ActionStatus.Sent or ActionStatus.Succeeded or ActionStatus.Up && !IsSettledQuery(a))
            {
                _toReconcile.Add(a.Id);
                if (a.InProgress) _scheduler.OriginateStarted(a.Id);
            }
        }
        Timers.StartPeriodicTimer("sweep", new Sweep(), TimeSpan.FromSeconds(1));
        if (_book.Count > 0)
            _log.Info("action queue {0}: recovered {1} actions ({2} queued, {3} to reconcile)", _node, _book.Count,
                _scheduler.Count, _toReconcile.Count);
    }

    /// <summary>A query that succeeded needs nothing more; only Sent ones and unfinished Originates are reconciled.</summary>
    private static bool IsSettledQuery(ActionRecord a) => a.Status == ActionStatus.Succeeded && !a.CreatesCall;

    private void Submit(SubmitAction submit)
    {
        var request = submit.Request;
        var errors = ActionRequestValidator.Validate(request, _settings.Policy);
        if (errors.Count > 0)
        {
            Sender.Tell(new ActionRefused(_node, ActionRefusalKind.Invalid, errors));
            return;
        }
        if (request.IdempotencyKey is { } key)
        {
            if (_book.FindByKey(key) is { } existing)
            {
                Sender.Tell(new ActionSubmitted(existing, Existing: true));
                return;
            }
            if (_pendingKeys.TryGetValue(key, out var waiting))
            {
                // The first submission is being journaled: same answer for both (a sender asking again while the
                // journal is slow, e.g. a queue's connect watch, is answered once).
                if (!waiting.Contains(Sender)) waiting.Add(Sender);
                return;
            }
        }
        if (_scheduler.Count + _submitting >= _settings.Limits.MaxQueued)
        {
            Sender.Tell(new ActionRefused(_node, ActionRefusalKind.QueueFull,
                [new ActionRequestError("node", $"{_node}'s queue holds its limit of {_settings.Limits.MaxQueued} waiting actions; retry later")]));
            return;
        }
        var action = NewRecord(request);
        var sender = Sender;
        if (action.IdempotencyKey is { } k) _pendingKeys[k] = [];
        _submitting++;
        var now = DateTimeOffset.UtcNow;
        if (_client is not null && EndedTarget(action) is null && _scheduler.TryTakeNow(action, now))
        {
            // Nothing waits ahead of it: Queued and Sent go to the journal in one write, then the bytes to Asterisk.
            var sent = new ActionTransition(action.Id, ActionStatus.Sent, now);
            var session = _session;
            _moving.Add((action.Id, ActionStatus.Sent));
            PersistAllAsync([new Tagged(new ActionQueued(action), Tags), new Tagged(new ActionMoved(_node, sent), Tags)], e =>
            {
                if (e.Payload is ActionQueued)
                {
                    Accepted(action, sender, enqueue: false);
                    return;
                }
                _moving.Remove((action.Id, ActionStatus.Sent));
                AfterPersist();
                if (_book.Apply(sent) is not { } moved) return;
                Notify(moved);
                Write(moved, session);
            });
            return;
        }
        PersistAsync(new Tagged(new ActionQueued(action), Tags), _ => Accepted(action, sender, enqueue: true));
    }

    private void Accepted(ActionRecord action, IActorRef sender, bool enqueue)
    {
        _submitting--;
        _book.Add(action);
        if (enqueue) _scheduler.Enqueue(action, ++_sequence);
        var answer = new ActionSubmitted(action, Existing: false);
        sender.Tell(answer);
        if (action.IdempotencyKey is { } key && _pendingKeys.Remove(key, out var others))
            foreach (var other in others) other.Tell(answer with { Existing = true });
        AfterPersist();
        if (enqueue) QueuePump();
    }

    private ActionRecord NewRecord(ActionRequest request)
    {
        var headers = request.Headers.ToList();
        string? channelId = null, otherChannelId = null;
        if (ActionKinds.CreatesCall(request.Action))
        {
            // Correlation by id, not by CallerID tricks: Asterisk makes these the channels' Uniqueids (and the LinkedID).
            channelId = request["ChannelId"] ?? Guid.NewGuid().ToString();
            otherChannelId = request["OtherChannelId"] ?? Guid.NewGuid().ToString();
            if (request["ChannelId"] is null) headers.Add(new("ChannelId", channelId));
            if (request["OtherChannelId"] is null) headers.Add(new("OtherChannelId", otherChannelId));
            if (request["Async"] is null) headers.Add(new("Async", "true"));
        }
        return new ActionRecord
        {
            Id = _book.NextId(_node),
            Node = _node,
            Action = request.Action,
            Headers = headers,
            IdempotencyKey = request.IdempotencyKey,
            Priority = request.Priority ?? ActionKinds.DefaultPriority(request.Action),
            NotBefore = request.NotBefore,
            ExpiresAt = request.ExpiresAt,
            ChannelId = channelId,
            OtherChannelId = otherChannelId,
            QueuedAt = DateTimeOffset.UtcNow,
        };
    }

    private void Cancel(CancelAction cancel)
    {
        var action = _book.Find(cancel.Id);
        if (action is null)
        {
            Sender.Tell(NotFound(cancel.Id));
            return;
        }
        if (action.Status != ActionStatus.Queued || !_scheduler.Remove(action.Id))
        {
            Sender.Tell(new ActionRefused(_node, ActionRefusalKind.Conflict,
                [new ActionRequestError("id", $"{action.Id} is {action.Status}: only a queued action can be cancelled")]));
            return;
        }
        var sender = Sender;
        Move(new ActionTransition(action.Id, ActionStatus.Cancelled, DateTimeOffset.UtcNow) { Message = "cancelled by a client" },
            moved => sender.Tell(new ActionFound(moved)));
    }

    private void Subscribe(SubscribeAction s)
    {
        if (_book.Find(s.Id) is not { } action)
        {
            s.Subscriber.Tell(NotFound(s.Id));
            return;
        }
        s.Subscriber.Tell(new ActionChanged(action));
        if (action.IsDone) return;
        if (!_subscribers.TryGetValue(s.Id, out var set)) _subscribers[s.Id] = set = [];
        if (set.Add(s.Subscriber)) Context.Watch(s.Subscriber);
    }

    /// <summary>Journals a step, then applies it, tells subscribers and runs <paramref name="then"/>. A step the
    /// lifecycle does not allow by the time it is journaled changes nothing (the book refuses it on replay too).</summary>
    private void Move(ActionTransition t, Action<ActionRecord>? then = null)
    {
        // The same step reported twice before the first is journaled (an OriginateResponse through the client and
        // through the node's events) is journaled once.
        if (!_moving.Add((t.Id, t.To))) return;
        PersistAsync(new Tagged(new ActionMoved(_node, t), Tags), _ =>
        {
            _moving.Remove((t.Id, t.To));
            var moved = _book.Apply(t);
            AfterPersist();
            if (moved is null) return;
            if (moved.CreatesCall && !moved.InProgress) _scheduler.OriginateFinished(moved.Id);
            Notify(moved);
            then?.Invoke(moved);
        });
    }

    private void Notify(ActionRecord action)
    {
        if (!_subscribers.TryGetValue(action.Id, out var set)) return;
        foreach (var s in set) s.Tell(new ActionChanged(action));
        if (action.IsDone) _subscribers.Remove(action.Id);
    }

    /// <summary>A snapshot holds every action the queue keeps, finished ones without their headers (the ids, keys,
    /// statuses and times are what a finished action is asked for; the journal keeps the rest). Taken after
    /// snapshot-every events and at most every two minutes: writing 10,000 records every few hundred Originates made
    /// the collector's pauses the tail of submit-to-wire latency (figures in docs/performance.md).</summary>
    private void AfterPersist()
    {
        if (++_sinceSnapshot < _settings.SnapshotEvery || DateTime.UtcNow - _snapshotAt < SnapshotInterval) return;
        _sinceSnapshot = 0;
        _snapshotAt = DateTime.UtcNow;
        SaveSnapshot(new ActionQueueSnapshot(_node, _book.LastNumber,
            _book.All.Select(a => a.IsDone ? a with { Headers = [], Returned = null } : a).ToList()));
    }

    private ActionRefused NotFound(string id) =>
        new(_node, ActionRefusalKind.NotFound, [new ActionRequestError("id", $"no action {id} on {_node} (it may be older than the last {_settings.KeepFinished} finished)")]);

    private void QueuePump()
    {
        if (_pumpQueued) return;
        _pumpQueued = true;
        Self.Tell(new Pump());
    }

    private void ExpireOverdue()
    {
        foreach (var id in _scheduler.TakeExpired(DateTimeOffset.UtcNow)) Expire(id);
        if (_client is not null && _scheduler.Count > 0) QueuePump();
    }

    private void Expire(string id) =>
        Move(new ActionTransition(id, ActionStatus.Expired, DateTimeOffset.UtcNow) { Message = "not sent before its expiresAt" });

    protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr)
    {
        _log.Error(cause, "action queue {0}: journal write failed; restarting from the journal", _node);
        base.OnPersistFailure(cause, @event, sequenceNr);
    }
}
