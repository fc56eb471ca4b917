namespace Telephony.Actors.Persistence;

/// <summary>
/// A queue between any threads and one dedicated consumer thread that blocks without spinning. BlockingCollection and
/// SemaphoreSlim spin before they block; the journal writer wakes for every group (thousands a second), and on two
/// cores that spinning took ~13 % of the process's CPU in the distribution benchmark, beside the work it waited for.
/// </summary>
internal sealed class BlockingHandOff<T>
{
    private readonly Queue<T> _items = new();
    private readonly int _capacity;
    private bool _completed;

    /// <param name="capacity">Items kept at most; one more replaces nothing and is dropped (0: unbounded). A capacity of
    /// 1 makes a "do it soon" signal whose pending request covers any number of later ones.</param>
    public BlockingHandOff(int capacity = 0) => _capacity = capacity;

    public bool IsCompleted
    {
        get
        {
            lock (_items) return _completed;
        }
    }

    /// <summary>False when completed (the item is not taken) or full (a pending item already covers it).</summary>
    public bool TryAdd(T item)
    {
        lock (_items)
        {
            if (_completed || (_capacity > 0 && _items.Count >= _capacity)) return false;
            _items.Enqueue(item);
            if (_items.Count == 1) Monitor.Pulse(_items);
            return true;
        }
    }

    /// <summary>Waits for the next item; false once completed and drained.</summary>
    public bool Take(out T item)
    {
        lock (_items)
        {
            while (_items.Count == 0)
            {
                if (_completed)
                {
                    item = default!;
                    return false;
                }
                Monitor.Wait(_items);
            }
            item = _items.Dequeue();
            return true;
        }
    }

    public void Complete()
    {
        lock (_items)
        {
            _completed = true;
            Monitor.PulseAll(_items);
        }
    }
}
