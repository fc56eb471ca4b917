using System.Diagnostics;
using System.Globalization;
using Akka.Actor;
using Akka.Hosting;
using Telephony.Actors.Actions;
using Telephony.Actors.Hosting;
using Telephony.Ami.Actions;
using Telephony.Ami.Client;
using Telephony.Domain.Actions;
using Telephony.Simulator;
using Telephony.Simulator.Calls;
namespace Telephony.Benchmarks;

internal static partial class ActionsBenchmark
{
    // ------------------------------------------------------------------------------------------------------------
    private sealed class RawSide(AsteriskSimulator sim, string channel) : IAsyncDisposable
    {
        private readonly List<AmiClient> _clients = [];
        private readonly CancellationTokenSource _stop = new();
        private readonly List<Task> _drains = [];
        private long _failed;

        public long Failed => Interlocked.Read(ref _failed);

        public async Task ConnectAsync()
        {
            foreach (var n in sim.Nodes)
            {
                var client = new AmiClient(IngestBenchmark.NodeFor(n).ToClientOptions());
                await client.ConnectAsync();
                _clients.Add(client);
                // Read its events as a node does, so the connection is not throttled by an unread buffer.
                _drains.Add(Task.Run(async () =>
                {
                    try
                    {
                        while (await client.Events.WaitToReadAsync(_stop.Token))
                            while (client.Events.TryRead(out _)) { }
                    }
                    catch (OperationCanceledException)
                    {
                    }
                }));
            }
        }

        public sealed record Result(int Count, double Seconds, double CpuPercent, Percentiles Wire, double PacerLagMs)
        {
            public double PerSecond => Count / Seconds;
        }

        private AmiAction NewOriginate()
        {
            var ami = new AmiAction("Originate");
            ami.Add("Channel", channel).Add("Context", "hold").Add("Exten", "s").Add("Priority", "1")
                .Add("CallerID", "\"Dialer\" <5550100>").Add("Async", "true")
                .Add("ChannelId", Guid.NewGuid().ToString()).Add("OtherChannelId", Guid.NewGuid().ToString());
            return ami;
        }

        /// <summary>Round robin over the nodes, at most <paramref name="inFlight"/> awaiting their response.</summary>
        public async Task<Result> ThroughputAsync(int count, int inFlight, Process? cpu = null)
        {
            var before = ReceiptMarks(sim).Select(l => l.Count).ToArray();
            var submitted = _clients.Select(_ => new List<DateTimeOffset>(count / _clients.Count + 1)).ToArray();
            using var gate = new SemaphoreSlim(inFlight, inFlight);
            var cpuStart = cpu?.TotalProcessorTime ?? TimeSpan.Zero;
            var pending = new List<Task>(count);
            var sw = Stopwatch.StartNew();
            for (var i = 0; i < count; i++)
            {
                await gate.WaitAsync();
                var k = i % _clients.Count;
                submitted[k].Add(Now());
                pending.Add(Send(_clients[k], gate));
            }
            await Task.WhenAll(pending);
            var seconds = sw.Elapsed.TotalSeconds;
            cpu?.Refresh();
            var cpuPercent = cpu is null ? 0 : (cpu.TotalProcessorTime - cpuStart).TotalSeconds / seconds * 100;
            return new Result(count, seconds, cpuPercent, Wire(before, submitted), 0);
        }

        private async Task Send(AmiClient client, SemaphoreSlim? gate)
        {
            try
            {
                var result = await client.OriginateAsync(NewOriginate());
                if (!result.Response.IsSuccess) Interlocked.Increment(ref _failed);
                _ = result.Outcome.ContinueWith(t => _ = t.Exception, TaskContinuationOptions.OnlyOnFaulted);
            }
            catch (Exception)
            {
                Interlocked.Increment(ref _failed);
            }
            finally
            {
                gate?.Release();
            }
        }

        public async Task<Result> PacedAsync(double rate, double seconds, Process cpu)
        {
            var before = ReceiptMarks(sim).Select(l => l.Count).ToArray();
            var total = (int)(rate * seconds);
            var submitted = _clients.Select(_ => new List<DateTimeOffset>(total / _clients.Count + 1)).ToArray();
            var pending = new List<Task>(total);
            var cpuStart = cpu.TotalProcessorTime;
            var lag = await Pace(rate, total, i =>
            {
                var k = i % _clients.Count;
                submitted[k].Add(Now());
                pending.Add(Send(_clients[k], null));
            });
            await Task.WhenAll(pending);
            cpu.Refresh();
            return new Result(total, seconds, (cpu.TotalProcessorTime - cpuStart).TotalSeconds / seconds * 100, Wire(before, submitted), lag);
        }

        private Percentiles Wire(int[] before, List<DateTimeOffset>[] submitted)
        {
            var receipts = ReceiptMarks(sim);
            var ms = new List<double>();
            for (var k = 0; k < submitted.Length; k++)
                for (var j = 0; j < submitted[k].Count && before[k] + j < receipts[k].Count; j++)
                    ms.Add((receipts[k][before[k] + j] - submitted[k][j]).TotalMilliseconds);
            return Percentiles.Of(ms);
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await Task.WhenAll(_drains);
            foreach (var c in _clients) await c.DisposeAsync();
        }
    }
}
