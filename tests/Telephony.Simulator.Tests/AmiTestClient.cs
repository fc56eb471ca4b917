using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Text;
using System.Threading.Channels;
using Telephony.Ami.Protocol;

namespace Telephony.Simulator.Tests;

/// <summary>A bare manager connection for tests: writes raw bytes, parses what comes back with the project's
/// <see cref="AmiParser"/> on a background loop.</summary>
internal sealed class AmiTestClient : IAsyncDisposable
{
    // A bound for a test that fails, not a speed check: a simulated call can take a while on a loaded 2-core machine
    // with the cluster tests beside it (10 s was missed once in CI).
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly TcpClient _tcp;
    private readonly NetworkStream _stream;
    private readonly Channel<AmiMessage> _inbox = Channel.CreateUnbounded<AmiMessage>();
    private readonly List<AmiMessage> _received = [];
    private readonly Task _reader;
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private AmiTestClient(TcpClient tcp)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
        _reader = Task.Run(ReadLoopAsync);
    }

    public AmiParser Parser { get; } = new();

    /// <summary>Every message received so far, banner first.</summary>
    public IReadOnlyList<AmiMessage> Received
    {
        get { lock (_received) return _received.ToArray(); }
    }

    /// <summary>Completes when the server closed the connection.</summary>
    public Task Closed => _closed.Task;

    public static async Task<AmiTestClient> ConnectAsync(int port)
    {
        var tcp = new TcpClient { NoDelay = true };
        await tcp.ConnectAsync("127.0.0.1", port);
        return new AmiTestClient(tcp);
    }

    public static async Task<AmiTestClient> LoginAsync(int port, string user = "probe", string secret = "probe",
        string? events = null)
    {
        var client = await ConnectAsync(port);
        await client.NextAsync(m => m.Kind == AmiMessageKind.Banner);
        var login = events is null
            ? client.SendAsync(("Action", "Login"), ("Username", user), ("Secret", secret), ("ActionID", "login-1"))
            : client.SendAsync(("Action", "Login"), ("Username", user), ("Secret", secret), ("ActionID", "login-1"), ("Events", events));
        var reply = await client.ResponseAsync(login);
        Assert.Equal("Success", reply.ResponseStatus);
        return client;
    }

    public async Task SendRawAsync(ReadOnlyMemory<byte> bytes) => await _stream.WriteAsync(bytes);

    /// <summary>Sends an action and returns its ActionID.</summary>
    public async Task<string> SendAsync(params (string Key, string Value)[] headers)
    {
        var w = new AmiMessageWriter();
        foreach (var (k, v) in headers) w.Add(k, v);
        await _stream.WriteAsync(w.ToArray());
        return headers.FirstOrDefault(h => h.Key == "ActionID").Value ?? "";
    }

    /// <summary>The response (not an event) with this ActionID.</summary>
    public async Task<AmiMessage> ResponseAsync(Task<string> sending)
    {
        var id = await sending;
        return await NextAsync(m => m.IsResponse && m.ActionId == id);
    }

    public async Task<AmiMessage> ActionAsync(params (string Key, string Value)[] headers) =>
        await ResponseAsync(SendAsync(headers));

    /// <summary>Waits for the next message (after the ones already consumed) that matches.</summary>
    public async Task<AmiMessage> NextAsync(Func<AmiMessage, bool> match, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? Patience);
        try
        {
            while (true)
            {
                var m = await _inbox.Reader.ReadAsync(cts.Token);
                if (match(m)) return m;
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"no matching message within {timeout ?? Patience}; received {Received.Count} messages, last: " +
                                       Received.LastOrDefault());
        }
        catch (ChannelClosedException)
        {
            throw new InvalidOperationException($"connection closed before a matching message; received {Received.Count}, last: " +
                                                Received.LastOrDefault());
        }
    }

    /// <summary>Waits until everything received so far (consumed or not) satisfies <paramref name="condition"/>.</summary>
    public async Task WaitUntilAsync(Func<IReadOnlyList<AmiMessage>, bool> condition, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? Patience);
        while (!condition(Received))
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"condition not met within {timeout ?? Patience}; received {Received.Count} messages");
            await Task.Delay(10);
        }
    }

    /// <summary>As <see cref="WaitUntilAsync"/>, but false on timeout instead of an exception: for waits followed by
    /// assertions that show what differs (a bare timeout says nothing about which event was missing).</summary>
    public async Task<bool> WaitForAsync(Func<IReadOnlyList<AmiMessage>, bool> condition, TimeSpan? timeout = null)
    {
        try
        {
            await WaitUntilAsync(condition, timeout);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    /// <summary>Waits until some message received so far, consumed or not, matches: for events that can come before
    /// the response of the action that caused them (a Hangup's teardown, as on a real Asterisk, where the channel's
    /// thread hangs up while the manager thread answers), which <see cref="ActionAsync"/> has then consumed.</summary>
    public Task SeenAsync(Func<AmiMessage, bool> match, TimeSpan? timeout = null) => WaitUntilAsync(r => r.Any(match), timeout);

    /// <summary>Collects messages until one matches <paramref name="last"/> (included).</summary>
    public async Task<List<AmiMessage>> UntilAsync(Func<AmiMessage, bool> last, TimeSpan? timeout = null)
    {
        var list = new List<AmiMessage>();
        await NextAsync(m =>
        {
            list.Add(m);
            return last(m);
        }, timeout);
        return list;
    }

    /// <summary>Everything until the server closes the connection.</summary>
    public async Task<List<AmiMessage>> UntilClosedAsync(TimeSpan? timeout = null)
    {
        var list = new List<AmiMessage>();
        using var cts = new CancellationTokenSource(timeout ?? Patience);
        await foreach (var m in _inbox.Reader.ReadAllAsync(cts.Token)) list.Add(m);
        return list;
    }

    private async Task ReadLoopAsync()
    {
        var reader = PipeReader.Create(_stream);
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync();
                var buffer = result.Buffer;
                while (Parser.TryRead(ref buffer, out var m))
                {
                    lock (_received) _received.Add(m);
                    _inbox.Writer.TryWrite(m);
                }
                reader.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted) break;
            }
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
        }
        finally
        {
            _inbox.Writer.TryComplete();
            _closed.TrySetResult();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _tcp.Dispose();
        try
        {
            await _reader.WaitAsync(TimeSpan.FromSeconds(2));
        }
        catch (TimeoutException)
        {
        }
    }

    public override string ToString() => string.Join("\n\n", Received.Select(m => m.ToString()));

    internal static string Text(ReadOnlySequence<byte> bytes) => Encoding.UTF8.GetString(bytes);
}
