using Akka.Actor;
using Akka.Dispatch;
using Akka.Dispatch.MessageQueues;

namespace Telephony.Actors.Dispatch;

/// <summary>
/// A mailbox queue for entities that live by the thousand and mostly sit idle (calls): a ring buffer under a lock,
/// empty until the first message, with room for the stash's prepends. Akka's default for a persistent actor (a
/// ConcurrentQueue with its 32-slot segment, wrapped with a prepend stack) costs ~1 KB per actor before any message;
/// this costs ~120 bytes. A call entity takes a few messages a second at most, from a few senders, so the lock is
/// uncontended; the dispatcher's emptiness check reads the count without it.
/// </summary>
public sealed class CompactDequeMessageQueue : IMessageQueue, IUnboundedDequeBasedMessageQueueSemantics
{
    private const int FirstCapacity = 4;
    // A queue that grew past this in a burst gives its array back once drained.
    private const int KeptCapacity = 8;

    private Envelope[] _items = [];
    private int _head;
    private int _count;

    public bool HasMessages => Volatile.Read(ref _count) > 0;

    public int Count => Volatile.Read(ref _count);

    public void Enqueue(IActorRef receiver, Envelope envelope)
    {
        lock (this)
        {
            if (_count == _items.Length) Grow();
            _items[(_head + _count) % _items.Length] = envelope;
            Volatile.Write(ref _count, _count + 1);
        }
    }

    /// <summary>Called by the owning actor only (unstashing), in reverse order of the messages it puts back.</summary>
    public void EnqueueFirst(Envelope envelope)
    {
        lock (this)
        {
            if (_count == _items.Length) Grow();
            _head = (_head - 1 + _items.Length) % _items.Length;
            _items[_head] = envelope;
            Volatile.Write(ref _count, _count + 1);
        }
    }

    public bool TryDequeue(out Envelope envelope)
    {
        lock (this)
        {
            if (_count == 0)
            {
                envelope = default;
                return false;
            }
            envelope = _items[_head];
            _items[_head] = default; // the message is the actor's now, not the queue's
            _head = (_head + 1) % _items.Length;
            Volatile.Write(ref _count, _count - 1);
            if (_count == 0)
            {
                _head = 0;
                if (_items.Length > KeptCapacity) _items = [];
            }
            return true;
        }
    }

    public void CleanUp(IActorRef owner, IMessageQueue deadletters)
    {
        while (TryDequeue(out var envelope)) deadletters.Enqueue(owner, envelope);
    }

    private void Grow()
    {
        var grown = new Envelope[Math.Max(FirstCapacity, _items.Length * 2)];
        for (var i = 0; i < _count; i++) grown[i] = _items[(_head + i) % _items.Length];
        _items = grown;
        _head = 0;
    }
}
