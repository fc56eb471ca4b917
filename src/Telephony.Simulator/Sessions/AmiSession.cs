using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading.Channels;
using Telephony.Ami.Protocol;
using Telephony.Simulator.Nodes;

namespace Telephony.Simulator.Sessions;

/// <summary>
/// One manager connection: a reader loop (PipeReader + <see cref="AmiParser"/>) that hands each action to the
/// dispatcher, and one writer task draining this session's outbox, so responses and events never interleave
/// mid-message. The session's Events mask is applied when an event is offered (<see cref="SendEvent"/>).
/// </summary>
internal sealed class AmiSession
{
    private static readonly TimeSpan DrainAfterClose = TimeSpan.FromSeconds(2);

    private readonly SimulatedNode _node;
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly Channel<Outgoing> _outbox =
        Channel.CreateUnbounded<Outgoing>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _cts = new();
    private volatile bool _closing;
    private volatile string? _username;
    private volatile int _mask = (int)EventClass.All;
    private string _closeReason = "client closed";
    private int _backlog; // messages queued, not yet written (the single-reader channel cannot count)

    public AmiSession(SimulatedNode node, Socket socket, long id)
    {
        _node = node;
        _socket = socket;
        _socket.NoDelay = true;
        _stream = new NetworkStream(socket, ownsSocket: false);
        Id = id;
        var local = socket.LocalEndPoint as IPEndPoint;
        var remote = socket.RemoteEndPoint as IPEndPoint;
        LocalAddress = $"IPV4/TCP/{local?.Address}/{local?.Port}";
        RemoteAddress = $"IPV4/TCP/{remote?.Address}/{remote?.Port}";
        SessionHandle = $"0x7f{Random.Shared.NextInt64(0x1000000000, 0xffffffffff):x10}";
        ConnectedAt = DateTimeOffset.UtcNow;
    }

    public long Id { get; }
    public string LocalAddress { get; }
    public string RemoteAddress { get; }
    /// <summary>What Asterisk shows as <c>SessionID</c> (a pointer).</summary>
    public string SessionHandle { get; }
    public DateTimeOffset ConnectedAt { get; }
    public DateTimeOffset? LoggedInAt { get; private set; }
    public string? Username => _username;
    public bool IsLoggedIn => _username is not null && !_closing;
    public EventClass Mask
    {
        get => (EventClass)_mask;
        set => _mask = (int)value;
    }
    /// <summary>The MD5 challenge handed out by <c>Action: Challenge</c>.</summary>
    public string? Challenge { get; set; }

    public async Task RunAsync()
    {
        var writer = Task.Run(WriteLoopAsync);
        Send(Encoding.ASCII.GetBytes(_node.Options.Banner + "\r\n"));
        try
        {
            await ReadLoopAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
        {
        }
        finally
        {
            _outbox.Writer.TryComplete();
            _cts.Cancel();
            try
            {
                await writer.ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
            {
            }
            _socket.Dispose();
            _node.SessionEnded(this, _closeReason);
        }
    }

    public void MarkLoggedIn(string username)
    {
        LoggedInAt = DateTimeOffset.UtcNow;
        _username = username;
    }

    /// <summary>Queues bytes for the writer (a response, a banner, garbage).</summary>
    public void Send(byte[] bytes)
    {
        if (!_outbox.Writer.TryWrite(Outgoing.Data(bytes))) return;
        if (Interlocked.Increment(ref _backlog) > _node.Options.MaxSessionBacklog) Abort("backlog");
    }

    /// <summary>Offers an event: sent only when logged in and the session's mask has its class.</summary>
    public void SendEvent(EventClass eventClass, byte[] bytes)
    {
        if (IsLoggedIn && ((EventClass)_mask & eventClass) != 0) Send(bytes);
    }

    /// <summary>Sends what is queued, then closes. No further action is processed.</summary>
    public void CloseAfterFlush(string reason)
    {
        _closing = true;
        _outbox.Writer.TryWrite(new Outgoing(OutgoingKind.Close, [], Reason: reason));
    }

    /// <summary>Sends what is queued plus the first part of <paramref name="message"/>, then closes.</summary>
    public void CutMidMessage(byte[] message, string reason)
    {
        _closing = true;
        _outbox.Writer.TryWrite(new Outgoing(OutgoingKind.Cut, message, Math.Max(1, message.Length / 2), reason));
    }

    /// <summary>Closes at once, dropping whatever is queued.</summary>
    public void Abort(string reason)
    {
        _closeReason = reason;
        _closing = true;
        _node.SessionClosing(Id, reason);
        _cts.Cancel();
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
        }
    }

    private async Task ReadLoopAsync()
    {
        var reader = PipeReader.Create(_stream, new StreamPipeReaderOptions(leaveOpen: true));
        var parser = new AmiParser(expectBanner: false);
        var ct = _cts.Token;
        try
        {
            while (true)
            {
                await _node.Stall.WaitAsync(ct).ConfigureAwait(false);
                var result = await reader.ReadAsync(ct).ConfigureAwait(false);
                await _node.Stall.WaitAsync(ct).ConfigureAwait(false); // a stall that began while we waited for bytes
                var buffer = result.Buffer;
                if (_closing)
                {
                    buffer = buffer.Slice(buffer.End); // closing: what the client still sends is read and dropped
                }
                else
                {
                    while (!_closing && parser.TryRead(ref buffer, out var action))
                        _node.Dispatcher.Handle(this, action);
                }
                reader.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted) return;
            }
        }
        finally
        {
            await reader.CompleteAsync().ConfigureAwait(false);
        }
    }

    private async Task WriteLoopAsync()
    {
        var ct = _cts.Token;
        var batch = new ArrayBufferWriter<byte>(16 * 1024);
        while (await _outbox.Reader.WaitToReadAsync(ct).ConfigureAwait(false))
        {
            await _node.Stall.WaitAsync(ct).ConfigureAwait(false);
            batch.Clear();
            Outgoing? last = null;
            while (batch.WrittenCount < 64 * 1024 && _outbox.Reader.TryRead(out var item))
            {
                if (item.Kind == OutgoingKind.Data)
                {
                    Interlocked.Decrement(ref _backlog);
                    batch.Write(item.Bytes);
                    continue;
                }
                if (item.Kind == OutgoingKind.Cut) batch.Write(item.Bytes.AsSpan(0, item.CutAt));
                last = item;
                break;
            }
            if (batch.WrittenCount > 0) await _stream.WriteAsync(batch.WrittenMemory, ct).ConfigureAwait(false);
            if (last is { } terminal)
            {
                _closeReason = terminal.Reason ?? "closed";
                _node.SessionClosing(Id, _closeReason);
                // FIN after the data; the reader keeps draining what the client sends for a moment so the close is
                // a clean one (closing with unread input would send a reset and could lose our last bytes).
                _socket.Shutdown(SocketShutdown.Send);
                _cts.CancelAfter(DrainAfterClose);
                return;
            }
        }
    }
}
