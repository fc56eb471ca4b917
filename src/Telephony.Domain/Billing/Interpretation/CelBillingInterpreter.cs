using Telephony.Domain.Cel;

namespace Telephony.Domain.Billing.Interpretation;

/// <summary>
/// The CEL → billing interpreter: a chain of small interpreters, each a map from <see cref="CelEventType"/> to a
/// handler over a <see cref="CallBuilder"/> (the shape of Wazo call-logd's CEL interpreters), followed by
/// <see cref="BillingRules"/>. Feed it all CEL of one LinkedID — normally when LINKEDID_END arrives — and it returns the
/// call's <see cref="BillingRecord"/>. Pure: no clock, no I/O; the same events always give the same record.
/// <para>
/// Events are interpreted in time order; events with the same time keep the order they were given in (the order of
/// one call's CEL on the AMI is stable, see the captures README), so pass them in arrival/journal order.
/// </para>
/// </summary>
public sealed class CelBillingInterpreter
{
    private readonly IReadOnlyList<ICelInterpreter> _chain;

    /// <param name="chain">The interpreters, in the order they see each event; <see cref="DefaultChain"/> when null.</param>
    public CelBillingInterpreter(IEnumerable<ICelInterpreter>? chain = null) => _chain = (chain ?? DefaultChain()).ToArray();

    public static IReadOnlyList<ICelInterpreter> DefaultChain() =>
    [
        new ChannelLifecycleInterpreter(),
        new BridgeInterpreter(),
        new QueueInterpreter(),
        new TransferInterpreter(),
        new LocalChannelInterpreter(),
        new ParkingInterpreter(),
        new PickupInterpreter(),
        new ForwardInterpreter(),
        new UserEventInterpreter(),
        new SegmentInterpreter(),
    ];

    /// <summary>The billing record of one call. Events of another LinkedID than the first event's are left out, with a
    /// note on the record.</summary>
    /// <param name="cdrs">Asterisk's own Cdr records of the call, when known: without manager Timestamps, the record
    /// takes its exact seconds from the originating channel's Cdr (see <see cref="BillingRules"/>).</param>
    public BillingRecord InterpretCall(IEnumerable<CelEvent> eventsOfOneLinkedId, IReadOnlyList<Cdr.CdrRecord>? cdrs = null)
    {
        ArgumentNullException.ThrowIfNull(eventsOfOneLinkedId);
        var events = eventsOfOneLinkedId.ToList();
        if (events.Count == 0) throw new ArgumentException("a call needs at least one CEL event", nameof(eventsOfOneLinkedId));
        return Interpret(events[0].LinkedId, events, cdrs ?? []);
    }

    /// <summary>One record per LinkedID found in <paramref name="events"/>, in order of first appearance.</summary>
    public IReadOnlyList<BillingRecord> InterpretAll(IEnumerable<CelEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        return events.GroupBy(e => e.LinkedId, StringComparer.Ordinal)
            .Select(g => Interpret(g.Key, g.ToList(), []))
            .ToList();
    }

    private BillingRecord Interpret(string linkedId, List<CelEvent> events, IReadOnlyList<Cdr.CdrRecord> cdrs)
    {
        var stamps = TimestampsUsable(linkedId, events, out var disagreement);
        var call = new CallBuilder(linkedId, stamps) { Cdrs = cdrs };
        if (disagreement is not null) call.Note(disagreement);
        // OrderBy is stable: same-second events keep their arrival order.
        foreach (var cel in events.OrderBy(e => e.EventTime.Utc))
        {
            if (!string.Equals(cel.LinkedId, linkedId, StringComparison.Ordinal))
            {
                call.Note($"{cel.EventName} of LinkedID {cel.LinkedId} left out of call {linkedId}");
                continue;
            }
            var leg = call.Observe(cel);
            foreach (var interpreter in _chain)
                if (interpreter.Handlers.TryGetValue(cel.Type, out var handler))
                    handler(cel, leg, call);
        }
        return BillingRules.Build(call);
    }

    /// <summary>Manager Timestamps are used only when every event of the call has one, and each lies where the event's
    /// whole-second EventTime says it should: at or just after it (it is taken when the manager event is raised, a
    /// little after the record's time; a second and a half of slack). A Timestamp hours away means the node's zone is
    /// wrong (EventTime is local time, Timestamp is UTC): then neither is trusted over the other, and a note says so.</summary>
    public static bool TimestampsUsable(string linkedId, IReadOnlyList<CelEvent> events, out string? disagreement)
    {
        disagreement = null;
        foreach (var e in events)
        {
            if (!string.Equals(e.LinkedId, linkedId, StringComparison.Ordinal)) continue;
            if (e.Timestamp is not { } stamp) return false;
            var lag = stamp - e.EventTime.Utc;
            if (lag < -MaxEarly || lag > MaxLag)
            {
                disagreement = $"{e.EventName} on {e.Channel}: manager Timestamp {stamp:O} is {lag.TotalSeconds:0.###} s from " +
                               $"EventTime {e.EventTime.Text} (is the node's time zone right?); whole-second times used";
                return false;
            }
        }
        return events.Count > 0;
    }

    private static readonly TimeSpan MaxEarly = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaxLag = TimeSpan.FromSeconds(2.5);
}
