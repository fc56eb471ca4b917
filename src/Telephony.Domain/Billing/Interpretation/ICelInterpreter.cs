using Telephony.Domain.Cel;

namespace Telephony.Domain.Billing.Interpretation;

/// <summary>Handles one CEL event of a call: reads it, updates the builder.</summary>
public delegate void CelHandler(CelEvent cel, ChannelLeg leg, CallBuilder call);

/// <summary>
/// One small interpreter of the chain: a map from event type to handler (after Wazo call-logd's
/// <c>eventname_map</c>). <see cref="CelBillingInterpreter"/> offers every event to every interpreter of its chain, in
/// chain order; an interpreter that has no handler for the type ignores it.
/// </summary>
public interface ICelInterpreter
{
    IReadOnlyDictionary<CelEventType, CelHandler> Handlers { get; }
}

/// <summary>Base for interpreters that declare their map in the constructor with <see cref="On"/>.</summary>
public abstract class CelInterpreter : ICelInterpreter
{
    private readonly Dictionary<CelEventType, CelHandler> _handlers = [];

    public IReadOnlyDictionary<CelEventType, CelHandler> Handlers => _handlers;

    protected void On(CelEventType type, CelHandler handler) =>
        _handlers[type] = _handlers.TryGetValue(type, out var existing) ? existing + handler : handler;

    protected void On(IEnumerable<CelEventType> types, CelHandler handler)
    {
        foreach (var t in types) On(t, handler);
    }

    /// <summary>Every type, Unknown included: for interpreters that look at a field of every event.</summary>
    protected static IEnumerable<CelEventType> AllTypes => Enum.GetValues<CelEventType>();
}
