using Akka.Actor;
using Akka.Cluster;
using Akka.Event;
using Telephony.Actors.Actions;
using Telephony.Actors.Calls;
using Telephony.Actors.Nodes.HandOver;
using Telephony.Actors.Queues;
using Telephony.Ami.Actions;
using Telephony.Ami.Client;

namespace Telephony.Actors.Nodes;

/// <summary>
/// One Asterisk server (sharded by node name, so one AMI session per node in the cluster). Owns the AMI connection and
/// the node journal; reads events from the client's bounded buffer (the socket reader never waits for us), has them
/// filed by the <see cref="NodeEventRouter"/> and sent by the <see cref="CallOutboxes"/> (one delivery in flight per
/// call, redelivered until acknowledged). The node holds at most a configured number of events in outboxes and in
/// flight; past it, events wait in the client's buffer. Disconnections and buffer overflows are journaled as gaps and
/// followed by a resync; events it cannot understand or route are journaled in quarantine with the reason.
/// </summary>
public sealed partial class AsteriskNodeActor : ReceiveActor, IWithTimers
{
    private sealed record Pull;
    private sealed record Redeliver;

    private sealed record ResyncDone(int LiveChannels, IReadOnlyList<(string UniqueId, string LinkedId)> Channels);
    private sealed record ResyncFailed(string Reason);
    private sealed record Heartbeat;

    /// <summary>How often a connected node journals that it is observing Asterisk (bounds a crash's unknown window).</summary>
    private static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(5);

    private readonly AsteriskNodeSettings _settings;
    private readonly ActionQueueSettings _actionSettings;
    private readonly IActorRef _calls;
    private readonly int _batchSize;
    private readonly TimeSpan _deliveryTimeout;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly CancellationTokenSource _stopping = new();
    private readonly ChannelLinkedIds _channels = new();
    private readonly LiveChannels _live = new();
    private readonly NodeEventRouter _router;
    private readonly CallOutboxes _outboxes;
    private readonly PendingJournalWrites _journalWrites;
    private readonly EventRateWindow _rate = new();
    private readonly HashSet<string> _touched = new(StringComparer.Ordinal); // calls given events in a pull round

    private AmiClient _client = null!;
    private IActorRef _journal = ActorRefs.Nobody;
    private bool _pulling;
    private bool _heldBack, _pullQueued;
    private DateTimeOffset? _connectedSince;
    private DateTimeOffset _bufferSeenEmptyAt = DateTimeOffset.UtcNow; // nothing was read before the node started
    private DateTimeOffset? _disconnectedSince;
    private string? _lastError;
    private string? _banner;
    private long _gaps, _redeliveries, _gapsBefore, _quarantinedBefore;
    private int _liveAtResync;
    private bool _firstConnection = true;

    /// <param name="batchSize">the most events the node holds in outboxes and deliveries in flight (and reads per turn).</param>
    /// <param name="inFlightLimit">the most events in deliveries sent and not yet acknowledged; a call with events to
    /// send waits its turn past it.</param>
    public AsteriskNodeActor(AsteriskNodeSettings settings, IActorRef callRegion, int batchSize, TimeSpan deliveryTimeout,
        int inFlightLimit, ActionQueueSettings actionSettings, NodeQueueLinks? queues = null, NodeHandOverLinks? handOver = null)
    {
        _settings = settings;
        _handOverLinks = handOver;
        _queueLinks = queues;
        _queueSignals = queues is null ? null : new QueueSignalReader(settings.Name, queues.Directory);
        _actionSettings = actionSettings;
        _calls = callRegion;
        _batchSize = Math.Max(1, batchSize);
        _deliveryTimeout = deliveryTimeout;
        _router = new NodeEventRouter(settings.Name, settings.TimeZone, _channels);
        _outboxes = new CallOutboxes(settings.Name, _router, inFlightLimit, deliveryTimeout);
        _journalWrites = new PendingJournalWrites(deliveryTimeout);

        Routing();
    }

