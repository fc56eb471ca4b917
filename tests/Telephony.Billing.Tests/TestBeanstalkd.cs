using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Telephony.Billing.Tests;

/// <summary>The test beanstalkd (TELEPHONY_TEST_BEANSTALKD, started by scripts/services.sh). A missing server fails
/// the test, never skips it.</summary>
public static class TestBeanstalkd
{
    public static string Server()
    {
        var server = Environment.GetEnvironmentVariable("TELEPHONY_TEST_BEANSTALKD");
        if (string.IsNullOrEmpty(server))
            throw new InvalidOperationException(
                "TELEPHONY_TEST_BEANSTALKD is not set: run scripts/services.sh and `source .local/services.env` (CI: scripts/test.sh)");
        return server;
    }

    /// <summary>A tube no other test uses.</summary>
    public static string NewTube() => "test-cdr-" + Guid.NewGuid().ToString("N")[..12];
}

/// <summary>A job reserved back from the server: its id, priority (from stats-job) and JSON body.</summary>
public sealed record ReservedJob(ulong Id, uint Priority, uint TimeToRun, JsonElement Body)
{
    public string Text(string key) => Body.GetProperty(key).GetString()!;
    public int Number(string key) => Body.GetProperty(key).GetInt32();
}

/// <summary>The consumer side of the beanstalkd protocol, written for the tests (independent of the sink's client):
/// watch a tube, reserve-with-timeout, stats-job, delete.</summary>
public sealed class BeanstalkdConsumer : IAsyncDisposable
{
    private readonly TcpClient _client;
    private readonly NetworkStream _stream;
    private readonly List<byte> _pending = [];

    private BeanstalkdConsumer(TcpClient client)
    {
        _client = client;
        _stream = client.GetStream();
    }

    public static async Task<BeanstalkdConsumer> WatchAsync(string server, string tube)
    {
        var colon = server.LastIndexOf(':');
        var client = new TcpClient();
        await client.ConnectAsync(server[..colon], int.Parse(server[(colon + 1)..], CultureInfo.InvariantCulture));
        var consumer = new BeanstalkdConsumer(client);
        Assert.StartsWith("WATCHING", await consumer.CommandAsync($"watch {tube}"));
        Assert.Equal("WATCHING 1", await consumer.CommandAsync("ignore default"));
        return consumer;
    }

    /// <summary>Reserves, reads and deletes every job until the tube stays empty for <paramref name="quietSeconds"/>.</summary>
    public async Task<List<ReservedJob>> DrainAsync(int quietSeconds = 1)
    {
        var jobs = new List<ReservedJob>();
        while (await ReserveAsync(quietSeconds) is { } job)
        {
            jobs.Add(job);
            Assert.Equal("DELETED", await CommandAsync($"delete {job.Id}"));
        }
        return jobs;
    }

    public async Task<ReservedJob?> ReserveAsync(int timeoutSeconds)
    {
        var line = await CommandAsync($"reserve-with-timeout {timeoutSeconds}");
        if (line == "TIMED_OUT") return null;
        var parts = line.Split(' ');
        Assert.Equal("RESERVED", parts[0]);
        var id = ulong.Parse(parts[1], CultureInfo.InvariantCulture);
        var body = await ReadBytesAsync(int.Parse(parts[2], CultureInfo.InvariantCulture));
        var stats = await CommandAsync($"stats-job {id}");
        Assert.StartsWith("OK ", stats);
        var yaml = Encoding.ASCII.GetString(await ReadBytesAsync(int.Parse(stats[3..], CultureInfo.InvariantCulture)));
        uint Stat(string key) =>
            uint.Parse(yaml.Split('\n').Single(l => l.StartsWith(key + ": ", StringComparison.Ordinal))[(key.Length + 2)..], CultureInfo.InvariantCulture);
        return new ReservedJob(id, Stat("pri"), Stat("ttr"), JsonDocument.Parse(body).RootElement.Clone());
    }

    public async Task<string> CommandAsync(string command)
    {
        await _stream.WriteAsync(Encoding.ASCII.GetBytes(command + "\r\n"));
        return await ReadLineAsync();
    }

