using System.Diagnostics;

namespace Telephony.Simulator.Queue;

/// <summary>Plays <see cref="QueueLoadOptions"/>: adds the generated agents, then starts callers at the rate until
/// <see cref="QueueLoadOptions.MaxCallers"/>.</summary>
public sealed class QueueLoadGenerator : IAsyncDisposable
{
    private readonly VirtualQueue _queue;
    private readonly QueueLoadOptions _options;
    private readonly Random _random;
    private readonly CancellationTokenSource _cts = new();
    private readonly List<QueueCaller> _callers = [];
    private Task _loop = Task.CompletedTask;
    private long _skipped;

    internal QueueLoadGenerator(VirtualQueue queue, QueueLoadOptions options)
    {
        if (options.CallersPerSecond <= 0) throw new ArgumentOutOfRangeException(nameof(options), "CallersPerSecond must be positive");
        _queue = queue;
        _options = options;
        _random = options.Seed is { } seed ? new Random(seed) : new Random();
    }

    /// <summary>Callers started so far (the arrivals).</summary>
    public IReadOnlyList<QueueCaller> Callers
    {
        get { lock (_callers) return _callers.ToArray(); }
    }

    /// <summary>Arrivals dropped because their node was restarting.</summary>
    public long Skipped => Interlocked.Read(ref _skipped);

    /// <summary>Completes when <see cref="QueueLoadOptions.MaxCallers"/> callers have been started.</summary>
    public Task Arrivals => _loop;

    internal void Start()
    {
        for (var node = 1; node <= _queue.Nodes.Count; node++)
        for (var k = 1; k <= _options.AgentsPerNode; k++)
            _queue.SetAgent(DrawAgent($"{node}{k:0000}", node));
        _loop = Task.Run(() => RunAsync(_cts.Token));
    }

    private AgentBehavior DrawAgent(string id, int node)
    {
        var pick = _random.NextDouble();
        if (pick < _options.BusyShare) return AgentBehavior.IsBusy(id, node);
        if (pick < _options.BusyShare + _options.NoAnswerShare) return AgentBehavior.NeverAnswers(id, node);
        return AgentBehavior.Answers(id, node, _options.Ring.Next(_random).TotalSeconds, _options.Talk.Next(_random).TotalSeconds);
    }

    private async Task RunAsync(CancellationToken ct)
    {
        var interval = TimeSpan.FromSeconds(1 / _options.CallersPerSecond);
        var clock = Stopwatch.StartNew();
        for (long slot = 0; !ct.IsCancellationRequested && (_options.MaxCallers is not { } max || slot < max); slot++)
        {
            var wait = interval * slot - clock.Elapsed;
            if (wait > TimeSpan.Zero) await Task.Delay(wait, ct).ConfigureAwait(false);
            var node = _queue.Nodes[(int)(slot % _queue.Nodes.Count)];
            TimeSpan? patience = _random.NextDouble() < _options.PatienceShare ? _options.Patience.Next(_random) : null;
            var caller = node.StartQueueCaller(Pick(_options.Queues), Pick(_options.Priorities), patience);
            if (caller is null)
            {
                Interlocked.Increment(ref _skipped);
                continue;
            }
            lock (_callers) _callers.Add(caller);
        }
    }

    private T Pick<T>(IReadOnlyList<KeyValuePair<T, double>> weighted)
    {
        var pick = _random.NextDouble() * weighted.Sum(w => w.Value);
        foreach (var (value, weight) in weighted)
        {
            if (pick < weight) return value;
            pick -= weight;
        }
        return weighted[^1].Key;
    }

    public async ValueTask DisposeAsync()
    {
        _cts.Cancel();
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }
}
