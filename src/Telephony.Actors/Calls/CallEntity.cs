using System.Collections.Immutable;
using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Event;
using Akka.Persistence;
using Akka.Persistence.Journal;
using Telephony.Domain.Billing;

namespace Telephony.Actors.Calls;

/// <summary>
/// One call: every CEL and Cdr event sharing a LinkedID on one Asterisk node, journaled exactly once. Copies (a
/// reconnect, a second source, a redelivery) are recognised by their identity and only acknowledged. When the call
/// ends (LINKEDID_END, or every channel gone and nothing more for the idle timeout) it derives the billing records
/// and journals them; a late event that changes them journals an amended revision. Passivates once complete.
/// </summary>
public sealed class CallEntity : PersistentActor
{
    private sealed record IdleCompletionDue(int EventsSeen);

    private readonly string _node;
    private readonly string _linkedId;
    private readonly CallSettings _settings;
    private readonly TimeZoneInfo _timeZone;
    private readonly CallState _state = new();

    public CallEntity(string entityId, CallSettings settings, Func<string, TimeZoneInfo> timeZoneOfNode)
    {
        (_node, _linkedId) = CallEntityId.Split(entityId);
        _settings = settings;
        _timeZone = timeZoneOfNode(_node);
        PersistenceId = "call/" + entityId;
        // A call never snapshots (it is short and small): not asking the snapshot store on every start saves a
        // database round trip per call.
        SnapshotPluginId = "akka.persistence.no-snapshot-store";
    }

    // Handlers as plain switches: a ReceivePersistentActor builds its match handlers per instance, and calls start by
    // the thousand (it showed as ~4 % of the ingest pipeline's CPU).
    protected override bool ReceiveRecover(object message)
    {
        switch (message)
        {
            case CallEventsRecorded recorded:
                _state.Apply(recorded);
                return true;
            case CallCompleted completed:
                _state.Apply(completed);
                return true;
            case RecoveryCompleted:
                if (!AfterEvents() && (_state.EventCount == 0 || (_state.Revision > 0 && _state.EventsSinceCompletion == 0)))
                    // Complete and up to date already, or nothing at all (a query for a call that does not exist): woken
                    // by a query or a late event, not by a call in progress. After a restart thousands of these may wake
                    // at once; they need not linger. Events for a call in progress cancel this (see Record).
                    Context.SetReceiveTimeout(_settings.PassivateAfterRecovery);
                return true;
            default:
                return false;
        }
    }

    protected override bool ReceiveCommand(object message)
    {
        switch (message)
        {
            case RecordCallEvents command:
                Record(command);
                return true;
            case GetCallState:
                Sender.Tell(View());
                return true;
            case IdleCompletionDue due:
                if (due.EventsSeen == _state.EventCount && !_state.LinkedIdEnded) Complete("idle-timeout");
                return true;
            case ReceiveTimeout:
                Context.Parent.Tell(new Passivate(StopCall.Instance));
                return true;
            case StopCall:
                Context.Stop(Self); // after any write in flight and its acknowledgement (see StopCall)
                return true;
            default:
                return false;
        }
    }

    public override string PersistenceId { get; }

    // While the journal database is down: one error and a summary per window, not a stack trace per start.
    protected override void OnRecoveryFailure(Exception reason, object? message = null) =>
        Telephony.Actors.Persistence.RecoveryFailures.Get(Context.System).Report(PersistenceId, reason, message);

    // The idle completion's timer, scheduled directly: an actor with IWithTimers gets a timer scheduler and its
    // dictionary at start (~140 bytes of every live call), and a call needs one timer, rarely. A stale firing is
    // harmless: IdleCompletionDue carries the event count it was set for.
    private ICancelable? _idleTimer;

    protected override void PostStop()
    {
        _idleTimer?.Cancel();
        base.PostStop();
    }

    /// <summary>Props made without an expression tree: <c>Props.Create(() => new ...)</c> builds and evaluates one per
    /// call (reflection over the closure), and a node starts calls by the thousand. The compact mailbox saves ~0.9 KB
    /// per live call (<see cref="Dispatch.CompactDequeMailbox"/>).</summary>
    public static Props Props(string entityId, CallSettings settings, Func<string, TimeZoneInfo> timeZoneOfNode) =>
        Akka.Actor.Props.CreateBy(new Producer(entityId, settings, timeZoneOfNode)).WithMailbox(Dispatch.CompactDequeMailbox.ConfigPath);

