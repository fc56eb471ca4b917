using Telephony.Actors.Serialization;

namespace Telephony.Actors.Calls;

/// <summary>A message for one call entity (<c>node/linkedid</c>).</summary>
public interface ICallMessage : ITelephonyMessage
{
    string Node { get; }
    string LinkedId { get; }
}

/// <summary>Journal these events (those not already journaled) and answer <see cref="CallEventsAccepted"/> once they
/// are safe. Sent again by the node until answered: the call entity ignores what it already has.</summary>
public sealed record RecordCallEvents(string Node, string LinkedId, long DeliveryId, IReadOnlyList<RecordedEvent> Events)
    : ICallMessage;

/// <summary>The events of delivery <paramref name="DeliveryId"/> are journaled (<paramref name="Persisted"/> new ones,
/// <paramref name="Duplicates"/> already there).</summary>
public sealed record CallEventsAccepted(string Node, string LinkedId, long DeliveryId, int Persisted, int Duplicates)
    : ITelephonyMessage;

/// <summary>Asks a call entity for its state (the management endpoint, tests).</summary>
public sealed record GetCallState(string Node, string LinkedId) : ICallMessage;

public sealed record CallStateView(
    string Node,
    string LinkedId,
    int CelCount,
    int CdrCount,
    int LiveChannels,
    bool LinkedIdEnded,
    int Revision,
    string? CompletionReason) : ITelephonyMessage;

/// <summary>
/// How a call entity is stopped, by its own passivation and by sharding's hand-off. Not <c>PoisonPill</c>: that stops
/// a persistent actor at once, even between a write and its handler, so an event could be journaled and never
/// acknowledged (the node then counted it as not journaled and redelivered it). This is a command like any other:
/// held back while a write is in flight, handled after its acknowledgement has gone. Local only: sent by the shard
/// to its own entities.
/// </summary>
public sealed class StopCall
{
    public static readonly StopCall Instance = new();

    private StopCall()
    {
    }
}
