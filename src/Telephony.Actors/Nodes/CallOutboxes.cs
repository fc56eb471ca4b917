using Telephony.Actors.Calls;

namespace Telephony.Actors.Nodes;

/// <summary>
/// The node's events on their way to call entities, one outbox per call. Each call has at most one delivery in
/// flight: events of a call that arrive while its delivery is being journaled wait in its outbox and leave together as
/// its next delivery once the first is acknowledged — so a call's events reach its entity in AMI order, and the busier
/// the system the bigger the batches (one journal row each). Past the in-flight limit a call with events to send waits
/// its turn and goes first when an acknowledgement frees room. Unacknowledged deliveries go again after the timeout
/// (call entities drop copies).
/// <para>Held events, acknowledgements and redelivery ticks go in; deliveries come out in <see cref="Outgoing"/> and
/// CEL refused when they leave in <see cref="Quarantine"/>, both for the caller to take and clear.</para>
/// </summary>
internal sealed class CallOutboxes(string node, NodeEventRouter router, int inFlightLimit, TimeSpan deliveryTimeout)
{
    /// <summary>One call's events on their way: the delivery in flight (if any) and what arrived since.</summary>
    private sealed class Outbox
    {
        public RecordCallEvents? InFlight;
        public DateTimeOffset InFlightReadSince; // the read-since of the oldest event in flight
        public DateTimeOffset PendingReadSince; // of the oldest pending event
        public DateTimeOffset SentAt;
        public required List<HeldEvent> Pending;
        public bool Waiting; // in _waiting: it has pending events and no delivery in flight, but the limit is reached
    }

    // Enough for the outboxes open at once in ordinary traffic; after a burst (thousands of calls hanging up together)
    // more would stay as spares for nothing, ~300 bytes each.
    private const int MaxSpareLists = 512;
    private const int MaxSpareListCapacity = 256;

    private readonly Dictionary<string, Outbox> _outboxes = new(StringComparer.Ordinal);
    private readonly Dictionary<long, string> _callOfDelivery = new();
    private readonly Queue<string> _waiting = new(); // calls whose next delivery waits for the in-flight limit
    private readonly Stack<List<HeldEvent>> _spareLists = new();
    private long _lastDeliveryId;

    public int InFlightLimit { get; } = Math.Max(1, inFlightLimit);

    /// <summary>Events in outboxes and in flight.</summary>
    public int Held { get; private set; }
    /// <summary>Events in deliveries sent and not yet acknowledged.</summary>
    public int InFlight { get; private set; }
    public int InFlightPeak { get; private set; }
    public int CallsWaiting => _waiting.Count;
    public int DeliveriesInFlight => _callOfDelivery.Count;
    public long Journaled { get; private set; }
    public long Duplicates { get; private set; }

    public List<RecordCallEvents> Outgoing { get; } = [];
    public List<object> Quarantine { get; } = [];

    /// <summary>Numbers every delivery of the node — its journal writes too, which share the sequence.</summary>
    public long NextDeliveryId() => ++_lastDeliveryId;

    /// <param name="readSince">A moment no later than the one the event was read from the connection (routing may come
    /// much later: a backlog held while the session start waited, or while the journal was down). What
    /// <see cref="OldestHeldAt"/> reports, so that a heartbeat never claims what is held as observed.</param>
    public void Hold(string linkedId, HeldEvent e, DateTimeOffset readSince)
    {
        if (!_outboxes.TryGetValue(linkedId, out var box))
            _outboxes[linkedId] = box = new Outbox { Pending = _spareLists.TryPop(out var spare) ? spare : new List<HeldEvent>(8) };
        if (box.Pending.Count == 0) box.PendingReadSince = readSince;
        box.Pending.Add(e);
        Held++;
    }

    /// <summary>Sends the call's pending events as one delivery unless one is already in flight.</summary>
    public void Send(string linkedId, DateTimeOffset now)
    {
        if (!_outboxes.TryGetValue(linkedId, out var box) || box.InFlight is not null || box.Pending.Count == 0 || box.Waiting) return;
        if (InFlight >= InFlightLimit)
        {
            box.Waiting = true;
            _waiting.Enqueue(linkedId);
            return;
        }
        var events = new List<RecordedEvent>(box.Pending.Count);
        foreach (var held in box.Pending)
        {
            if (router.Identify(held, out var refused) is { } e) events.Add(e);
            else
            {
                Held--;
                if (refused is not null) Quarantine.Add(refused);
            }
        }
        box.Pending.Clear(); // kept for the call's next events (and for the next call, see Remove)
        box.InFlightReadSince = box.PendingReadSince;
        if (events.Count == 0)
        {
            Remove(linkedId, box);
            return;
        }
        var id = NextDeliveryId();
        InFlight += events.Count;
        InFlightPeak = Math.Max(InFlightPeak, InFlight);
        box.InFlight = new RecordCallEvents(node, linkedId, id, events);
        box.SentAt = now;
        _callOfDelivery[id] = linkedId;
        Outgoing.Add(box.InFlight);
    }