    /// <summary>The node's working state: events are read, routed and sent; heartbeats are journaled.</summary>
    private void Routing()
    {
        Receive<Pull>(_ =>
        {
            _pullQueued = false;
            PullRound();
        });
        Receive<Heartbeat>(_ =>
        {
            // Observed until now, or until the oldest event its call has not journaled yet: were this member to die,
            // the gap its successor journals must cover what was read and never journaled (a backlog held through a
            // database outage, say), not start at the last heartbeat.
            // Events still in the client's buffer were read after it was last seen empty: the claim stops there too
            // (a soak lost 44 calls when a member died holding a backlog pulled after the database outage, and the
            // heartbeat had claimed the moment of the pull).
            if (_connectedSince is not null)
                _journal.Tell(new NodeSeen(_settings.Name, ObservedUntil(DateTimeOffset.UtcNow)));
        });
        Receive<Terminated>(t => t.ActorRef.Equals(_journal), _ => StartJournal());
        Receive<NodeHandOff>(_ => HandOff());
        Always();
    }

    /// <summary>What the node does in every state.</summary>
    private void Always()
    {
        Receive<NodeCommand>(c => c.Kind == NodeCommandKind.GetStatus, _ => Sender.Tell(Status()));
        Receive<NodeCommand>(_ => { }); // EnsureConnected: being alive is being connected
        Receive<CallEventsAccepted>(Accepted);
        Receive<NodeJournal.Written>(w => Delivered(w.DeliveryId));
        Receive<Redeliver>(_ => RedeliverAll());
        Receive<AmiConnectionNotification>(OnConnection);
        Receive<IActionQueueMessage>(ForwardToActionQueue);
        Receive<Terminated>(t => t.ActorRef.Equals(_actions), _ => OnActionQueueStopped());
        Receive<RestartActionQueue>(_ => EnsureActionQueue());
        Receive<WatchQueueCaller>(w => _queueSignals?.Watch(w.UniqueId, w.Queue));
        Receive<ExpectAgentLeg>(e => _queueSignals?.Expect(e));
        Receive<ResyncDone>(r =>
        {
            _liveAtResync = r.LiveChannels;
            _live.Reset(r.Channels.Select(c => c.UniqueId));
            var now = DateTimeOffset.UtcNow;
            foreach (var (u, l) in r.Channels) _channels.Learn(u, l, now);
            _log.Info("node {0}: resynced, {1} live channels", _settings.Name, r.LiveChannels);
        });
        Receive<ResyncFailed>(f => _log.Warning("node {0}: resync failed: {1}", _settings.Name, f.Reason));
        Receive<NodeHandOff>(_ => HandOffBeforeRouting());
        Receive<HandOffWaitOver>(_ => Context.Stop(Self)); // its session start never finished: stop as before
        Receive<HandOverAnswer>(_ => { }); // late answers of a hand-over already settled
        Receive<HandOverDone>(_ => { });
        Receive<HandedOverCallEvents>(TakeHandedOver);
        Receive<HandOverTick>(_ => { });
        Receive<PreviousIncarnation>(_ => { }); // a late second answer
        Receive<PreviousIncarnationUnknown>(_ => { }); // answered meanwhile
        QueueCommands();
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(AsteriskNodeSettings settings, IActorRef callRegion, int batchSize, TimeSpan deliveryTimeout,
        int inFlightLimit, ActionQueueSettings? actionSettings = null, NodeQueueLinks? queues = null,
        NodeHandOverLinks? handOver = null) =>
        Akka.Actor.Props.Create(() => new AsteriskNodeActor(settings, callRegion, batchSize, deliveryTimeout, inFlightLimit,
            actionSettings ?? ActionQueueSettings.Default, queues, handOver));

    protected override void PreStart()
    {
        StartJournal();
        _client = new AmiClient(_settings.ToClientOptions());
        var self = Self;
        var token = _stopping.Token;
        _ = Task.Run(async () =>
        {
            try
            {
                await foreach (var n in _client.Notifications.ReadAllAsync(token).ConfigureAwait(false)) self.Tell(n);
            }
            catch (OperationCanceledException) { }
        }, token);
        _client.Start();
        _log.Info("node {0}: connecting to {1}:{2} as {3}", _settings.Name, _settings.Host, _settings.Port, _settings.Username);
        QueuePull();
        Timers.StartPeriodicTimer("heartbeat", new Heartbeat(), HeartbeatInterval);
    }

    protected override void PostStop()
    {
        _stopping.Cancel();
        if (_handedOver) return; // the session reads on at this member's hand-over desk
        // Close the session before this actor is gone: a shard handed over starts the node on another member as soon
        // as this stop is reported, and two members must never be logged in to one Asterisk at once. Bounded, so a
        // dead peer cannot hold the stop up for long (the socket is closed either way).
        var closed = Task.Run(async () => await _client.DisposeAsync().ConfigureAwait(false));
        if (!closed.Wait(TimeSpan.FromSeconds(3)))
            _log.Warning("node {0}: the AMI session took over 3 s to close; stopping anyway", _settings.Name);
        _log.Info("node {0}: stopped, AMI session closed", _settings.Name);
    }

    /// <summary>The node's journal behind a backoff supervisor: a journal that cannot recover or write (the database
    /// is down) stops, and was restarted at once — thousands of failed recoveries a minute per node, each logged with
    /// its stack trace, flooding the log and the member's memory during a database outage. Writes
    /// sent while it is away are redelivered (<see cref="PendingJournalWrites"/>).</summary>
    private void StartJournal()
    {
        var journal = Akka.Pattern.BackoffSupervisor.Props(Akka.Pattern.Backoff.OnStop(NodeJournal.Props(_settings.Name), "journal",
            TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(10), 0.2, maxNrOfRetries: -1));
        _journal = Context.Watch(Context.ActorOf(journal, "journal-" + Guid.NewGuid().ToString("N")[..8]));
    }

    /// <summary>What a heartbeat may claim: until the oldest event not yet journaled was read, and no later than the
    /// last moment the client's buffer was seen empty while it holds events.</summary>
    private DateTimeOffset ObservedUntil(DateTimeOffset now)
    {
        var until = _outboxes.OldestHeldAt() ?? now;
        return _client.Events.TryPeek(out _) && _bufferSeenEmptyAt < until ? _bufferSeenEmptyAt : until;
    }

    /// <summary>Reads buffered events while the node holds fewer than its limit, routes them into their calls'
    /// outboxes and sends every outbox that has nothing in flight; waits for more when the buffer is empty.</summary>
    private void PullRound()
    {
        _pulling = false;
        List<object>? quarantine = null;
        var now = DateTimeOffset.UtcNow;
        var readSince = _bufferSeenEmptyAt; // every event in the buffer now was read after this
        var taken = 0;
        // A turn reads at most a batch so that acknowledgements get in between turns.
        while (taken < _batchSize && _outboxes.Held < _batchSize && _client.Events.TryRead(out var message))
        {
            taken++;
            CollectForActions(message);
            _live.Observe(message);
            ReadForQueues(message, now);
            var route = _router.Route(message, now);
            if (route.Kind == NodeRouteKind.Routed)
            {
                _outboxes.Hold(route.LinkedId!, route.Held, readSince);
                _touched.Add(route.LinkedId!);
            }
            else if (route.Kind == NodeRouteKind.Quarantined) (quarantine ??= []).Add(route.Quarantined!);
        }
        if (!_client.Events.TryPeek(out _)) _bufferSeenEmptyAt = DateTimeOffset.UtcNow;
        if (taken > 0) _rate.Count(now, taken);
        SendCollectedToActions();
        foreach (var linkedId in _touched) _outboxes.Send(linkedId, now);
        _touched.Clear();
        SendOutgoing();
        if (quarantine is not null) JournalQuarantine(quarantine);

        if (_outboxes.Held >= _batchSize)
        {
            _heldBack = true; // acknowledgements pull again
            return;
        }
        if (taken == _batchSize)
        {
            QueuePull(); // more is waiting: let other messages in between turns
            return;
        }
        WaitForEvents();
    }

    /// <summary>Tells the call entities what the outboxes sent and journals the CEL they refused on the way.</summary>
    private void SendOutgoing()
    {
        if (_outboxes.Quarantine.Count > 0)
        {
            JournalQuarantine([.. _outboxes.Quarantine]);
            _outboxes.Quarantine.Clear();
        }
        if (_outboxes.Outgoing.Count == 0) return;
        foreach (var delivery in _outboxes.Outgoing) _calls.Tell(delivery);
        _outboxes.Outgoing.Clear();
        EnsureRedeliveryTimer();
    }

    private void JournalQuarantine(List<object> entries)
    {
        foreach (var entry in entries)
            _log.Warning("node {0}: quarantined an event: {1}", _settings.Name, ((EventQuarantined)entry).Reason);
        WriteToJournal(entries);
    }

    private void EnsureRedeliveryTimer()
    {
        if (!Timers.IsTimerActive("redeliver"))
            Timers.StartPeriodicTimer("redeliver", new Redeliver(), _deliveryTimeout / 2);
    }

    private void WaitForEvents()
    {
        if (_pulling) return;
        _pulling = true;
        var self = Self;
        _client.Events.WaitToReadAsync(_stopping.Token).AsTask().ContinueWith(t =>
        {
            if (t.IsCompletedSuccessfully && t.Result) self.Tell(new Pull());
        }, TaskScheduler.Default);
    }

    private long WriteToJournal(List<object> entries)
    {
        var id = _outboxes.NextDeliveryId();
        var write = new NodeJournal.Write(id, entries);
        _journalWrites.Sent(write, DateTimeOffset.UtcNow);
        _journal.Tell(write);
        EnsureRedeliveryTimer();
        return id;
    }

    private void Accepted(CallEventsAccepted accepted)
    {
        // An answer to a redelivery already answered, or to a delivery of another incarnation: nothing to do.
        if (!_outboxes.Accept(accepted, DateTimeOffset.UtcNow)) return;
        SendOutgoing();
        AfterDelivered();
    }

    private void Delivered(long deliveryId)
    {
        if (!_journalWrites.Acknowledge(deliveryId)) return;
        AfterDelivered();
    }

    private void AfterDelivered()
    {
        CancelRedeliveryWhenIdle();
        // Held at the limit: read on once half of it has been acknowledged (not after every acknowledgement).
        if (_heldBack && _outboxes.Held <= _batchSize / 2)
        {
            _heldBack = false;
            QueuePull();
        }
    }

    private void QueuePull()
    {
        if (_pullQueued) return;
        _pullQueued = true;
        Self.Tell(new Pull());
    }

    private void RedeliverAll()
    {
        var now = DateTimeOffset.UtcNow;
        var late = _outboxes.Redeliver(now);
        _redeliveries += late;
        foreach (var delivery in _outboxes.Outgoing) _calls.Tell(delivery);
        _outboxes.Outgoing.Clear();
        var writes = new List<NodeJournal.Write>();
        _journalWrites.Late(now, writes);
        foreach (var write in writes) _journal.Tell(write);
        late += writes.Count;
        _redeliveries += writes.Count;
        if (late > 0)
            _log.Warning("node {0}: {1} deliveries not acknowledged within {2}; redelivering", _settings.Name, late, _deliveryTimeout);
        CancelRedeliveryWhenIdle();
    }

    private void CancelRedeliveryWhenIdle()
    {
        if (_outboxes.DeliveriesInFlight == 0 && _journalWrites.Count == 0) Timers.Cancel("redeliver");
    }

    private NodeStatus Status()
    {
        var c = _client.Counters;
        return new NodeStatus
        {
            Node = _settings.Name,
            Member = Cluster.Get(Context.System).SelfAddress.ToString(),
            AmiState = _client.State.ToString(),
            Banner = _banner,
            ConnectedSince = _connectedSince,
            DisconnectedSince = _disconnectedSince,
            LastError = _lastError,
            EventsIn = _router.EventsIn,
            EventsPerSecond = _rate.PerSecond(DateTimeOffset.UtcNow),
            EventsByType = new Dictionary<string, long>(_router.EventsByType),
            CelEvents = _router.Cel,
            CdrEvents = _router.Cdr,
            EventsJournaled = _outboxes.Journaled,
            DuplicatesIgnored = _outboxes.Duplicates,
            Quarantined = _quarantinedBefore + _router.Quarantined,
            Gaps = _gapsBefore + _gaps,
            MalformedMessages = c.MalformedMessages,
            OversizedMessages = c.OversizedMessages,
            EventsDroppedOnOverflow = c.EventsDropped,
            Reconnects = c.Reconnects,
            BufferUsed = _client.Events.CanCount ? _client.Events.Count : -1,
            BufferCapacity = _settings.EventBufferCapacity,
            DeliveriesInFlight = _outboxes.DeliveriesInFlight + _journalWrites.Count,
            EventsHeld = _outboxes.Held,
            EventsInFlight = _outboxes.InFlight,
            EventsInFlightPeak = _outboxes.InFlightPeak,
            EventsInFlightLimit = _outboxes.InFlightLimit,
            CallsWaiting = _outboxes.CallsWaiting,
            Redeliveries = _redeliveries,
            LiveChannelsAtLastResync = _liveAtResync,
            ChannelsUp = _live.Count,
        };
    }
}