    private sealed class Producer(string entityId, CallSettings settings, Func<string, TimeZoneInfo> timeZoneOfNode)
        : IIndirectActorProducer
    {
        public Type ActorType => typeof(CallEntity);
        public ActorBase Produce() => new CallEntity(entityId, settings, timeZoneOfNode);
        public void Release(ActorBase actor) { }
    }

    private void Record(RecordCallEvents command)
    {
        var fresh = new List<RecordedEvent>(command.Events.Count);
        var seen = new HashSet<string>(command.Events.Count, StringComparer.Ordinal);
        foreach (var e in command.Events)
            if (!_state.Has(e.Identity) && seen.Add(e.Identity)) fresh.Add(e);
        var duplicates = command.Events.Count - fresh.Count;
        if (fresh.Count == 0)
        {
            Sender.Tell(new CallEventsAccepted(_node, _linkedId, command.DeliveryId, 0, duplicates));
            return;
        }
        if (_state.EventsReleased)
        {
            Reload(command);
            return;
        }

        // A call in progress stays until it completes (sharding's idle passivation is the backstop).
        if (_state.Revision == 0) Context.SetReceiveTimeout(null);
        var recorded = new CallEventsRecorded(_node, _linkedId, fresh);
        var tags = TagsOf(fresh);
        var sender = Sender;
        var accepted = new CallEventsAccepted(_node, _linkedId, command.DeliveryId, fresh.Count, duplicates);

        // Events that complete (or amend) the call are journaled with their billing record in ONE atomic write: one
        // round trip instead of two, and never events without the billing they caused. The delivery is acknowledged
        // only in the billing record's handler, i.e. once both are safe: if the write fails we stop unacknowledged,
        // the node redelivers and recovery completes the call.
        if (CompletionDue(fresh) is { } completion)
        {
            var completed = completion.Completed;
            PersistAll([new Tagged(recorded, tags), new Tagged(completed, BillingTag)], tagged =>
            {
                if (tagged.Payload is CallEventsRecorded)
                {
                    _state.Apply(recorded);
                    return;
                }
                Completed(completed);
                sender.Tell(accepted);
            });
            return;
        }

        Persist(new Tagged(recorded, tags), _ =>
        {
            _state.Apply(recorded);
            // Acknowledge only once everything these events caused is journaled too (the billing record when they
            // completed the call): if that write fails we stop unacknowledged, the node redelivers, and recovery
            // completes the call. Acknowledging earlier could leave a call that never gets billed.
            if (AfterEvents()) DeferAsync(accepted, sender.Tell); // rides with the billing write just queued
            else sender.Tell(accepted);
        });
    }

    /// <summary>
    /// New events for a call that was billed and let go of its events (<see cref="CallState.ReleaseEvents"/>): they
    /// may amend the billing, which needs the whole history. This incarnation asks its shard to passivate it and hands
    /// the delivery back to the shard, which holds it while the entity stops and then starts a fresh incarnation; that
    /// one recovers every event from the journal and handles the delivery as any other (journaled once with the
    /// amendment it causes, then acknowledged to the node, the original sender). Nothing is journaled here, so nothing
    /// is lost if the hand-back fails: the node redelivers what was not acknowledged. Copies never come here (they are
    /// recognised by identity above). A fresh incarnation lets go of its events only after journaling a billing
    /// revision (<see cref="Completed"/>), which leaves nothing unbilled for the next one to recover: so the delivery
    /// is handled by the next incarnation or the one after, never passed on for ever.
    /// </summary>
    private void Reload(RecordCallEvents command)
    {
        if (!_reloading)
        {
            _reloading = true;
            Context.Parent.Tell(new Passivate(StopCall.Instance));
        }
        Context.Parent.Forward(command);
    }

    private bool _reloading;

    private sealed record PendingCompletion(CallCompleted Completed);

    // The few tag sets there are, made once (not a set per delivery).
    private static readonly IImmutableSet<string> CelTag = ImmutableHashSet.Create(CallTags.Cel);
    private static readonly IImmutableSet<string> CdrTag = ImmutableHashSet.Create(CallTags.Cdr);
    private static readonly IImmutableSet<string> CelAndCdrTags = ImmutableHashSet.Create(CallTags.Cel, CallTags.Cdr);
    private static readonly IImmutableSet<string> BillingTag = ImmutableHashSet.Create(CallTags.Billing);

    private static IImmutableSet<string> TagsOf(List<RecordedEvent> events)
    {
        bool cel = false, cdr = false;
        foreach (var e in events)
            if (e.Kind == RecordedEventKind.Cel) cel = true;
            else cdr = true;
        return cel && cdr ? CelAndCdrTags : cdr ? CdrTag : CelTag;
    }

