using System.Collections.Immutable;
using Akka.Actor;
using Telephony.Actors.Hosting;
using Akka.Event;
using Akka.Persistence;
using Akka.Persistence.Journal;
using Telephony.Domain.Queues;
using Telephony.Domain.Queues.Agents;
using Telephony.Domain.Queues.Calls;

namespace Telephony.Actors.Queues;

/// <summary>
/// One call queue for the whole fleet (sharded by queue name, event-sourced as <c>queue/&lt;name&gt;</c> with
/// snapshots). It holds the line in order, asks agents for reservations by the queue's strategy, journals each grant
/// before the connect goes out through the caller's node's action queue, and follows the outcome from the node's
/// events. Every decision is the domain's (<see cref="QueueState"/>); this actor talks, persists and supervises.
/// </summary>
public sealed partial class QueueEntity : ReceivePersistentActor, IWithTimers
{
    private sealed record Wake;
    private sealed record AskTimeouts;

    private static readonly ImmutableHashSet<string> Tags = ImmutableHashSet.Create(QueueTags.Queues);

    private readonly string _name;
    private readonly QueueDirectory _directory;
    private readonly QueueRuntimeSettings _runtime;
    private readonly IActorRef _agentRegion;
    private readonly IActorRef _nodeRegion;
    private readonly IActorRef _queueRegion;
    private readonly ILoggingAdapter _log = Context.GetLogger();

    private IActorRef _agents => MemberShutdown.RegionWhileUp(_agentRegion, Context.System);
    private IActorRef _queues => MemberShutdown.RegionWhileUp(_queueRegion, Context.System);
    private IActorRef _nodes => MemberShutdown.RegionWhileUp(_nodeRegion, Context.System);
    private readonly QueueState _state;
    private readonly AgentBoard _board = new();
    private readonly Random _random = new();
    private readonly string _incarnation = Guid.NewGuid().ToString("N")[..8];
    private long _asked;
    private int _sinceSnapshot;
    private long _refusedUnknown;

    public QueueEntity(string name, QueueDirectory directory, QueueRuntimeSettings runtime, IActorRef agentRegion,
        IActorRef nodeRegion, IActorRef queueRegion)
    {
        _name = name;
        _directory = directory;
        _runtime = runtime;
        _agentRegion = agentRegion;
        _nodeRegion = nodeRegion;
        _queueRegion = queueRegion;
        Settings = directory.Queue(name);
        _state = new QueueState(Settings ?? new QueueSettings { Name = name });

        Recover<SnapshotOffer>(o =>
        {
            if (o.Snapshot is QueueSnapshot s) _state.Restore(s);
            _recoveredFromSnapshot = o.Metadata.SequenceNr;
        });
        Recover<IQueueEvent>(e =>
        {
            _state.Apply(e);
            _replayed++;
        });
        Recover<RecoveryCompleted>(_ => Recovered());

        Command<JoinQueue>(Join);
        Command<GetQueue>(_ =>
        {
            foreach (var part in QueueInfoParts.Split(Info())) Sender.Tell(part);
        });
        Command<AgentViewChanged>(OnView);
        Command<ReservationAnswer>(OnReservationAnswer);
        Command<ConfirmReservation>(c => Sender.Tell(new ReservationConfirmed(c.AgentId, c.ReservationId, Holds(c.ReservationId))));
        Command<AskTimeouts>(_ => CheckAsks());
        Command<Wake>(_ =>
        {
            _wakeAt = null;
            DispatchRound();
        });
        Command<DispatchNow>(_ => DispatchRound());
        Command<WakeQueue>(_ => { });
        Command<CallerHungUp>(OnHangup);
        Command<CallerDialAnswered>(OnDialAnswered);
        Command<ConnectResultReported>(OnConnectResult);
        Command<NodeRestarted>(OnNodeRestarted);
        Command<RemoveCaller>(r => Record(_state.Leave(r.Caller, LeaveReason.Removed, DateTimeOffset.UtcNow, null)));
        ConnectCommands();
        CheckCommands();
        Command<SaveSnapshotSuccess>(s => DeleteSnapshots(new SnapshotSelectionCriteria(s.Metadata.SequenceNr - 1)));
        Command<SaveSnapshotFailure>(f => _log.Warning("queue {0}: snapshot failed: {1}", _name, f.Cause.Message));
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(_ => { });
    }

