using System.Buffers.Binary;
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
    internal sealed class LoopbackProbe : Probe
    {
        private readonly TcpListener _listener;
        private readonly byte[] _stamp = new byte[8];
        private Socket? _writer;
        private Socket? _reader;
        private Task _reading = Task.CompletedTask;

        public LoopbackProbe()
        {
            _listener = new TcpListener(IPAddress.Loopback, 0);
            _listener.Start();
        }

        /// <summary>Connects both ends and starts reading; <see cref="Probe.Start"/> then writes.</summary>
        public async Task ConnectAsync()
        {
            _writer = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            var accept = _listener.AcceptSocketAsync();
            await _writer.ConnectAsync((IPEndPoint)_listener.LocalEndpoint);
            var reader = _reader = await accept;
            reader.NoDelay = true;
            // Reads until the socket closes (DisposeAsync), so that stamps in flight when sending stops still count.
            _reading = Task.Run(async () =>
            {
                var stream = new NetworkStream(reader, ownsSocket: false);
                var buffer = new byte[4096];
                var filled = 0;
                while (true)
                {
                    var n = await stream.ReadAsync(buffer.AsMemory(filled)).ConfigureAwait(false);
                    if (n == 0) return;
                    filled += n;
                    var at = 0;
                    for (; filled - at >= 8; at += 8) Arrived(BinaryPrimitives.ReadInt64LittleEndian(buffer.AsSpan(at)));
                    Buffer.BlockCopy(buffer, at, buffer, 0, filled - at);
                    filled -= at;
                }
            });
        }

        protected override async ValueTask SendAsync(long stamp)
        {
            BinaryPrimitives.WriteInt64LittleEndian(_stamp, stamp);
            await _writer!.SendAsync(_stamp, SocketFlags.None, Stopping).ConfigureAwait(false);
        }

        /// <summary>Stops sending and returns what was measured.</summary>
        public async Task<Percentiles> StopAsync() => Percentiles.Of(await StopSendingAsync(TimeSpan.FromMilliseconds(100)));

        public override async ValueTask DisposeAsync()
        {
            _writer?.Dispose();
            _reader?.Dispose();
            _listener.Stop();
            try { await _reading; } catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException) { }
            await base.DisposeAsync();
        }
    }
}
