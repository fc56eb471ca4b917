using System.Collections.Concurrent;
using System.Diagnostics;

namespace Telephony.Benchmarks;

internal static partial class DistributionBenchmark
{
    /// <summary>What the floors below share: a stamp sent every so often until stopped, and the milliseconds each took
    /// to come back, collected wherever it arrives.</summary>
    internal abstract class Probe : IAsyncDisposable
    {
        private readonly ConcurrentQueue<double> _ms = new();
        private readonly CancellationTokenSource _stop = new();
        private Task _loop = Task.CompletedTask;

        protected CancellationToken Stopping => _stop.Token;

        /// <summary>Sends one stamp (<see cref="Stopwatch.GetTimestamp"/>) on its way.</summary>
        protected abstract ValueTask SendAsync(long stamp);

        /// <summary>A stamp came back.</summary>
        protected void Arrived(long stamp) => _ms.Enqueue(Stopwatch.GetElapsedTime(stamp).TotalMilliseconds);

        /// <summary>Sends a stamp every <paramref name="every"/> until stopped.</summary>
        public void Start(TimeSpan every) => _loop = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(every);
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
                await SendAsync(Stopwatch.GetTimestamp()).ConfigureAwait(false);
        });

        /// <summary>Stops sending, waits <paramref name="settle"/> for the last stamps, and returns every sample in
        /// the order they arrived.</summary>
        protected async Task<List<double>> StopSendingAsync(TimeSpan settle)
        {
            await _stop.CancelAsync();
            try { await _loop; } catch (OperationCanceledException) { }
            await Task.Delay(settle);
            var values = new List<double>();
            while (_ms.TryDequeue(out var v)) values.Add(v);
            return values;
        }

        public virtual ValueTask DisposeAsync()
        {
            _stop.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
