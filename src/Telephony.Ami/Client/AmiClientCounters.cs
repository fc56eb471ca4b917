using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace Telephony.Ami.Client;

/// <summary>Live counters of one client (all connections it made). Thread-safe; read any time.</summary>
public sealed class AmiClientCounters
{
    private readonly ConcurrentDictionary<string, StrongBox<long>> _eventsByTypeCells = new(StringComparer.OrdinalIgnoreCase);
    internal long _messagesIn;
    internal long _eventsIn;
    internal long _malformed;
    internal long _oversized;
    internal long _eventsDropped;
    internal long _overflowIncidents;
    internal long _connects;
    internal long _reconnects;
    internal long _connectFailures;
    internal long _loginFailures;
    internal long _actionsSent;
    internal long _actionTimeouts;
    internal long _actionsFailedByDisconnect;
    internal long _keepAlivesSent;
    internal long _deadPeers;

    public long MessagesIn => Interlocked.Read(ref _messagesIn);
    public long EventsIn => Interlocked.Read(ref _eventsIn);
    public long MalformedMessages => Interlocked.Read(ref _malformed);
    public long OversizedMessages => Interlocked.Read(ref _oversized);

    /// <summary>Events dropped because the consumer fell behind by a whole buffer.</summary>
    public long EventsDropped => Interlocked.Read(ref _eventsDropped);

    /// <summary>Times the buffer became full (each a run of dropped events).</summary>
    public long OverflowIncidents => Interlocked.Read(ref _overflowIncidents);

    public long Connects => Interlocked.Read(ref _connects);
    public long Reconnects => Interlocked.Read(ref _reconnects);
    public long ConnectFailures => Interlocked.Read(ref _connectFailures);
    public long LoginFailures => Interlocked.Read(ref _loginFailures);
    public long ActionsSent => Interlocked.Read(ref _actionsSent);
    public long ActionTimeouts => Interlocked.Read(ref _actionTimeouts);
    public long ActionsFailedByDisconnect => Interlocked.Read(ref _actionsFailedByDisconnect);
    public long KeepAlivesSent => Interlocked.Read(ref _keepAlivesSent);

    /// <summary>Connections dropped because the peer stopped answering (keepalive unanswered, writes stalled).</summary>
    public long DeadPeersDetected => Interlocked.Read(ref _deadPeers);

    /// <summary>Events received, by event name.</summary>
    public IReadOnlyDictionary<string, long> EventsByType =>
        _eventsByTypeCells.ToDictionary(kv => kv.Key, kv => Interlocked.Read(ref kv.Value.Value), StringComparer.OrdinalIgnoreCase);

    public long EventsOfType(string name) => _eventsByTypeCells.TryGetValue(name, out var n) ? Interlocked.Read(ref n.Value) : 0;

    internal void CountEvent(string? name)
    {
        Interlocked.Increment(ref _eventsIn);
        // The reader thread counts every event: after a type's first event this is a lookup and an atomic add, no lock.
        var key = name ?? "";
        if (!_eventsByTypeCells.TryGetValue(key, out var cell)) cell = _eventsByTypeCells.GetOrAdd(key, static _ => new StrongBox<long>());
        Interlocked.Increment(ref cell.Value);
    }
}
