using System.Diagnostics;
using Telephony.Simulator.Calls;

namespace Telephony.Simulator.Load;

/// <summary>
/// Starts calls on one node at a steady rate (wall clock), skipping a slot when the node already has
/// <see cref="LoadOptions.MaxConcurrent"/> calls up. Each call picks a script by weight and a duration from the
/// distribution.
/// </summary>
public sealed class LoadGenerator : IAsyncDisposable
{
    private readonly SimulatedNode _node;
    private readonly LoadOptions _options;
    private readonly Random _random;
    private readonly CancellationTokenSource _cts = new();
    private Task _loop = Task.CompletedTask;
    private long _started;
    private long _skipped;

    internal LoadGenerator(SimulatedNode node, LoadOptions options)
    {
        if (options.CallsPerSecond <= 0) throw new ArgumentOutOfRangeException(nameof(options), "CallsPerSecond must be positive");
        if (options.MaxConcurrent <= 0) throw new ArgumentOutOfRangeException(nameof(options), "MaxConcurrent must be positive");
        if (options.Scripts.Count == 0 || options.Scripts.Any(s => s.Value < 0) || options.Scripts.Sum(s => s.Value) <= 0)
            throw new ArgumentException("LoadOptions.Scripts needs at least one script with a positive weight", nameof(options));
        _node = node;
        _options = options;
        _random = options.Seed is { } seed ? new Random(seed) : new Random();
    }

    /// <summary>Calls this generator started.</summary>
    public long Started => Interlocked.Read(ref _started);

    /// <summary>Slots skipped because the node was at its concurrency limit (or restarting).</summary>
    public long Skipped => Interlocked.Read(ref _skipped);

    internal void Start() => _loop = Task.Run(() => RunAsync(_cts.Token));

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

    private async Task RunAsync(CancellationToken ct)
    {
        var interval = TimeSpan.FromSeconds(1 / _options.CallsPerSecond);
        var clock = Stopwatch.StartNew();
        for (long slot = 1; !ct.IsCancellationRequested; slot++)
        {
            var wait = interval * slot - clock.Elapsed;
            if (wait > TimeSpan.Zero) await Task.Delay(wait, ct).ConfigureAwait(false);
            if (_node.ActiveCalls >= _options.MaxConcurrent)
            {
                Interlocked.Increment(ref _skipped);
                continue;
            }
            var script = PickScript();
            var duration = _options.Duration.Next(_random);
            var call = _node.StartCall(script, new CallOptions { Duration = duration });
            Interlocked.Increment(ref call is null ? ref _skipped : ref _started);
        }
    }

    private string PickScript()
    {
        var total = _options.Scripts.Sum(s => s.Value);
        var pick = _random.NextDouble() * total;
        foreach (var (name, weight) in _options.Scripts)
        {
            if (pick < weight) return name;
            pick -= weight;
        }
        return _options.Scripts[^1].Key;
    }
}
