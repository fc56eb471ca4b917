using System.Collections.Immutable;
using Akka.Actor;
using Telephony.Actors.Hosting;
using Akka.Event;
using Akka.Persistence;
using Akka.Persistence.Journal;
using Telephony.Domain.Queues.Agents;

namespace Telephony.Actors.Queues;

/// <summary>
/// One agent (sharded by agent id, event-sourced as <c>agent/&lt;id&gt;</c>). It is the only place that decides whether
/// the agent takes a call: every reservation is journaled before it is granted (Persist, not PersistAsync, so the next
/// request sees it), at most one is held at a time across every queue, and each has a deadline the agent enforces
/// itself: a lost message or a dead queue member cannot leave it reserved for ever. It tells its queues its view at
/// every change.
/// </summary>
public sealed partial class AgentEntity : ReceivePersistentActor, IWithTimers
{
    private sealed record Tick;
    private sealed record Refresh;
    private sealed record ArbitrationDue;

    private static readonly ImmutableHashSet<string> Tags = ImmutableHashSet.Create(QueueTags.Queues);
    private static readonly TimeSpan TickInterval = TimeSpan.FromSeconds(1);

    private readonly string _agentId;
    private readonly AgentSettings? _settings;
    private readonly QueueDirectory _directory;
    private readonly QueueRuntimeSettings _runtime;
    private readonly IActorRef _queueRegion;
    private IActorRef _queues => MemberShutdown.RegionWhileUp(_queueRegion, Context.System);
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private AgentState _agent;
    private int _sinceSnapshot;
    private long _viewVersion;
    private DateTimeOffset _confirmedAt = DateTimeOffset.MinValue;

    public AgentEntity(string agentId, QueueDirectory directory, QueueRuntimeSettings runtime, IActorRef queueRegion)
    {
        _agentId = agentId;
        _directory = directory;
        _runtime = runtime;
        _queueRegion = queueRegion;
        _settings = directory.Agent(agentId);
        _agent = new AgentState(agentId);

        Recover<SnapshotOffer>(o =>
        {
            if (o.Snapshot is AgentSnapshot snapshot) _agent = AgentState.FromSnapshot(snapshot);
        });
        Recover<IAgentEvent>(e =>
        {
            _agent.Apply(e);
            _sinceSnapshot++;
        });
        Recover<RecoveryCompleted>(_ => Recovered());

        if (_settings is null)
        {
            // Not configured: say so to whoever asks, and hold nothing.
            CommandAny(m =>
            {
                if (m is IAgentMessage and not WakeAgent) Sender.Tell(new AgentUnknown(agentId));
            });
            return;
        }
        Command<ReserveAgent>(Reserve);
        Command<ArbitrationDue>(_ => DecideArbitration());
        Command<ReservationNews>(OnNews);
        Command<ReservationConfirmed>(OnConfirmed);
        Command<AgentCommand>(OnCommand);
        Command<SetAgentMembership>(OnMembership);
        Command<AgentPhoneState>(p =>
        {
            if (_agent.PhoneInUse == p.InUse) return;
            _agent.PhoneInUse = p.InUse;
            PushViews();
        });
        Command<RequestAgentView>(r => _queues.Tell(ViewFor(r.Queue)));
        Command<GetAgent>(_ => Sender.Tell(Info()));
        Command<Tick>(_ => OnTick());
        Command<Refresh>(_ => PushViews());
        Command<WakeAgent>(_ => { });
        Command<SaveSnapshotSuccess>(ok => DeleteSnapshots(new SnapshotSelectionCriteria(ok.Metadata.SequenceNr - 1)));
        Command<SaveSnapshotFailure>(f => _log.Warning("agent {0}: snapshot failed: {1}", _agentId, f.Cause.Message));
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(f => _log.Warning("agent {0}: old snapshots not deleted: {1}", _agentId, f.Cause.Message));
    }

    public static Props Props(string agentId, QueueDirectory directory, QueueRuntimeSettings runtime, IActorRef queueRegion) =>
        Akka.Actor.Props.Create(() => new AgentEntity(agentId, directory, runtime, queueRegion));

    public override string PersistenceId => "agent/" + _agentId;

    // While the journal database is down: one error and a summary per window, not a stack trace per start.
    protected override void OnRecoveryFailure(Exception reason, object? message = null) =>
        Telephony.Actors.Persistence.RecoveryFailures.Get(Context.System).Report(PersistenceId, reason, message);

    public ITimerScheduler Timers { get; set; } = null!;

    private AgentSettings Settings => _settings!;

