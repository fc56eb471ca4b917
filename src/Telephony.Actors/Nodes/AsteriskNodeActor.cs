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
/// reads events in rounds from the client's bounded buffer (the socket reader never waits for us), routes CEL and Cdr
/// to call entities and only pulls the next round once every delivery of this one is acknowledged as journaled
/// (redelivering on timeout — call entities drop copies). Disconnections and buffer overflows are journaled as gaps
/// and followed by a resync; events it cannot understand or route are journaled in quarantine with the reason.
/// </summary>
public sealed class AsteriskNodeActor : ReceiveActor, IWithTimers
{
    private sealed record Pull;
    private sealed record Redeliver;
    private sealed record ResyncDone(int LiveChannels, IReadOnlyList<(string UniqueId, string LinkedId)> Channels);
    private sealed record ResyncFailed(string Reason);
    private sealed record Heartbeat;
    private sealed record PreviousIncarnation(DateTimeOffset? LastSeen, DateTimeOffset ConnectedAt);

    /// <summary>How often a connected node journals that it is observing Asterisk (bounds a crash's unknown window).</summary>
    private static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(5);

    private const int MaxKnownChannels = 200_000;

    private readonly AsteriskNodeSettings _settings;
    private readonly IActorRef _calls;
    private readonly int _batchSize;
    private readonly TimeSpan _deliveryTimeout;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Dictionary<long, object> _inFlight = new();
    private readonly Dictionary<string, string> _linkedIdOfChannel = new(StringComparer.Ordinal);
    private readonly Queue<string> _channelOrder = new();
    private readonly Dictionary<string, long> _byType = new(StringComparer.Ordinal);
    private readonly Queue<(DateTimeOffset At, long Count)> _rate = new();

    private AmiClient _client = null!;
    private IActorRef _journal = ActorRefs.Nobody;
    private long _nextDelivery;
    private bool _pulling;
    private DateTimeOffset? _connectedSince;
    private DateTimeOffset? _disconnectedSince;
    private string? _lastError;
    private string? _banner;
    private long _eventsIn, _cel, _cdr, _journaled, _duplicates, _quarantined, _gaps, _redeliveries;
    private int _liveAtResync;
    private bool _firstConnection = true;

    public AsteriskNodeActor(AsteriskNodeSettings settings, IActorRef callRegion, int batchSize, TimeSpan deliveryTimeout)
    {
        _settings = settings;
        _calls = callRegion;
        _batchSize = batchSize;
        _deliveryTimeout = deliveryTimeout;

        Receive<NodeCommand>(c => c.Kind == NodeCommandKind.GetStatus, _ => Sender.Tell(Status()));
        Receive<NodeCommand>(_ => { }); // EnsureConnected: being alive is being connected
        Receive<Pull>(_ => PullRound());
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
        Receive<Terminated>(t => t.ActorRef.Equals(_journal), _ => StartJournal());
        Receive<Heartbeat>(_ =>
        {
            if (_connectedSince is not null) _journal.Tell(new NodeSeen(_settings.Name, DateTimeOffset.UtcNow));
        });
        Receive<PreviousIncarnation>(p =>
        {
            if (p.LastSeen is { } last && last < p.ConnectedAt)
                RecordGap(last, p.ConnectedAt, "node (re)started: nothing observed since the previous session's last heartbeat", -1);
        });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(AsteriskNodeSettings settings, IActorRef callRegion, int batchSize, TimeSpan deliveryTimeout) =>
        Akka.Actor.Props.Create(() => new AsteriskNodeActor(settings, callRegion, batchSize, deliveryTimeout));

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
        Self.Tell(new Pull());
        Timers.StartPeriodicTimer("heartbeat", new Heartbeat(), HeartbeatInterval);
    }

    protected override void PostStop()
    {
        _stopping.Cancel();
        var client = _client;
        _ = Task.Run(async () => await client.DisposeAsync().ConfigureAwait(false));
        _log.Info("node {0}: stopped, AMI session closed", _settings.Name);
    }

    private void StartJournal()
    {
        _journal = Context.Watch(Context.ActorOf(NodeJournal.Props(_settings.Name), "journal-" + Guid.NewGuid().ToString("N")[..8]));
    }