    public static Props Props(string name, QueueDirectory directory, QueueRuntimeSettings runtime, IActorRef agentRegion,
        IActorRef nodeRegion, IActorRef queueRegion) =>
        Akka.Actor.Props.Create(() => new QueueEntity(name, directory, runtime, agentRegion, nodeRegion, queueRegion));

    public override string PersistenceId => "queue/" + _name;

    // While the journal database is down: one error and a summary per window, not a stack trace per start.
    protected override void OnRecoveryFailure(Exception reason, object? message = null) =>
        Telephony.Actors.Persistence.RecoveryFailures.Get(Context.System).Report(PersistenceId, reason, message);

    public ITimerScheduler Timers { get; set; } = null!;

    private QueueSettings? Settings { get; }

    private void Recovered()
    {
        if (Settings is null) return;
        foreach (var agent in _directory.ConfiguredMembers(_name)) _agents.Tell(new RequestAgentView(agent, _name));
        var now = DateTimeOffset.UtcNow;
        foreach (var caller in _state.Line.Concat(_state.Connected).ToList())
        {
            _nodes.Tell(new WatchQueueCaller(caller.Key.Node, caller.Key.UniqueId, _name));
            foreach (var offer in caller.Offers) StartConnect(caller, offer); // same keys: the action queue returns the same actions
        }
        // How long a takeover kept the queue from serving, and why (a snapshot too far back, a journal under load).
        if (_state.Count > 0 || _replayed > 0)
            _log.Info("queue {0}: recovered with {1} caller(s) at {2:O} in {3:0} ms (snapshot at {4}, {5} events replayed)",
                _name, _state.Count, now, _recovering.Elapsed.TotalMilliseconds, _recoveredFromSnapshot, _replayed);
        Timers.StartPeriodicTimer("asks", new AskTimeouts(), TimeSpan.FromMilliseconds(250));
        StartChecks();
        Dispatch();
    }

    private void Join(JoinQueue j)
    {
        if (Settings is null)
        {
            _refusedUnknown++;
            _log.Warning("queue {0}: join from {1} refused: no such queue is configured ({2} so far)", _name, j.Request.Caller, _refusedUnknown);
            Sender.Tell(new JoinAnswer(_name, j.Request.Caller, false, null, "no such queue"));
            return;
        }
        var now = DateTimeOffset.UtcNow;
        var sender = Sender;
        var e = _state.Join(j.Request, now, _board);
        switch (e)
        {
            case null:
                var known = _state.Find(j.Request.Caller);
                sender.Tell(new JoinAnswer(_name, j.Request.Caller, true, known is null ? null : _state.PositionOf(known), null));
                return;
            case JoinRefused refused:
                Record([refused], () => sender.Tell(new JoinAnswer(_name, j.Request.Caller, false, null, refused.Reason.ToString())));
                LeaveRefused(j.Request);
                return;
            case CallerJoined joined:
                Record([joined], () =>
                {
                    sender.Tell(new JoinAnswer(_name, joined.Caller, true, joined.Position, null));
                    if (joined.From is not null) _nodes.Tell(new WatchQueueCaller(joined.Caller.Node, joined.Caller.UniqueId, _name));
                });
                return;
        }
    }

    /// <summary>A refused caller is sent where the queue sends callers that leave it (else it keeps its music and the
    /// dialplan decides).</summary>
    private void LeaveRefused(JoinRequest request)
    {
        var exit = Settings!.OnEmpty ?? Settings.OnTimeout;
        if (exit is not null) SendTo(exit, request.Caller, request.Channel, request);
    }

    private bool Holds(string reservationId) =>
        _pending.ContainsKey(reservationId) || _state.FindByReservation(reservationId) is not null
        || _state.Connected.Any(c => c.Connection!.ReservationId == reservationId)
        || EndedLately(reservationId);

    /// <summary>Reservations this queue ended in the last <see cref="EndedNewsGrace"/>: the agent is told (released,
    /// answered, ended) once the event is journaled, by another path than this answer, so "not held" could overtake
    /// the news and the agent would drop a call it was on (a crash test: the agent's count one short of the
    /// simulator's after an answer learnt late). Saying "held" lets the news settle it; if they were lost, the agent's
    /// own deadline does.</summary>
    private bool EndedLately(string reservationId) =>
        _endedLately.TryGetValue(reservationId, out var at) && DateTimeOffset.UtcNow - at < EndedNewsGrace;

    private static readonly TimeSpan EndedNewsGrace = TimeSpan.FromSeconds(30);
    private readonly Dictionary<string, DateTimeOffset> _endedLately = new(StringComparer.Ordinal);

