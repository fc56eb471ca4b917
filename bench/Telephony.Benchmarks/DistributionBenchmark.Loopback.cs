using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Percentiles = Telephony.Benchmarks.ActionsBenchmark.Percentiles;

namespace Telephony.Benchmarks;

internal static partial class DistributionBenchmark
{
    /// <summary>
    /// The floor under a decision's last stage (the Redirect written to the AMI socket, read by the simulator): a
    /// loopback TCP connection in the same process, no-delay as the AMI client's and the simulator's, an 8-byte stamp
    /// written at the arrivals' rate and read by an async read loop as the simulator's session reads. What a socket
    /// round on this machine costs at this moment, its wake-ups included, without any AMI parsing.
    /// </summary>
    internal sealed class LoopbackProbe : IAsyncDisposable
    {
        private readonly ConcurrentQueue<double> _ms = new();
        private readonly CancellationTokenSource _stop = new();
        private readonly TcpListener _listener;
        private Socket? _writer;
        private Socket? _reader;
        private Task _sending = Task.CompletedTask;
        private Task _reading = Task.CompletedTask;

        public LoopbackProbe()
        {
            _listener = new TcpListener(IPAddress.Loopback, 0);
            _listener.Start();
        }

        public async Task StartAsync(TimeSpan every)
        {
            _writer = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            var accept = _listener.AcceptSocketAsync();
            await _writer.ConnectAsync((IPEndPoint)_listener.LocalEndpoint);
            _reader = await accept;
            _reader.NoDelay = true;
            var reader = _reader;
            _reading = Task.Run(async () =>
            {
                var stream = new NetworkStream(reader, ownsSocket: false);
                var buffer = new byte[4096];
                var filled = 0;
                while (true)
                {
                    var n = await stream.ReadAsync(buffer.AsMemory(filled), _stop.Token).ConfigureAwait(false);
                    if (n == 0) return;
                    filled += n;
                    var at = 0;
                    for (; filled - at >= 8; at += 8)
                        _ms.Enqueue(Stopwatch.GetElapsedTime(BinaryPrimitives.ReadInt64LittleEndian(buffer.AsSpan(at))).TotalMilliseconds);
                    Buffer.BlockCopy(buffer, at, buffer, 0, filled - at);
                    filled -= at;
                }
            });
            var writer = _writer;
            _sending = Task.Run(async () =>
            {
                using var timer = new PeriodicTimer(every);
                var stamp = new byte[8];
                while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
                {
                    BinaryPrimitives.WriteInt64LittleEndian(stamp, Stopwatch.GetTimestamp());
                    await writer.SendAsync(stamp, SocketFlags.None).ConfigureAwait(false);
                }
            });
        }

        /// <summary>Stops sending and returns what was measured.</summary>
        public async Task<Percentiles> StopAsync()
        {
            await Task.Delay(100); // the last stamp arrives
            await _stop.CancelAsync();
            try { await Task.WhenAll(_sending, _reading); } catch (OperationCanceledException) { }
            var values = new List<double>();
            while (_ms.TryDequeue(out var v)) values.Add(v);
            return Percentiles.Of(values);
        }

        public ValueTask DisposeAsync()
        {
            _writer?.Dispose();
            _reader?.Dispose();
            _listener.Stop();
            _stop.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
