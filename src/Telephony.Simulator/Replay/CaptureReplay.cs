using System.Net.Sockets;

namespace Telephony.Simulator.Replay;

/// <summary>
/// Replay mode: a connection receives a capture's bytes exactly as Asterisk sent them (banner, responses with their
/// ActionIDs, events), optionally in small pieces; what the client sends is read and ignored.
/// </summary>
internal static class CaptureReplay
{
    public static async Task RunAsync(SimulatedNode node, Socket socket, ReadOnlyMemory<byte> capture, long id,
        CancellationToken ct)
    {
        var reason = "replayed";
        try
        {
            socket.NoDelay = true;
            await using var stream = new NetworkStream(socket, ownsSocket: false);
            var drain = DrainAsync(stream, ct);
            var chunk = node.Options.ReplayChunkSize > 0 ? node.Options.ReplayChunkSize : capture.Length;
            for (var offset = 0; offset < capture.Length; offset += chunk)
            {
                await node.Stall.WaitAsync(ct).ConfigureAwait(false);
                var piece = capture.Slice(offset, Math.Min(chunk, capture.Length - offset));
                await stream.WriteAsync(piece, ct).ConfigureAwait(false);
                await stream.FlushAsync(ct).ConfigureAwait(false);
            }
            if (node.Options.ReplayCloseAtEnd)
            {
                node.SessionClosing(id, reason);
                socket.Shutdown(SocketShutdown.Send);
                await drain.WaitAsync(TimeSpan.FromSeconds(2), ct).ConfigureAwait(false);
            }
            else
            {
                await drain.ConfigureAwait(false);
                reason = "client closed";
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or TimeoutException
                                      or ObjectDisposedException)
        {
        }
        finally
        {
            socket.Dispose();
            node.SessionClosing(id, reason);
        }
    }

    private static async Task DrainAsync(Stream stream, CancellationToken ct)
    {
        var buffer = new byte[4096];
        try
        {
            while (await stream.ReadAsync(buffer, ct).ConfigureAwait(false) > 0)
            {
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }
}