    private void NoteEnded(IQueueEvent e)
    {
        var reservation = e switch
        {
            OfferEnded o => o.ReservationId,
            CallCompleted c => c.ReservationId,
            _ => null,
        };
        if (reservation is null) return;
        var now = DateTimeOffset.UtcNow;
        if (_endedLately.Count > 256)
            foreach (var old in _endedLately.Where(kv => now - kv.Value >= EndedNewsGrace).Select(kv => kv.Key).ToList())
                _endedLately.Remove(old);
        _endedLately[reservation] = now;
    }

    private void OnView(AgentViewChanged v)
    {
        if (!_board.Update(v.View, v.Member)) return;
        Dispatch();
    }

    /// <summary>
    /// Decides with the events applied at once (the next message sees them: joins and outcomes need not wait for a
    /// journal round trip, which capped a queue at ~300 decisions/s), journals them in order (PersistAllAsync), and
    /// only once they are written carries out what they mean for agents, nodes and other queues: nothing outside ever
    /// acts on an event a crash could lose.
    /// </summary>
    /// <param name="then">run once the events are journaled.</param>
    /// <param name="dispatchAfter">plan again after <paramref name="then"/> (an ask finished); an acknowledgement to a
    /// node needs no second round.</param>
    private void Record(IReadOnlyList<IQueueEvent> events, Action? then = null, bool dispatchAfter = true)
    {
        if (events.Count == 0)
        {
            then?.Invoke();
            return;
        }
        var before = new QueueCaller?[events.Count];
        for (var i = 0; i < events.Count; i++)
        {
            before[i] = _state.Find(events[i].Caller);
            _state.Apply(events[i]);
            NoteEnded(events[i]);
        }
        _unwritten += events.Count;
        var next = 0;
        PersistAllAsync(events.Select(e => new Tagged(e, Tags)), t =>
        {
            var index = next++;
            _unwritten--;
            Carry((IQueueEvent)t.Payload, before[index]);
            _sinceSnapshot++;
            if (index < events.Count - 1) return;
            then?.Invoke();
            if (then is not null && dispatchAfter) Dispatch(); // e.g. an ask finished: its caller can be planned again
            // A snapshot holds only written events: with none in flight the state is exactly the journal's.
            if (_sinceSnapshot >= _runtime.SnapshotEvery && _unwritten == 0)
            {
                _sinceSnapshot = 0;
                SaveSnapshot(_state.Snapshot());
            }
        });
        Dispatch();
    }

    private int _unwritten;
    private readonly System.Diagnostics.Stopwatch _recovering = System.Diagnostics.Stopwatch.StartNew();
    private long _recoveredFromSnapshot;
    private int _replayed;

    private QueueInfo Info()
    {
        var now = DateTimeOffset.UtcNow;
        var s = _state.Statistics;
        var waiting = _state.Line.Select((c, i) => new WaitingCallerInfo(c.Key.ToString(), c.Key.Node, c.Joined.Channel,
            c.Joined.CallerIdNum, c.Joined.CallerIdName, c.Priority, i + 1, c.JoinedAt, Math.Round(c.WaitAt(now).TotalSeconds, 3),
            c.Phase.ToString(), c.Legs.Values.ToList())).ToList();
        var connected = _state.Connected.Select(c => new ConnectedCallInfo(c.Key.ToString(), c.Key.Node, c.Joined.Channel,
            c.Connection!.AgentId, c.Connection.AgentNode, c.Connection.At, Math.Round(c.WaitAt(now).TotalSeconds, 3),
            c.Joined.LinkedId, c.Connection.AgentLinkedId)).ToList();
        var agents = _board.Views.Select(v => new QueueAgentInfo(v.AgentId, v.Name, v.Penalty, v.Status.ToString(),
            v.CanTakeCallAt(now) ? "Idle" : v.Status != AgentStatus.Available ? v.Status.ToString()
                : v.Activity is AgentActivity.Idle or AgentActivity.WrapUp ? "Delayed" : v.Activity.ToString(),
            v.Node, v.CallsTaken, v.TalkTime.TotalSeconds)).ToList();
        return new QueueInfo(_name, Settings is not null, (Settings?.Strategy ?? default).ToString(),
            (Settings?.Connect ?? default).ToString(), waiting, connected, agents, s,
            Math.Round(_state.LongestWaitAt(now).TotalSeconds, 3), s.ServiceLevel, s.ServiceLevelCountingAbandons,
            Settings is null ? null : _state.TodayAt(now),
            Settings is null ? null : _state.DayOf(now));
    }
}
