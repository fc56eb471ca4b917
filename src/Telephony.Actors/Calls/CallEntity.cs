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
public sealed class CallEntity : ReceivePersistentActor, IWithTimers
{
    private sealed record IdleCompletionDue(int EventsSeen);

    private readonly string _node;
    private readonly string _linkedId;
    private readonly CallSettings _settings;
    private readonly TimeZoneInfo _timeZone;
    private readonly CallState _state = new();
    private readonly ILoggingAdapter _log = Context.GetLogger();

    public CallEntity(string entityId, CallSettings settings, Func<string, TimeZoneInfo> timeZoneOfNode)
    {
        (_node, _linkedId) = CallEntityId.Split(entityId);
        _settings = settings;
        _timeZone = timeZoneOfNode(_node);
        PersistenceId = "call/" + entityId;
        // A call never snapshots (it is short and small): not asking the snapshot store on every start saves a
        // database round trip per call.
        SnapshotPluginId = "akka.persistence.no-snapshot-store";

        Recover<CallEventsRecorded>(_state.Apply);
        Recover<CallCompleted>(_state.Apply);
        Recover<RecoveryCompleted>(_ => AfterEvents());

        Command<RecordCallEvents>(Record);
        Command<GetCallState>(_ => Sender.Tell(View()));
        Command<IdleCompletionDue>(due =>
        {
            if (due.EventsSeen == _state.Events.Count && !_state.LinkedIdEnded) Complete("idle-timeout");
        });
        Command<ReceiveTimeout>(_ => Context.Parent.Tell(new Passivate(PoisonPill.Instance)));
    }

    public override string PersistenceId { get; }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(string entityId, CallSettings settings, Func<string, TimeZoneInfo> timeZoneOfNode) =>
        Akka.Actor.Props.Create(() => new CallEntity(entityId, settings, timeZoneOfNode));

    private void Record(RecordCallEvents command)
    {
        var fresh = new List<RecordedEvent>(command.Events.Count);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var e in command.Events)
            if (!_state.Has(e.Identity) && seen.Add(e.Identity)) fresh.Add(e);
        var duplicates = command.Events.Count - fresh.Count;
        if (fresh.Count == 0)
        {
            Sender.Tell(new CallEventsAccepted(_node, _linkedId, command.DeliveryId, 0, duplicates));
            return;
        }

        var recorded = new CallEventsRecorded(_node, _linkedId, fresh);
        var tags = new HashSet<string>();
        foreach (var e in fresh) tags.Add(e.Kind == RecordedEventKind.Cel ? CallTags.Cel : CallTags.Cdr);
        var sender = Sender;
        Persist(new Tagged(recorded, tags), _ =>
        {
            _state.Apply(recorded);
            AfterEvents();
            // Acknowledge only once everything these events caused is journaled too (the billing record when they
            // completed the call): if that write fails we stop unacknowledged, the node redelivers, and recovery
            // completes the call. Acknowledging earlier could leave a call that never gets billed.
            DeferAsync(new CallEventsAccepted(_node, _linkedId, command.DeliveryId, fresh.Count, duplicates), sender.Tell);
        });
    }

    /// <summary>Decides what the events so far mean: complete now, later (idle), amend, or wait.</summary>
    private void AfterEvents()
    {
        if (_state.LinkedIdEnded)
        {
            if (_state.Revision == 0 || _state.EventsSinceCompletion > 0) Complete("linkedid-end");
            else Context.SetReceiveTimeout(_settings.PassivateAfterCompletion);
            return;
        }
        if (_state.Revision > 0 && _state.EventsSinceCompletion > 0)
        {
            Complete("late-events");
            return;
        }
        if (_state.AnyChannelEnded && _state.LiveChannels == 0 && _state.Revision == 0)
            Timers.StartSingleTimer("idle", new IdleCompletionDue(_state.Events.Count), _settings.IdleCompletionTimeout);
    }

    private void Complete(string reason)
    {
        IReadOnlyList<BillingRecord> records;
        try
        {
            records = CallBilling.Derive(_linkedId, _state.Events, _timeZone);
        }
        catch (Exception e)
        {
            // A bug in interpretation must not lose the call: the raw events are journaled; log and leave it open.
            _log.Error(e, "call {0}/{1}: billing interpretation failed", _node, _linkedId);
            return;
        }
        if (_state.Revision > 0 && CallBilling.SameRecords(records, _state.Records))
        {
            // Late events that change nothing billable (a Cdr after LINKEDID_END): no amendment.
            _state.MarkUpToDate();
            Context.SetReceiveTimeout(_settings.PassivateAfterCompletion);
            return;
        }
        var completed = new CallCompleted(_node, _linkedId, _state.Revision + 1, reason, DateTimeOffset.UtcNow, records);
        Persist(new Tagged(completed, [CallTags.Billing]), _ =>
        {
            _state.Apply(completed);
            Context.System.EventStream.Publish(completed); // this member's progress line and metrics
            Context.SetReceiveTimeout(_settings.PassivateAfterCompletion);
        });
    }

    private CallStateView View() => new(_node, _linkedId, _state.CelCount, _state.CdrCount, _state.LiveChannels,
        _state.LinkedIdEnded, _state.Revision, _state.CompletionReason);

    protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr)
    {
        // The journal is down or slow: stop; the node redelivers, sharding restarts us and we recover what is safe.
        _log.Warning("call {0}/{1}: journal write failed ({2}); the node will redeliver", _node, _linkedId, cause.Message);
        base.OnPersistFailure(cause, @event, sequenceNr);
    }
}
