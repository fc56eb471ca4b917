using Telephony.Simulator.Queue;

namespace Telephony.Testing.Fleet;

/// <summary>
/// Reads the simulator's queue ledger every 20 ms and notes, on the test's wall clock, when each connection was first
/// seen up and first seen over. The ledger's own times are each caller's simulated clock; these put every connection
/// on one clock, so two connections of one agent can be compared whichever callers they belong to. Two connections
/// of an agent overlap when one was seen up while the other was still up: an agent answers a second caller only
/// after ringing for its ring time (half a second of wall clock or more here), far longer than one reading.
/// </summary>
public sealed class LedgerWatch : IAsyncDisposable
{
    public sealed record Seen(QueueConnection Connection, DateTimeOffset Up, DateTimeOffset? Over);

    private readonly QueueLedger _ledger;
    private readonly List<Seen> _seen = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public LedgerWatch(QueueLedger ledger)
    {
        _ledger = ledger;
        _loop = Task.Run(LoopAsync);
    }

    /// <summary>Every connection so far, in the ledger's order (one more reading first).</summary>
    public IReadOnlyList<Seen> Connections
    {
        get
        {
            Read();
            lock (_seen) return _seen.ToArray();
        }
    }

    /// <summary>Pairs of connections of one agent (node and id) up at the same time on the wall clock, the earlier first.</summary>
    public IReadOnlyList<(Seen First, Seen Second)> Overlaps()
    {
        var overlaps = new List<(Seen, Seen)>();
        foreach (var agent in Connections.GroupBy(s => (s.Connection.AgentNode, s.Connection.AgentId)))
        {
            var ordered = agent.OrderBy(s => s.Up).ToList();
            for (var i = 0; i < ordered.Count; i++)
            for (var j = i + 1; j < ordered.Count && ordered[j].Up < (ordered[i].Over ?? DateTimeOffset.MaxValue); j++)
                overlaps.Add((ordered[i], ordered[j]));
        }
        return overlaps;
    }

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Read();
            try
            {
                await Task.Delay(20, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private void Read()
    {
        var now = DateTimeOffset.UtcNow;
        var connections = _ledger.Connections; // appended in order; an ended one is replaced in its place
        lock (_seen)
        {
            for (var i = 0; i < connections.Count; i++)
            {
                var c = connections[i];
                if (i == _seen.Count) _seen.Add(new Seen(c, now, c.End is null ? null : now));
                else if (_seen[i].Over is null && c.End is not null) _seen[i] = _seen[i] with { Connection = c, Over = now };
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }
}
