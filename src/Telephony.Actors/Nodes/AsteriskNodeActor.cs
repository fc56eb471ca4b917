using Akka.Actor;
using Akka.Cluster;
using Akka.Event;
using Telephony.Actors.Calls;
using Telephony.Ami.Actions;
using Telephony.Ami.Client;
using Telephony.Ami.Protocol;
using Telephony.Domain.Cdr;
using Telephony.Domain.Cel;
using Telephony.Domain.Identity;

namespace Telephony.Actors.Nodes;

/// <summary>
/// One Asterisk server (sharded by node name, so one AMI session per node in the cluster). Owns the AMI connection;
/// reads events from the client's bounded buffer (the socket reader never waits for us) and routes CEL and Cdr to call
/// entities. Each call has at most one delivery in flight: events of a call that arrive while its delivery is being
/// journaled wait in that call's outbox and leave together as its next delivery once the first is acknowledged — so
/// a call's events reach its entity in AMI order, and the busier the system the bigger the batches (one journal row
/// each). Unacknowledged deliveries are sent again after a timeout (call entities drop copies). The node holds at most
/// a configured number of events in outboxes and in flight; past it, events wait in the client's buffer.
/// Disconnections and buffer overflows are journaled as gaps and followed by a resync; events it cannot understand or
/// route are journaled in quarantine with the reason.
/// </summary>
public sealed class AsteriskNodeActor : ReceiveActor, IWithTimers
{
    private sealed record Pull;
    private sealed record Redeliver;

    /// <summary>One call's events on their way: the delivery in flight (if any) and what arrived since.</summary>
    private sealed class Outbox
    {
        public RecordCallEvents? InFlight;
        public DateTimeOffset SentAt;
        public required List<Held> Pending;
        public bool Waiting; // in _waiting: it has pending events and no delivery in flight, but the limit is reached
    }

    /// <summary>An event waiting in an outbox: a Cdr already identified, or a CEL as received. A CEL is decoded and
    /// identified when it leaves (<see cref="Send"/>): read-ahead holds up to a batch of events per node, and a decoded
    /// CEL (~20 strings, 1.6 KB) waiting there was most of the heap the collector had to copy.</summary>
    private readonly record struct Held(RecordedEvent? Event, AmiMessage? Cel, DateTimeOffset At);
    private sealed record ResyncDone(int LiveChannels, IReadOnlyList<(string UniqueId, string LinkedId)> Channels);
    private sealed record ResyncFailed(string Reason);
    private sealed record Heartbeat;
    private sealed record PreviousIncarnation(DateTimeOffset? LastSeen, DateTimeOffset ConnectedAt);
    private sealed record PreviousIncarnationUnknown(DateTimeOffset ConnectedAt, int Attempt, string Reason);

    /// <summary>How often a connected node journals that it is observing Asterisk (bounds a crash's unknown window).</summary>
    private static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(5);

    private const int MaxKnownChannels = 200_000;

    private readonly AsteriskNodeSettings _settings;
    private readonly IActorRef _calls;
    private readonly int _batchSize;
    private readonly TimeSpan _deliveryTimeout;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Dictionary<long, (NodeJournal.Write Write, DateTimeOffset SentAt)> _journalWrites = new();
    private readonly Dictionary<string, Outbox> _outboxes = new(StringComparer.Ordinal);

    // A call's CEL are decoded together when its delivery leaves: their LinkedID, channels, UniqueIDs, context and
    // account codes repeat, and one string each is kept by the call until it is billed instead of one per event.
    private readonly HeaderValueCache _headerValues = new(1024);

    // Repeated identical events (a DTMF digit twice in a second) numbered per session: a CEL when its delivery leaves
    // (a call's events leave in stream order), a Cdr when routed.
    private readonly RepeatNumbering _repeats = new();
    private readonly Dictionary<long, string> _callOfDelivery = new();
    private readonly Dictionary<string, string> _linkedIdOfChannel = new(StringComparer.Ordinal);
    private readonly Queue<string> _channelOrder = new();
    private readonly Dictionary<string, long> _byType = new(StringComparer.Ordinal);
    private readonly Queue<(DateTimeOffset At, long Count)> _rate = new();