    private void Recovered()
    {
        if (_settings is null) return;
        var now = DateTimeOffset.UtcNow;
        if (LastSequenceNr == 0)
        {
            // First start: the configured memberships (and login) become the journal's first events.
            var first = new List<IAgentEvent>();
            foreach (var (queue, penalty) in Settings.Queues) first.Add(new AgentMembershipChanged(now, queue, penalty));
            if (Settings.LoggedInAtStart) first.Add(new AgentLoggedIn(now));
            Record(first); // tells the queues once written
        }
        else PushViews();
        Timers.StartPeriodicTimer("tick", new Tick(), TickInterval);
        Timers.StartPeriodicTimer("refresh", new Refresh(), _runtime.ViewRefresh);
    }

    /// <summary>Journals the events, then tells the queues the new view (and runs <paramref name="then"/> once).</summary>
    private void Record(IReadOnlyList<IAgentEvent> events, Action? then = null)
    {
        if (events.Count == 0)
        {
            then?.Invoke();
            return;
        }
        var left = events.Count;
        PersistAll(events.Select(e => new Tagged(e, Tags)), t =>
        {
            var e = (IAgentEvent)t.Payload;
            _agent.Apply(e);
            _sinceSnapshot++;
            if (e is AgentPaused { Automatic: true } p) _log.Info("agent {0}: {1}", _agentId, p.Reason);
            if (--left == 0)
            {
                then?.Invoke();
                PushViews();
                if (_sinceSnapshot >= _runtime.AgentSnapshotEvery)
                {
                    _sinceSnapshot = 0;
                    SaveSnapshot(_agent.Snapshot());
                }
            }
        });
    }

    private void OnCommand(AgentCommand c)
    {
        var now = DateTimeOffset.UtcNow;
        var e = c.Kind switch
        {
            AgentCommandKind.Login => _agent.Login(now),
            AgentCommandKind.Logout => _agent.Logout(now, c.Reason),
            AgentCommandKind.Pause => _agent.Pause(now, c.Reason),
            _ => _agent.Unpause(now),
        };
        var sender = Sender;
        Record(e is null ? [] : [e], () => sender.Tell(Info()));
    }

    private void OnMembership(SetAgentMembership m)
    {
        var now = DateTimeOffset.UtcNow;
        var sender = Sender;
        var e = _agent.SetMembership(m.Queue, m.Penalty, now);
        Record(e is null ? [] : [e], () =>
        {
            if (m.Penalty is null) _queues.Tell(new AgentViewChanged(m.Queue, View(m.Queue, now), Member: false));
            sender.Tell(Info());
        });
    }

    private void OnTick()
    {
        var now = DateTimeOffset.UtcNow;
        if (_agent.Reservation is not { } r) return;
        var expired = _agent.Expire(now, Settings, _runtime.CallLimit);
        if (expired.Count > 0)
        {
            _log.Warning("agent {0}: reservation {1} for {2} released at its deadline (no news from queue {3})",
                _agentId, r.ReservationId, r.Caller, r.Queue);
            Record(expired);
            return;
        }
        if (now - _confirmedAt >= _runtime.ConfirmInterval && now - r.GrantedAt >= _runtime.ConfirmInterval)
        {
            _confirmedAt = now;
            _queues.Tell(new ConfirmReservation(r.Queue, r.ReservationId, _agentId));
        }
    }

    private void OnConfirmed(ReservationConfirmed c)
    {
        if (c.Held || _agent.Reservation?.ReservationId != c.ReservationId) return;
        _log.Warning("agent {0}: queue no longer holds reservation {1}: released", _agentId, c.ReservationId);
        Record(_agent.Release(c.ReservationId, OfferOutcome.Withdrawn, DateTimeOffset.UtcNow, Settings));
    }

    private void OnNews(ReservationNews n)
    {
        var now = DateTimeOffset.UtcNow;
        IReadOnlyList<IAgentEvent> events = n.Kind switch
        {
            ReservationNewsKind.Ringing => _agent.Ring(n.ReservationId, now) is { } e ? [e] : [],
            ReservationNewsKind.Answered => _agent.Answer(n.ReservationId, now, n.AgentNode, n.AgentUniqueId) is { } e ? [e] : [],
            ReservationNewsKind.Ended => _agent.EndCall(n.ReservationId, now) is { } e ? [e] : [],
            _ => _agent.Release(n.ReservationId, n.Outcome ?? OfferOutcome.Withdrawn, now, Settings),
        };
        Record(events);
    }

    private AgentView View(string queue, DateTimeOffset now) =>
        AgentView.Of(_agent, Settings, queue, now, _viewVersion = Math.Max(_viewVersion + 1, now.UtcTicks));

    private AgentViewChanged ViewFor(string queue) =>
        new(queue, View(queue, DateTimeOffset.UtcNow), _agent.Queues.ContainsKey(queue));

    private void PushViews()
    {
        var now = DateTimeOffset.UtcNow;
        foreach (var queue in _agent.Queues.Keys) _queues.Tell(new AgentViewChanged(queue, View(queue, now)));
    }
}
