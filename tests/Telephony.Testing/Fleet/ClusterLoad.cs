using System.Collections.Concurrent;
using Telephony.Simulator;
using Telephony.Simulator.Calls;

namespace Telephony.Testing.Fleet;

/// <summary>One call the test started on a simulated Asterisk: the ground truth the billing rows are checked
/// against.</summary>
public sealed class DrivenCall(string node, string linkedid, DateTimeOffset startedAt)
{
    public string Node { get; } = node;
    public string Linkedid { get; } = linkedid;
    public DateTimeOffset StartedAt { get; } = startedAt;
    public DateTimeOffset? EndedAt { get; set; }
}

/// <summary>
/// Calls started on every simulated node at a steady rate by the test itself (not the simulator's load mode), so
/// the test knows each call's LinkedID and when it ran. Started once the cluster is logged in everywhere; stopped
/// before the final check, after which every call runs to its end.
/// </summary>
public sealed class ClusterLoad : IAsyncDisposable
{
    private static readonly string[] Scripts = ["answered", "answered", "dial-answered", "busy", "queue-answered"];
    private readonly ConcurrentQueue<(DrivenCall Call, Task Completion)> _calls = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _loops;

    /// <param name="nodes">The nodes to call on (default: every node of the simulator).</param>
    public ClusterLoad(AsteriskSimulator simulator, double callsPerSecondPerNode, int seed, IEnumerable<SimulatedNode>? nodes = null)
    {
        _loops = (nodes ?? simulator.Nodes).Select((node, i) => Task.Run(() => DriveAsync(node, callsPerSecondPerNode, new Random(seed + i), _stop.Token))).ToList();
    }

    public IReadOnlyList<DrivenCall> Calls => _calls.Select(c => c.Call).ToList();

    private async Task DriveAsync(SimulatedNode node, double callsPerSecond, Random random, CancellationToken stop)
    {
        var interval = TimeSpan.FromSeconds(1 / callsPerSecond);
        while (!stop.IsCancellationRequested)
        {
            var script = Scripts[random.Next(Scripts.Length)];
            // 2..20 s of simulated time; the simulator's time scale makes that a fraction of a second of wall time.
            var duration = TimeSpan.FromSeconds(2 + random.NextDouble() * 18);
            var startedAt = DateTimeOffset.UtcNow;
            if (node.StartCall(script, new CallOptions { Duration = duration }) is { } handle)
            {
                var call = new DrivenCall(node.Name, handle.Linkedid, startedAt);
                var completion = handle.Completion.ContinueWith(_ => call.EndedAt = DateTimeOffset.UtcNow, TaskScheduler.Default);
                _calls.Enqueue((call, completion));
            }
            try
            {
                await Task.Delay(interval, stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Starts no more calls and waits until every call started has ended.</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_loops);
        var all = Task.WhenAll(_calls.Select(c => c.Completion));
        if (await Task.WhenAny(all, Task.Delay(TimeSpan.FromMinutes(2))) != all)
            throw new TimeoutException($"{_calls.Count(c => !c.Completion.IsCompleted)} simulated calls did not end within 2 minutes");
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_loops);
    }
}
