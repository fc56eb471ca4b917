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
            if (node.Options.ReplayAnswersLogin)
                capture = await AnswerLoginAsync(stream, capture, ct).ConfigureAwait(false);
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

    /// <summary>
    /// For a real client (whose ActionIDs are its own): sends the capture's banner, answers Challenge and Login with the
    /// client's ActionIDs, and returns the rest of the capture without its banner and its own login response.
    /// </summary>
    private static async Task<ReadOnlyMemory<byte>> AnswerLoginAsync(Stream stream, ReadOnlyMemory<byte> capture, CancellationToken ct)
    {
        var (banner, rest) = WithoutLogin(capture);
        await stream.WriteAsync(banner.IsEmpty ? "Asterisk Call Manager/9.0.0\r\n"u8.ToArray() : banner, ct).ConfigureAwait(false);

        var parser = new Telephony.Ami.Protocol.AmiParser(expectBanner: false);
        var pending = new List<byte>();
        var buffer = new byte[4096];
        while (true)
        {
            var n = await stream.ReadAsync(buffer, ct).ConfigureAwait(false);
            if (n == 0) throw new IOException("client closed before logging in");
            pending.AddRange(buffer.AsSpan(0, n).ToArray());
            var seq = new System.Buffers.ReadOnlySequence<byte>(pending.ToArray());
            var loggedIn = false;
            while (parser.TryRead(ref seq, out var action))
            {
                var id = action.ActionId ?? "";
                var name = action["Action"] ?? "";
                var reply = new Telephony.Ami.Protocol.AmiMessageWriter().Add("Response", "Success").Add("ActionID", id);
                if (name.Equals("Challenge", StringComparison.OrdinalIgnoreCase)) reply.Add("Challenge", "840267311");
                else if (name.Equals("Login", StringComparison.OrdinalIgnoreCase))
                {
                    reply.Add("Message", "Authentication accepted");
                    loggedIn = true;
                }
                else continue; // anything before login is ignored, as the capture cannot answer it
                await stream.WriteAsync(reply.ToArray(), ct).ConfigureAwait(false);
            }
            pending = System.Buffers.BuffersExtensions.ToArray(seq).ToList();
            if (loggedIn) break;
        }
        return rest;
    }

    /// <summary>
    /// Splits a capture into its banner (empty when it has none) and what follows without the capture's own login
    /// response (its first response). Reads only up to that response: the rest is a slice of the capture, copied only
    /// when something lies between the banner and the response (a capture may be hundreds of megabytes).
    /// </summary>
    internal static (ReadOnlyMemory<byte> Banner, ReadOnlyMemory<byte> Events) WithoutLogin(ReadOnlyMemory<byte> capture)
    {
        var parser = new Telephony.Ami.Protocol.AmiParser();
        var seq = new System.Buffers.ReadOnlySequence<byte>(capture);
        var banner = ReadOnlyMemory<byte>.Empty;
        var afterBanner = 0;
        var before = 0;
        var first = true;
        while (parser.TryRead(ref seq, out var m))
        {
            var after = capture.Length - (int)seq.Length;
            if (first && m.Kind == Telephony.Ami.Protocol.AmiMessageKind.Banner)
            {
                banner = m.RawBytes.ToArray();
                afterBanner = after;
            }
            else if (m.IsResponse)
            {
                if (before == afterBanner) return (banner, capture[after..]);
                var joined = new byte[before - afterBanner + capture.Length - after];
                capture[afterBanner..before].CopyTo(joined);
                capture[after..].CopyTo(joined.AsMemory(before - afterBanner));
                return (banner, joined);
            }
            first = false;
            before = after;
        }
        return (banner, capture[afterBanner..]);
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