    /// <summary>A call entity journaled a delivery: its room goes first to the calls that waited for the limit, then
    /// to this call's next delivery. False for an answer to a delivery already answered (or of another incarnation).</summary>
    public bool Accept(CallEventsAccepted accepted, DateTimeOffset now)
    {
        if (!_callOfDelivery.Remove(accepted.DeliveryId, out var linkedId)) return false;
        Journaled += accepted.Persisted;
        Duplicates += accepted.Duplicates;
        var box = _outboxes[linkedId];
        Held -= box.InFlight!.Events.Count;
        InFlight -= box.InFlight.Events.Count;
        box.InFlight = null;
        while (InFlight < InFlightLimit && _waiting.TryDequeue(out var next))
        {
            if (!_outboxes.TryGetValue(next, out var waiting)) continue;
            waiting.Waiting = false;
            Send(next, now);
        }
        if (box.Pending.Count > 0) Send(linkedId, now);
        else Remove(linkedId, box);
        return true;
    }

    /// <summary>Sends again every delivery unacknowledged for the timeout; returns how many.</summary>
    public int Redeliver(DateTimeOffset now)
    {
        var late = 0;
        foreach (var linkedId in _callOfDelivery.Values)
        {
            var box = _outboxes[linkedId];
            if (now - box.SentAt < deliveryTimeout) continue;
            late++;
            box.SentAt = now;
            Outgoing.Add(box.InFlight!);
        }
        return late;
    }

    /// <summary>When the oldest event not yet acknowledged was read (at the latest: see <see cref="Hold"/>), or null
    /// when every event is journaled: what the node may claim to have observed (and handed on) until.</summary>
    public DateTimeOffset? OldestHeldAt()
    {
        if (Held == 0) return null;
        DateTimeOffset? oldest = null;
        foreach (var box in _outboxes.Values)
        {
            // A call's events leave in the order they were read: its delivery in flight holds its oldest.
            var at = box.InFlight is { Events.Count: > 0 } ? box.InFlightReadSince : box.Pending.Count > 0 ? box.PendingReadSince : (DateTimeOffset?)null;
            if (at is { } a && (oldest is null || a < oldest)) oldest = a;
        }
        return oldest;
    }

    /// <summary>Empties the outboxes: every call's events not yet acknowledged (the delivery in flight, then what
    /// waited behind it, identified now), in the order they were read, for another owner of the node to deliver. CEL
    /// refused on the way go to <see cref="Quarantine"/>.</summary>
    public List<(string LinkedId, List<RecordedEvent> Events)> TakeUnacknowledged()
    {
        var taken = new List<(string, List<RecordedEvent>)>(_outboxes.Count);
        foreach (var (linkedId, box) in _outboxes)
        {
            var events = new List<RecordedEvent>((box.InFlight?.Events.Count ?? 0) + box.Pending.Count);
            if (box.InFlight is not null) events.AddRange(box.InFlight.Events);
            foreach (var held in box.Pending)
            {
                if (router.Identify(held, out var refused) is { } e) events.Add(e);
                else if (refused is not null) Quarantine.Add(refused);
            }
            if (events.Count > 0) taken.Add((linkedId, events));
        }
        _outboxes.Clear();
        _callOfDelivery.Clear();
        _waiting.Clear();
        Held = 0;
        InFlight = 0;
        return taken;
    }

    /// <summary>Drops an empty outbox and keeps its list for another call: a call's events arrive one by one, and a
    /// list grown from empty for each of thousands of calls a second was ~100 bytes per event of garbage.</summary>
    private void Remove(string linkedId, Outbox box)
    {
        _outboxes.Remove(linkedId);
        if (box.Pending.Count == 0 && box.Pending.Capacity <= MaxSpareListCapacity && _spareLists.Count < MaxSpareLists)
            _spareLists.Push(box.Pending);
    }
}