    private async Task<string> ReadLineAsync()
    {
        while (true)
        {
            for (var i = 1; i < _pending.Count; i++)
                if (_pending[i - 1] == '\r' && _pending[i] == '\n')
                {
                    var line = Encoding.ASCII.GetString(_pending.GetRange(0, i - 1).ToArray());
                    _pending.RemoveRange(0, i + 1);
                    return line;
                }
            await FillAsync();
        }
    }

    /// <summary>A body of <paramref name="count"/> bytes and its CRLF.</summary>
    private async Task<byte[]> ReadBytesAsync(int count)
    {
        while (_pending.Count < count + 2) await FillAsync();
        var data = _pending.GetRange(0, count).ToArray();
        _pending.RemoveRange(0, count + 2);
        return data;
    }

    private async Task FillAsync()
    {
        var buffer = new byte[8192];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var n = await _stream.ReadAsync(buffer, timeout.Token);
        if (n == 0) throw new IOException("beanstalkd closed the connection");
        _pending.AddRange(buffer.AsSpan(0, n));
    }

    public ValueTask DisposeAsync()
    {
        _client.Dispose();
        return ValueTask.CompletedTask;
    }
}

/// <summary>A stand-in beanstalkd on a loopback port that answers <c>use</c>, then answers the first puts from a
/// script (DRAINING, OUT_OF_MEMORY...) and every later one INSERTED, recording the bodies it accepted.</summary>
public sealed class FakeBeanstalkd : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Queue<string> _script;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private int _nextId;

    public FakeBeanstalkd(params string[] firstReplies)
    {
        _script = new Queue<string>(firstReplies);
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public string Server => $"127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";
    public List<string> Accepted { get; } = [];
    public List<string> Replies { get; } = [];

    private async Task AcceptAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                _ = ServeAsync(client);
            }
        }
        catch (OperationCanceledException)
        {
            // stopped
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using var _ = client;
        var stream = client.GetStream();
        var pending = new List<byte>();
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var line = await ReadLineAsync(stream, pending);
                if (line is null) return;
                string reply;
                if (line.StartsWith("use ", StringComparison.Ordinal)) reply = "USING " + line[4..];
                else if (line.StartsWith("put ", StringComparison.Ordinal))
                {
                    var bytes = int.Parse(line.Split(' ')[4], CultureInfo.InvariantCulture);
                    while (pending.Count < bytes + 2)
                        if (!await FillAsync(stream, pending)) return;
                    var body = Encoding.UTF8.GetString(pending.GetRange(0, bytes).ToArray());
                    pending.RemoveRange(0, bytes + 2);
                    lock (_script)
                    {
                        reply = _script.Count > 0 ? _script.Dequeue() : "INSERTED " + Interlocked.Increment(ref _nextId);
                        if (reply.StartsWith("INSERTED", StringComparison.Ordinal) || reply.StartsWith("BURIED", StringComparison.Ordinal))
                            Accepted.Add(body);
                        Replies.Add(reply);
                    }
                }
                else reply = "UNKNOWN_COMMAND";
                await stream.WriteAsync(Encoding.ASCII.GetBytes(reply + "\r\n"), _stop.Token);
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or SocketException)
        {
            // the sink hung up or the fake stopped
        }
    }

    private async Task<string?> ReadLineAsync(NetworkStream stream, List<byte> pending)
    {
        while (true)
        {
            for (var i = 1; i < pending.Count; i++)
                if (pending[i - 1] == '\r' && pending[i] == '\n')
                {
                    var line = Encoding.ASCII.GetString(pending.GetRange(0, i - 1).ToArray());
                    pending.RemoveRange(0, i + 1);
                    return line;
                }
            if (!await FillAsync(stream, pending)) return null;
        }
    }

    private async Task<bool> FillAsync(NetworkStream stream, List<byte> pending)
    {
        var buffer = new byte[8192];
        var n = await stream.ReadAsync(buffer, _stop.Token);
        pending.AddRange(buffer.AsSpan(0, n));
        return n > 0;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }
}
