using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Text;

namespace Telephony.Billing.Sinks.Beanstalkd;

/// <summary>A job to put: its body and priority, and a key the sink uses to remember it was put.</summary>
public sealed record BeanstalkdJob(string Key, uint Priority, ReadOnlyMemory<byte> Body);

/// <summary>
/// One TCP connection to beanstalkd, producer side: <c>use</c> a tube, then <c>put</c> jobs pipelined (a window of puts
/// is written at once, the replies read in order: beanstalkd answers the commands of a connection in order). One
/// caller at a time; any I/O error or a reply out of step leaves the connection unusable (dispose it and connect
/// again).
/// </summary>
public sealed class BeanstalkdConnection : IAsyncDisposable
{
    /// <summary>Puts written before their replies are read.</summary>
    public const int Window = 64;

    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly PipeReader _reader;
    private readonly ArrayBufferWriter<byte> _output = new(16 * 1024);

    private BeanstalkdConnection(Socket socket)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
        _reader = PipeReader.Create(_stream, new StreamPipeReaderOptions(leaveOpen: true));
    }

    public static async Task<BeanstalkdConnection> ConnectAsync(string host, int port, CancellationToken ct)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(host, port, ct).ConfigureAwait(false);
            return new BeanstalkdConnection(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Makes <paramref name="tube"/> the tube later puts go to.</summary>
    public async Task UseAsync(string tube, CancellationToken ct)
    {
        _output.ResetWrittenCount();
        BeanstalkdProtocol.WriteUse(_output, tube);
        await _stream.WriteAsync(_output.WrittenMemory, ct).ConfigureAwait(false);
        var ok = false;
        string line = "";
        await ReadLineAsync(l =>
        {
            ok = BeanstalkdProtocol.IsUsing(l, tube);
            line = Encoding.ASCII.GetString(l);
        }, ct).ConfigureAwait(false);
        if (!ok) throw new BeanstalkdException($"beanstalkd answered '{line}' to 'use {tube}'");
    }

    /// <summary>Puts every job, <see cref="Window"/> at a time, and reports each reply as it is read (so a connection
    /// lost half-way still tells which jobs were answered).</summary>
    public async Task PutAsync(IReadOnlyList<BeanstalkdJob> jobs, uint delaySeconds, uint ttrSeconds, Action<int, PutReply> onReply,
        CancellationToken ct)
    {
        for (var start = 0; start < jobs.Count; start += Window)
        {
            var count = Math.Min(Window, jobs.Count - start);
            _output.ResetWrittenCount();
            for (var i = 0; i < count; i++)
            {
                var job = jobs[start + i];
                BeanstalkdProtocol.WritePut(_output, job.Priority, delaySeconds, ttrSeconds, job.Body.Span);
            }
            await _stream.WriteAsync(_output.WrittenMemory, ct).ConfigureAwait(false);
            for (var i = 0; i < count; i++)
            {
                var reply = default(PutReply);
                await ReadLineAsync(l => reply = BeanstalkdProtocol.ParsePutReply(l), ct).ConfigureAwait(false);
                onReply(start + i, reply);
                if (reply.Outcome == PutOutcome.ProtocolError)
                    throw new BeanstalkdException($"beanstalkd answered '{reply.Line}' to a put: the connection is out of step");
            }
        }
    }

    private async Task ReadLineAsync(Action<ReadOnlySequence<byte>> onLine, CancellationToken ct)
    {
        while (true)
        {
            var result = await _reader.ReadAsync(ct).ConfigureAwait(false);
            var buffer = result.Buffer;
            if (BeanstalkdProtocol.TryReadLine(ref buffer, out var line))
            {
                onLine(line);
                _reader.AdvanceTo(buffer.Start);
                return;
            }
            _reader.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted) throw new IOException("beanstalkd closed the connection");
            if (buffer.Length > 4096) throw new BeanstalkdException("beanstalkd sent a reply line longer than 4096 bytes");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _reader.CompleteAsync().ConfigureAwait(false);
        await _stream.DisposeAsync().ConfigureAwait(false);
        _socket.Dispose();
    }
}

/// <summary>The beanstalkd server answered something the sink cannot go on from.</summary>
public sealed class BeanstalkdException(string message) : Exception(message);