    private AmiClient _client = null!;
    private IActorRef _journal = ActorRefs.Nobody;
    private long _nextDelivery;
    private bool _pulling;
    private int _held; // events in outboxes and in flight
    private int _inFlight; // events in deliveries sent and not yet acknowledged
    private int _inFlightPeak;
    private readonly int _inFlightLimit;
    private readonly Queue<string> _waiting = new(); // calls whose next delivery waits for the in-flight limit
    private bool _heldBack, _pullQueued;
    private DateTimeOffset? _connectedSince;
    private DateTimeOffset? _disconnectedSince;
    private string? _lastError;
    private string? _banner;
    private long _eventsIn, _cel, _cdr, _journaled, _duplicates, _quarantined, _gaps, _redeliveries;
    private int _liveAtResync;
    private bool _firstConnection = true;
    private DateTimeOffset? _incarnationCheck; // the connection whose previous incarnation is being looked up
    private long? _sessionStartWrite; // the journal write of this incarnation's session start, until acknowledged

    /// <summary>The first session of this incarnation routes nothing until its start is journaled (a NodeSeen,
    /// acknowledged), after the previous session's window was looked at: whatever this session journals, a crash after
    /// it finds where the unobserved window began. Events wait in the client's buffer meanwhile.</summary>
    private bool AwaitingSessionStart => _incarnationCheck is not null || _sessionStartWrite is not null;

    /// <param name="batchSize">the most events the node holds in outboxes and deliveries in flight (and reads per turn).</param>
    /// <param name="inFlightLimit">the most events in deliveries sent and not yet acknowledged; a call with events to
    /// send waits its turn past it.</param>
    public AsteriskNodeActor(AsteriskNodeSettings settings, IActorRef callRegion, int batchSize, TimeSpan deliveryTimeout,
        int inFlightLimit)
    {
        _settings = settings;
        _calls = callRegion;
        _batchSize = Math.Max(1, batchSize);
        _inFlightLimit = Math.Max(1, inFlightLimit);
        _deliveryTimeout = deliveryTimeout;

        Receive<NodeCommand>(c => c.Kind == NodeCommandKind.GetStatus, _ => Sender.Tell(Status()));
        Receive<NodeCommand>(_ => { }); // EnsureConnected: being alive is being connected
        Receive<Pull>(_ =>
        {
            _pullQueued = false;
            PullRound();
        });
        Receive<CallEventsAccepted>(Accepted);
        Receive<NodeJournal.Written>(w => Delivered(w.DeliveryId));
        Receive<Redeliver>(_ => RedeliverAll());
        Receive<AmiConnectionNotification>(OnConnection);
        Receive<ResyncDone>(r =>
        {
            _liveAtResync = r.LiveChannels;
            foreach (var (u, l) in r.Channels) Learn(u, l);
            _log.Info("node {0}: resynced, {1} live channels", _settings.Name, r.LiveChannels);
        });
        Receive<ResyncFailed>(f => _log.Warning("node {0}: resync failed: {1}", _settings.Name, f.Reason));
        Receive<Terminated>(t => t.ActorRef.Equals(_journal), _ =>
        {
            StartJournal();
            // A question the old journal never answered goes to the new one.
            if (_incarnationCheck is { } pending) AskPreviousIncarnation(pending, 1);
        });
        Receive<Heartbeat>(_ =>
        {
            // Not before the session start is on record: the previous session's last heartbeat is still being read.
            if (_connectedSince is not null && !AwaitingSessionStart) _journal.Tell(new NodeSeen(_settings.Name, DateTimeOffset.UtcNow));
        });
        Receive<PreviousIncarnationUnknown>(u =>
        {
            if (_incarnationCheck != u.ConnectedAt) return; // answered meanwhile
            if (u.Attempt < 3)
            {
                AskPreviousIncarnation(u.ConnectedAt, u.Attempt + 1);
                return;
            }
            _incarnationCheck = null;
            _log.Warning("node {0}: could not read when the previous session was last seen ({1}): a window before {2:O} " +
                         "in which nothing was observed is not journaled as a gap", _settings.Name, u.Reason, u.ConnectedAt);
            JournalSessionStart(u.ConnectedAt);
        });
        Receive<PreviousIncarnation>(p =>
        {
            if (_incarnationCheck != p.ConnectedAt) return; // a late second answer
            _incarnationCheck = null;
            if (p.LastSeen is { } last && last < p.ConnectedAt)
                RecordGap(last, p.ConnectedAt, "node (re)started: nothing observed since the previous session's last heartbeat", -1);
            JournalSessionStart(p.ConnectedAt);
        });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(AsteriskNodeSettings settings, IActorRef callRegion, int batchSize, TimeSpan deliveryTimeout,
        int inFlightLimit) =>
        Akka.Actor.Props.Create(() => new AsteriskNodeActor(settings, callRegion, batchSize, deliveryTimeout, inFlightLimit));

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
        // Close the session before this actor is gone: a shard handed over starts the node on another member as soon
        // as this stop is reported, and two members must never be logged in to one Asterisk at once. Bounded, so a
        // dead peer cannot hold the stop up for long (the socket is closed either way).
        var closed = Task.Run(async () => await _client.DisposeAsync().ConfigureAwait(false));
        if (!closed.Wait(TimeSpan.FromSeconds(3)))
            _log.Warning("node {0}: the AMI session took over 3 s to close; stopping anyway", _settings.Name);
        _log.Info("node {0}: stopped, AMI session closed", _settings.Name);
    }

