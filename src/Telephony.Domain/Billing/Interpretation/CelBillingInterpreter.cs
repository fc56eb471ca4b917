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
    ];

    /// <summary>The billing record of one call. Events of another LinkedID than the first event's are left out, with a
    /// note on the record.</summary>
    public BillingRecord InterpretCall(IEnumerable<CelEvent> eventsOfOneLinkedId)
    {
        ArgumentNullException.ThrowIfNull(eventsOfOneLinkedId);
        var events = eventsOfOneLinkedId.ToList();
        if (events.Count == 0) throw new ArgumentException("a call needs at least one CEL event", nameof(eventsOfOneLinkedId));
        return Interpret(events[0].LinkedId, events);
    }

    /// <summary>One record per LinkedID found in <paramref name="events"/>, in order of first appearance.</summary>
    public IReadOnlyList<BillingRecord> InterpretAll(IEnumerable<CelEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        return events.GroupBy(e => e.LinkedId, StringComparer.Ordinal)
            .Select(g => Interpret(g.Key, g.ToList()))
            .ToList();
    }

    private BillingRecord Interpret(string linkedId, List<CelEvent> events)
    {
        var call = new CallBuilder(linkedId);
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
}