    /// <summary>Whether journaling <paramref name="fresh"/> would make <see cref="AfterEvents"/> complete the call, and
    /// with which billing record; null when it would not (or when deriving fails or changes nothing: the ordinary path
    /// then handles and logs it as before).</summary>
    private PendingCompletion? CompletionDue(List<RecordedEvent> fresh)
    {
        var endsNow = _state.LinkedIdEnded;
        if (!endsNow)
            foreach (var e in fresh)
                if (e.Kind == RecordedEventKind.Cel && e.EventName == "LINKEDID_END")
                {
                    endsNow = true;
                    break;
                }
        // After fresh events, AfterEvents completes when LINKEDID_END is known or the call was already completed.
        if (!endsNow && _state.Revision == 0) return null;
        var reason = endsNow ? "linkedid-end" : "late-events";
        IReadOnlyList<BillingRecord> records;
        try
        {
            var all = new List<RecordedEvent>(_state.Events.Count + fresh.Count);
            all.AddRange(_state.Events);
            all.AddRange(fresh);
            records = CallBilling.Derive(_linkedId, all, _timeZone);
        }
        catch (Exception)
        {
            return null; // the ordinary path logs it and leaves the call open
        }
        if (_state.Revision > 0 && CallBilling.SameRecords(records, _state.Records)) return null;
        return new PendingCompletion(new CallCompleted(_node, _linkedId, _state.Revision + 1, reason, DateTimeOffset.UtcNow, records));
    }

    /// <summary>Decides what the events so far mean: complete now, later (idle), amend, or wait. True when a billing
    /// record was queued for journaling.</summary>
    private bool AfterEvents()
    {
        if (_state.LinkedIdEnded)
        {
            if (_state.Revision == 0 || _state.EventsSinceCompletion > 0) return Complete("linkedid-end");
            Context.SetReceiveTimeout(_settings.PassivateAfterCompletion);
            return false;
        }
        if (_state.Revision > 0 && _state.EventsSinceCompletion > 0) return Complete("late-events");
        if (_state.AnyChannelEnded && _state.LiveChannels == 0 && _state.Revision == 0)
        {
            _idleTimer?.Cancel();
            _idleTimer = Context.System.Scheduler.ScheduleTellOnceCancelable(_settings.IdleCompletionTimeout, Self,
                new IdleCompletionDue(_state.EventCount), Self);
        }
        return false;
    }

    private bool Complete(string reason)
    {
        IReadOnlyList<BillingRecord> records;
        try
        {
            records = CallBilling.Derive(_linkedId, _state.Events, _timeZone);
        }
        catch (Exception e)
        {
            // A bug in interpretation must not lose the call: the raw events are journaled; log and leave it open.
            Log.Error(e, "call {0}/{1}: billing interpretation failed", _node, _linkedId);
            return false;
        }
        if (_state.Revision > 0 && CallBilling.SameRecords(records, _state.Records))
        {
            // Late events that change nothing billable (a Cdr after LINKEDID_END): no amendment. The events are kept:
            // "up to date" is not journaled, so an incarnation that recovers them finds them unbilled and comes here
            // again; if it let go of its events here, the new event that woke it would wake yet another, for ever.
            _state.MarkUpToDate();
            Context.SetReceiveTimeout(_settings.PassivateAfterCompletion);
            return false;
        }
        var completed = new CallCompleted(_node, _linkedId, _state.Revision + 1, reason, DateTimeOffset.UtcNow, records);
        Persist(new Tagged(completed, BillingTag), _ => Completed(completed));
        return true;
    }

    private void Completed(CallCompleted completed)
    {
        _state.Apply(completed);
        _state.ReleaseEvents();
        Context.System.EventStream.Publish(completed); // this member's progress line and metrics
        Context.SetReceiveTimeout(_settings.PassivateAfterCompletion);
    }

    private CallStateView View() => new(_node, _linkedId, _state.CelCount, _state.CdrCount, _state.LiveChannels,
        _state.LinkedIdEnded, _state.Revision, _state.CompletionReason);

    protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr)
    {
        // The journal is down or slow: stop; the node redelivers, sharding restarts us and we recover what is safe.
        Log.Warning("call {0}/{1}: journal write failed ({2}); the node will redeliver", _node, _linkedId, cause.Message);
        base.OnPersistFailure(cause, @event, sequenceNr);
    }
}