    /// <summary>Takes up to a batch of buffered events and delivers them; waits for more when the buffer is empty.</summary>
    private void PullRound()
    {
        _pulling = false;
        if (_inFlight.Count > 0) return;
        var deliveries = new Dictionary<string, List<RecordedEvent>>(StringComparer.Ordinal);
        var quarantine = new List<object>();
        var now = DateTimeOffset.UtcNow;
        var taken = 0;
        while (taken < _batchSize && _client.Events.TryRead(out var message))
        {
            taken++;
            Route(message, now, deliveries, quarantine);
        }
        if (taken > 0) CountRate(now, taken);

        foreach (var (linkedId, events) in deliveries)
        {
            var id = ++_nextDelivery;
            var command = new RecordCallEvents(_settings.Name, linkedId, id, events);
            _inFlight[id] = command;
            _calls.Tell(command);
        }
        if (quarantine.Count > 0) WriteToJournal(quarantine);

        if (_inFlight.Count > 0)
        {
            Timers.StartSingleTimer("redeliver", new Redeliver(), _deliveryTimeout);
            return;
        }
        if (taken == _batchSize)
        {
            Self.Tell(new Pull()); // more is waiting: let other messages in between rounds
            return;
        }
        WaitForEvents();
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

    private void WriteToJournal(List<object> entries)
    {
        var id = ++_nextDelivery;
        var write = new NodeJournal.Write(id, entries);
        _inFlight[id] = write;
        _journal.Tell(write);
        Timers.StartSingleTimer("redeliver", new Redeliver(), _deliveryTimeout);
    }

    private void Route(AmiMessage message, DateTimeOffset now, Dictionary<string, List<RecordedEvent>> deliveries, List<object> quarantine)
    {
        _eventsIn++;
        var name = message.EventName ?? "(none)";
        _byType[name] = _byType.GetValueOrDefault(name) + 1;
        switch (name)
        {
            case "CEL":
            {
                _cel++;
                var headers = message.Headers;
                var parsed = CelEventFactory.Parse(headers, _settings.TimeZone);
                if (!parsed.IsValid)
                {
                    Quarantine(quarantine, now, $"CEL rejected: {parsed.Error!.Message}", headers);
                    return;
                }
                var cel = parsed.Value!;
                Learn(cel.UniqueId, cel.LinkedId);
                Add(deliveries, cel.LinkedId, new RecordedEvent(RecordedEventKind.Cel, EventIdentity.ForCel(cel).Value, now, headers));
                return;
            }
            case "Cdr":
            {
                _cdr++;
                var headers = message.Headers;
                var parsed = CdrRecordFactory.Parse(headers, _settings.TimeZone);
                if (!parsed.IsValid)
                {
                    Quarantine(quarantine, now, $"Cdr rejected: {parsed.Error!.Message}", headers);
                    return;
                }
                var cdr = parsed.Value!;
                var linkedId = string.IsNullOrEmpty(cdr.LinkedId) ? _linkedIdOfChannel.GetValueOrDefault(cdr.UniqueId) : cdr.LinkedId;
                if (string.IsNullOrEmpty(linkedId))
                {
                    Quarantine(quarantine, now,
                        $"Cdr for channel {cdr.UniqueId} has no LinkedID and no CEL of that channel was seen " +
                        "(map linkedid in cdr_manager.conf [mappings])", headers);
                    return;
                }
                Add(deliveries, linkedId, new RecordedEvent(RecordedEventKind.Cdr, EventIdentity.ForCdr(cdr).Value, now, headers));
                return;
            }
            case "Newchannel":
            {
                var u = message["Uniqueid"];
                var l = message["Linkedid"];
                if (!string.IsNullOrEmpty(u) && !string.IsNullOrEmpty(l)) Learn(u, l);
                return;
            }
        }
    }

    private static void Add(Dictionary<string, List<RecordedEvent>> deliveries, string linkedId, RecordedEvent e)
    {
        if (!deliveries.TryGetValue(linkedId, out var list)) deliveries[linkedId] = list = [];
        list.Add(e);
    }

    private void Quarantine(List<object> quarantine, DateTimeOffset now, string reason, IReadOnlyList<KeyValuePair<string, string>> headers)
    {
        _quarantined++;
        _log.Warning("node {0}: quarantined an event: {1}", _settings.Name, reason);
        quarantine.Add(new EventQuarantined(_settings.Name, now, reason, headers));
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
        if (!_inFlight.ContainsKey(accepted.DeliveryId)) return; // an answer to a redelivery already answered
        _journaled += accepted.Persisted;
        _duplicates += accepted.Duplicates;
        Delivered(accepted.DeliveryId);
    }

    private void Delivered(long deliveryId)
    {
        if (!_inFlight.Remove(deliveryId) || _inFlight.Count > 0) return;
        Timers.Cancel("redeliver");
        PullRound();
    }

    private void RedeliverAll()
    {
        if (_inFlight.Count == 0) return;
        _log.Warning("node {0}: {1} deliveries not acknowledged within {2}; redelivering", _settings.Name, _inFlight.Count, _deliveryTimeout);
        foreach (var pending in _inFlight.Values)
        {
            _redeliveries++;
            if (pending is NodeJournal.Write w) _journal.Tell(w);
            else _calls.Tell(pending);
        }
        Timers.StartSingleTimer("redeliver", new Redeliver(), _deliveryTimeout);
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
                    var at = c.At;
                    _journal.Ask<NodeJournal.LastSeen>(new NodeJournal.GetLastSeen(), TimeSpan.FromSeconds(30))
                        .PipeTo(Self, success: l => new PreviousIncarnation(l.At, at), failure: _ => new PreviousIncarnation(null, at));
                }
                Self.Tell(new Heartbeat());
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
            DeliveriesInFlight = _inFlight.Count,
            Redeliveries = _redeliveries,
            LiveChannelsAtLastResync = _liveAtResync,
        };
    }
}