    private void StartJournal()
    {
        _journal = Context.Watch(Context.ActorOf(NodeJournal.Props(_settings.Name), "journal-" + Guid.NewGuid().ToString("N")[..8]));
    }

    /// <summary>Reads buffered events while the node holds fewer than its limit, routes them into their calls'
    /// outboxes and sends every outbox that has nothing in flight; waits for more when the buffer is empty.</summary>
    private void PullRound()
    {
        _pulling = false;
        if (AwaitingSessionStart) return; // its acknowledgement pulls
        var quarantine = new List<object>();
        var now = DateTimeOffset.UtcNow;
        var taken = 0;
        var touched = new HashSet<string>(StringComparer.Ordinal);
        // A turn reads at most a batch so that acknowledgements get in between turns.
        while (taken < _batchSize && _held < _batchSize && _client.Events.TryRead(out var message))
        {
            taken++;
            if (Route(message, now, quarantine) is { } linkedId) touched.Add(linkedId);
        }
        if (taken > 0) CountRate(now, taken);
        foreach (var linkedId in touched) Send(linkedId, now);
        if (quarantine.Count > 0) WriteToJournal(quarantine);

        if (_held >= _batchSize)
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

    /// <summary>Sends the call's pending events as one delivery unless one is already in flight.</summary>
    private void Send(string linkedId, DateTimeOffset now)
    {
        if (!_outboxes.TryGetValue(linkedId, out var box) || box.InFlight is not null || box.Pending.Count == 0 || box.Waiting) return;
        if (_inFlight >= _inFlightLimit)
        {
            box.Waiting = true;
            _waiting.Enqueue(linkedId);
            return;
        }
        List<object>? quarantine = null;
        var events = new List<RecordedEvent>(box.Pending.Count);
        foreach (var held in box.Pending)
        {
            if (held.Event is not null)
            {
                events.Add(held.Event);
                continue;
            }
            if (ParseCel(held.Cel!, held.At, ref quarantine) is not { } cel)
            {
                _held--;
                continue;
            }
            // The event keeps the message (its bytes), not the decoded headers, and the parsed CEL for billing.
            var identity = _repeats.Number(held.Cel!.Session, EventIdentity.ForCel(cel)).Value;
            events.Add(new RecordedEvent(RecordedEventKind.Cel, identity, held.At, held.Cel!) { ParsedCel = cel });
        }
        box.Pending.Clear(); // kept for the call's next events (and for the next call, see RemoveOutbox)
        if (quarantine is not null) WriteToJournal(quarantine);
        if (events.Count == 0)
        {
            RemoveOutbox(linkedId, box);
            return;
        }
        var id = ++_nextDelivery;
        _inFlight += events.Count;
        _inFlightPeak = Math.Max(_inFlightPeak, _inFlight);
        box.InFlight = new RecordCallEvents(_settings.Name, linkedId, id, events);
        box.SentAt = now;
        _callOfDelivery[id] = linkedId;
        _calls.Tell(box.InFlight);
        EnsureRedeliveryTimer();
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

    /// <summary>Journals the start of this incarnation's first session (acknowledged and redelivered like any node
    /// journal write), after the previous session's window was looked at; routing starts once it is safe.</summary>
    private void JournalSessionStart(DateTimeOffset connectedAt) =>
        _sessionStartWrite = WriteToJournal([new NodeSeen(_settings.Name, connectedAt)]);

    private long WriteToJournal(List<object> entries)
    {
        var id = ++_nextDelivery;
        var write = new NodeJournal.Write(id, entries);
        _journalWrites[id] = (write, DateTimeOffset.UtcNow);
        _journal.Tell(write);
        EnsureRedeliveryTimer();
        return id;
    }

    /// <summary>Files a CEL or Cdr into its call's outbox and returns the call; null for anything else.</summary>
    private string? Route(AmiMessage message, DateTimeOffset now, List<object> quarantine)
    {
        _eventsIn++;
        var name = message.EventName ?? "(none)";
        _byType[name] = _byType.GetValueOrDefault(name) + 1;
        switch (name)
        {
            case "CEL":
            {
                _cel++;
                // Routing needs only the two ids; the rest is decoded when the event is sent (Send).
                var (uniqueId, linkedId) = message.GetPair("UniqueID", "LinkedID", _headerValues);
                if (string.IsNullOrWhiteSpace(uniqueId) || string.IsNullOrWhiteSpace(linkedId))
                {
                    // The factory refuses it (no UniqueID or LinkedID) and says which.
                    List<object>? rejected = quarantine; // not null: the entry goes into the turn's list
                    ParseCel(message, now, ref rejected);
                    return null;
                }
                linkedId = linkedId.Trim();
                Learn(uniqueId.Trim(), linkedId);
                return Add(linkedId, new Held(null, message, now));
            }
            case "Cdr":
            {
                _cdr++;
                // Decoded into the node's scratch array: the Cdr is read for its identity and LinkedID and dropped (the
                // event keeps the message).
                var headers = Decode(message);
                var parsed = CdrRecordFactory.Parse(headers, _settings.TimeZone);
                if (!parsed.IsValid)
                {
                    Quarantine(quarantine, now, $"Cdr rejected: {parsed.Error!.Message}", headers);
                    return null;
                }
                var cdr = parsed.Value!;
                var linkedId = string.IsNullOrEmpty(cdr.LinkedId) ? _linkedIdOfChannel.GetValueOrDefault(cdr.UniqueId) : cdr.LinkedId;
                if (string.IsNullOrEmpty(linkedId))
                {
                    Quarantine(quarantine, now,
                        $"Cdr for channel {cdr.UniqueId} has no LinkedID and no CEL of that channel was seen " +
                        "(map linkedid in cdr_manager.conf [mappings])", headers);
                    return null;
                }
                var identity = _repeats.Number(message.Session, EventIdentity.ForCdr(cdr)).Value;
                return Add(linkedId, new Held(new RecordedEvent(RecordedEventKind.Cdr, identity, now, message), null, now));
            }
            case "Newchannel":
            {
                var u = message["Uniqueid"];
                var l = message["Linkedid"];
                if (!string.IsNullOrEmpty(u) && !string.IsNullOrEmpty(l)) Learn(u, l);
                return null;
            }
        }
        return null;
    }

    /// <summary>Decodes a CEL; one the factory refuses is quarantined (into <paramref name="quarantine"/>, made when
    /// first needed) with its reason, and null is returned.</summary>
    private CelEvent? ParseCel(AmiMessage message, DateTimeOffset at, ref List<object>? quarantine)
    {
        // Decoded into the node's scratch array; the CEL keeps a view over its message as its raw headers (the message
        // is kept anyway), not a decoded array of its own (~450 bytes per event, kept until the call completes).
        var headers = Decode(message);
        var parsed = CelEventFactory.Parse(headers, _settings.TimeZone, keep: message.HeaderView);
        if (parsed.IsValid) return parsed.Value!;
        Quarantine(quarantine ??= [], at, $"CEL rejected: {parsed.Error!.Message}", headers);
        return null;
    }

    /// <summary>The message's headers decoded into a scratch array of exactly their number (reused by the next message
    /// of that size: only valid until then).</summary>
    private KeyValuePair<string, string>[] Decode(AmiMessage message)
    {
        var count = message.Count;
        var scratch = count < _scratch.Length ? _scratch[count] ??= new KeyValuePair<string, string>[count]
            : new KeyValuePair<string, string>[count];
        message.GetHeaders(_headerValues, scratch);
        return scratch;
    }

    private readonly KeyValuePair<string, string>[]?[] _scratch = new KeyValuePair<string, string>[]?[128];

    private string Add(string linkedId, Held e)
    {
        if (!_outboxes.TryGetValue(linkedId, out var box))
            _outboxes[linkedId] = box = new Outbox { Pending = _spareLists.TryPop(out var spare) ? spare : new List<Held>(32) };
        box.Pending.Add(e);
        _held++;
        return linkedId;
    }

    /// <summary>Drops an empty outbox and keeps its list for another call: a call's events arrive one by one, and a
    /// list grown from empty for each of thousands of calls a second was ~100 bytes per event of garbage.</summary>
    private void RemoveOutbox(string linkedId, Outbox box)
    {
        _outboxes.Remove(linkedId);
        if (box.Pending.Count == 0 && box.Pending.Capacity <= MaxSpareListCapacity && _spareLists.Count < MaxSpareLists)
            _spareLists.Push(box.Pending);
    }

    private const int MaxSpareLists = 8192;
    private const int MaxSpareListCapacity = 256;
    private readonly Stack<List<Held>> _spareLists = new();

    /// <summary>Counts and queues an entry for the node's quarantine journal. The headers are copied: callers pass the
    /// scratch array of <see cref="Decode"/>, which the next message of that size overwrites.</summary>
    private void Quarantine(List<object> quarantine, DateTimeOffset now, string reason, KeyValuePair<string, string>[] headers)
    {
        _quarantined++;
        _log.Warning("node {0}: quarantined an event: {1}", _settings.Name, reason);
        quarantine.Add(new EventQuarantined(_settings.Name, now, reason, headers.ToArray()));
    }

    private void Learn(string uniqueId, string linkedId)
    {
        if (_linkedIdOfChannel.TryAdd(uniqueId, linkedId))
        {
            _channelOrder.Enqueue(uniqueId);
            if (_channelOrder.Count > MaxKnownChannels) _linkedIdOfChannel.Remove(_channelOrder.Dequeue());
        }
    }

    private void Accepted(CallEventsAccepted accepted)
    {
        // An answer to a redelivery already answered, or to a delivery of another incarnation: nothing to do.
        if (!_callOfDelivery.Remove(accepted.DeliveryId, out var linkedId)) return;
        _journaled += accepted.Persisted;
        _duplicates += accepted.Duplicates;
        var box = _outboxes[linkedId];
        _held -= box.InFlight!.Events.Count;
        _inFlight -= box.InFlight.Events.Count;
        box.InFlight = null;
        var now = DateTimeOffset.UtcNow;
        // Calls that waited for the in-flight limit go first, then this one's next delivery (it queues if need be).
        while (_inFlight < _inFlightLimit && _waiting.TryDequeue(out var next))
        {
            if (!_outboxes.TryGetValue(next, out var waiting)) continue;
            waiting.Waiting = false;
            Send(next, now);
        }
        if (box.Pending.Count > 0) Send(linkedId, now);
        else RemoveOutbox(linkedId, box);
        AfterDelivered();
    }

    private void Delivered(long deliveryId)
    {
        if (!_journalWrites.Remove(deliveryId)) return;
        if (deliveryId == _sessionStartWrite)
        {
            _sessionStartWrite = null;
            QueuePull();
        }
        AfterDelivered();
    }

    private void AfterDelivered()
    {
        CancelRedeliveryWhenIdle();
        // Held at the limit: read on once half of it has been acknowledged (not after every acknowledgement).
        if (_heldBack && _held <= _batchSize / 2)
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
        var late = 0;
        foreach (var linkedId in _callOfDelivery.Values)
        {
            var box = _outboxes[linkedId];
            if (now - box.SentAt < _deliveryTimeout) continue;
            late++;
            _redeliveries++;
            box.SentAt = now;
            _calls.Tell(box.InFlight!);
        }
        // The node journal does not drop copies: only a write that is really late goes again.
        foreach (var (id, (write, sentAt)) in _journalWrites.ToList())
        {
            if (now - sentAt < _deliveryTimeout) continue;
            late++;
            _redeliveries++;
            _journalWrites[id] = (write, now);
            _journal.Tell(write);
        }
        if (late > 0)
            _log.Warning("node {0}: {1} deliveries not acknowledged within {2}; redelivering", _settings.Name, late, _deliveryTimeout);
        CancelRedeliveryWhenIdle();
    }

    private void CancelRedeliveryWhenIdle()
    {
        if (_callOfDelivery.Count == 0 && _journalWrites.Count == 0) Timers.Cancel("redeliver");
    }

    private void OnConnection(AmiConnectionNotification n)
    {
        switch (n)
        {
            case AmiConnected c:
                _connectedSince = c.At;
                _disconnectedSince = null;
                _banner = c.Banner;
                _log.Info("node {0}: connected ({1})", _settings.Name, c.Banner);
                if (_firstConnection)
                {
                    // A previous incarnation (a crash, a moved shard) may have been cut off: journal that window.
                    _firstConnection = false;
                    AskPreviousIncarnation(c.At, 1); // routing waits for the session start (AwaitingSessionStart)
                }
                else Self.Tell(new Heartbeat());
                Resync();
                break;
            case AmiDisconnected d:
                _disconnectedSince ??= d.At;
                _connectedSince = null;
                _lastError = d.Reason;
                _log.Warning("node {0}: disconnected: {1}", _settings.Name, d.Reason);
                break;
            case AmiReconnected r:
                var from = _disconnectedSince ?? r.At - r.Downtime;
                _connectedSince = r.At;
                _disconnectedSince = null;
                _banner = r.Banner;
                RecordGap(from, r.At, $"AMI disconnected ({_lastError ?? "unknown reason"}), reconnected after {r.Attempts} attempt(s)", -1);
                Resync();
                break;
            case AmiEventsLost lost:
                RecordGap(lost.FirstLostAt, lost.LastLostAt, "event buffer overflow: the journal fell behind", lost.Count);
                Resync();
                break;
            case AmiConnectAttemptFailed f:
                _lastError = f.Reason;
                _log.Warning("node {0}: connect attempt {1} failed: {2}; next in {3}", _settings.Name, f.Attempt, f.Reason, f.RetryIn);
                break;
            case AmiStopped s:
                _lastError = s.Reason;
                _log.Error("node {0}: AMI client stopped: {1}", _settings.Name, s.Reason);
                break;
        }
    }

    /// <summary>Asks the node journal when the previous session was last seen, to journal the window since as a gap.
    /// Retried (and re-asked of a restarted journal): a window that is never journaled is a silent loss.</summary>
    private void AskPreviousIncarnation(DateTimeOffset connectedAt, int attempt)
    {
        _incarnationCheck = connectedAt;
        _journal.Ask<NodeJournal.LastSeen>(new NodeJournal.GetLastSeen(), TimeSpan.FromSeconds(10))
            .PipeTo(Self, success: l => new PreviousIncarnation(l.At, connectedAt),
                failure: e => new PreviousIncarnationUnknown(connectedAt, attempt, e.Message));
    }

    private void RecordGap(DateTimeOffset from, DateTimeOffset to, string reason, long lost)
    {
        _gaps++;
        _log.Warning("node {0}: gap from {1:O} to {2:O}: {3}", _settings.Name, from, to, reason);
        WriteToJournal([new GapRecorded(_settings.Name, from, to, reason, lost)]);
    }

    /// <summary>Learns which channels are up (and their LinkedIDs) so Cdr of calls that started unseen can be routed.</summary>
    private void Resync()
    {
        var client = _client;
        client.SendListActionAsync(AmiActions.CoreShowChannels(), cancellationToken: _stopping.Token)
            .ContinueWith(async t =>
            {
                var list = await t.ConfigureAwait(false);
                var items = await list.ToListAsync().ConfigureAwait(false);
                var channels = items
                    .Where(i => i.EventName == "CoreShowChannel")
                    .Select(i => (i["Uniqueid"] ?? "", i["Linkedid"] ?? ""))
                    .Where(c => c.Item1.Length > 0 && c.Item2.Length > 0)
                    .ToList();
                return (object)new ResyncDone(channels.Count, channels);
            }, TaskScheduler.Default)
            .Unwrap()
            .PipeTo(Self, failure: e => new ResyncFailed(e.GetBaseException().Message));
    }

    private void CountRate(DateTimeOffset now, int count)
    {
        _rate.Enqueue((now, count));
        while (_rate.Count > 0 && now - _rate.Peek().At > TimeSpan.FromSeconds(10)) _rate.Dequeue();
    }

    private NodeStatus Status()
    {
        var now = DateTimeOffset.UtcNow;
        while (_rate.Count > 0 && now - _rate.Peek().At > TimeSpan.FromSeconds(10)) _rate.Dequeue();
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
            EventsIn = _eventsIn,
            EventsPerSecond = _rate.Sum(r => r.Count) / 10.0,
            EventsByType = new Dictionary<string, long>(_byType),
            CelEvents = _cel,
            CdrEvents = _cdr,
            EventsJournaled = _journaled,
            DuplicatesIgnored = _duplicates,
            Quarantined = _quarantined,
            Gaps = _gaps,
            MalformedMessages = c.MalformedMessages,
            OversizedMessages = c.OversizedMessages,
            EventsDroppedOnOverflow = c.EventsDropped,
            Reconnects = c.Reconnects,
            BufferUsed = _client.Events.CanCount ? _client.Events.Count : -1,
            BufferCapacity = _settings.EventBufferCapacity,
            DeliveriesInFlight = _callOfDelivery.Count + _journalWrites.Count,
            EventsHeld = _held,
            EventsInFlight = _inFlight,
            EventsInFlightPeak = _inFlightPeak,
            EventsInFlightLimit = _inFlightLimit,
            CallsWaiting = _waiting.Count,
            Redeliveries = _redeliveries,
            LiveChannelsAtLastResync = _liveAtResync,
        };
    }
}
