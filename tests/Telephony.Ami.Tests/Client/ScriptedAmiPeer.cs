using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Threading.Channels;
using Telephony.Ami.Protocol;

namespace Telephony.Ami.Tests.Client;

/// <summary>
/// A test-only AMI server on loopback TCP (until the simulator exists): each accepted connection runs a script. The
/// default script behaves like Asterisk 20 for login (plain and MD5), Ping, Logoff, unknown actions and actions before
/// login; <see cref="Handlers"/> add or override actions. It can replay capture bytes, stall, drop, and go away and
/// come back on the same port (a server restart).
/// </summary>
internal sealed class ScriptedAmiPeer : IAsyncDisposable
{
    public const string Banner = "Asterisk Call Manager/9.0.0\r\n";
    private readonly ConcurrentQueue<PeerConnection> _connections = new();
    private readonly Channel<PeerConnection> _accepted = Channel.CreateUnbounded<PeerConnection>();
    private readonly X509Certificate2? _certificate;
    private TcpListener? _listener;
    private Task _acceptLoop = Task.CompletedTask;

    public ScriptedAmiPeer(X509Certificate2? tlsCertificate = null)
    {
        _certificate = tlsCertificate;
        Listen(0);
    }

    public int Port { get; private set; }
    public string Username { get; init; } = "probe";
    public string Secret { get; init; } = "probe";
    public string Challenge { get; init; } = "843712693";

    /// <summary>Handlers for actions after login, by action name (case-insensitive).</summary>
    public ConcurrentDictionary<string, Func<PeerConnection, AmiMessage, Task>> Handlers { get; } =
        new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Replaces the whole default script (banner and login included) for new connections.</summary>
    public Func<PeerConnection, Task>? Script { get; set; }

    /// <summary>Runs after a successful login (e.g. send FullyBooted, replay a capture).</summary>
    public Func<PeerConnection, Task>? AfterLogin { get; set; }

    public IReadOnlyList<PeerConnection> Connections => [.. _connections];

    public ValueTask<PeerConnection> NextConnectionAsync(CancellationToken ct = default) =>
        _accepted.Reader.ReadAsync(ct);

    /// <summary>Closes the listener and every connection: Asterisk went away.</summary>
    public async Task StopAsync()
    {
        _listener?.Stop();
        _listener = null;
        foreach (var c in _connections) c.Close();
        try { await _acceptLoop; } catch { /* listener stopped */ }
    }

    /// <summary>Listens again on the same port: Asterisk is back.</summary>
    public void Restart() => Listen(Port);

    private void Listen(int port)
    {
        var listener = new TcpListener(IPAddress.Loopback, port);
        listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        listener.Start();
        _listener = listener;
        Port = ((IPEndPoint)listener.LocalEndpoint).Port;
        _acceptLoop = AcceptLoopAsync(listener);
    }

    private async Task AcceptLoopAsync(TcpListener listener)
    {
        while (true)
        {
            TcpClient client;
            try { client = await listener.AcceptTcpClientAsync(); }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException) { return; }
            _ = Task.Run(async () =>
            {
                Stream stream = client.GetStream();
                if (_certificate is not null)
                {
                    var ssl = new SslStream(stream);
                    try { await ssl.AuthenticateAsServerAsync(_certificate); }
                    catch { client.Dispose(); return; }
                    stream = ssl;
                }
                var connection = new PeerConnection(client, stream, _connections.Count + 1);
                _connections.Enqueue(connection);
                _accepted.Writer.TryWrite(connection);
                try { await (Script ?? AsteriskLikeAsync)(connection); }
                catch (Exception ex) when (ex is IOException or ObjectDisposedException or SocketException or OperationCanceledException) { }
                finally { connection.Close(); }
            });
        }
    }

    /// <summary>What Asterisk 20 does, as seen in the captures.</summary>
    public async Task AsteriskLikeAsync(PeerConnection c)
    {
        await c.SendRawAsync(Banner);
        var loggedIn = false;
        while (await c.ReadActionAsync() is { } action)
        {
            var name = action["Action"] ?? "";
            if (name.Equals("Challenge", StringComparison.OrdinalIgnoreCase))
            {
                await c.RespondAsync(action, ("Response", "Success"), ("Challenge", Challenge));
            }
            else if (name.Equals("Login", StringComparison.OrdinalIgnoreCase))
            {
                var md5 = string.Equals(action["AuthType"], "MD5", StringComparison.OrdinalIgnoreCase);
                var expectedKey = Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(Challenge + Secret)));
                var ok = action["Username"] == Username && (md5 ? action["Key"] == expectedKey : action["Secret"] == Secret);
                if (!ok)
                {
                    await c.RespondAsync(action, ("Response", "Error"), ("Message", "Authentication failed"));
                    return; // Asterisk closes the connection
                }
                await c.RespondAsync(action, ("Response", "Success"), ("Message", "Authentication accepted"));
                loggedIn = true;
                if (AfterLogin is { } after) await after(c);
            }
            else if (!loggedIn)
            {
                await c.RespondAsync(action, ("Response", "Error"), ("Message", "Permission denied"));
            }
            else if (Handlers.TryGetValue(name, out var handler))
            {
                await handler(c, action);
            }
            else if (name.Equals("Ping", StringComparison.OrdinalIgnoreCase))
            {
                await c.RespondAsync(action, ("Response", "Success"), ("Ping", "Pong"), ("Timestamp", "1795386653.350021"));
            }
            else if (name.Equals("Logoff", StringComparison.OrdinalIgnoreCase))
            {
                await c.RespondAsync(action, ("Response", "Goodbye"), ("Message", "Thanks for all the fish."));
                return;
            }
            else
            {
                await c.RespondAsync(action, ("Response", "Error"),
                    ("Message", $"Invalid/unknown command: {name}. Use Action: ListCommands to show available commands."));
                await c.SendAsync(("Event", "RequestBadFormat"), ("Privilege", "security,all"), ("RequestType", $"Action: {name}"));
            }
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    /// <summary>A self-signed certificate for the TLS tests.</summary>
    public static X509Certificate2 CreateSelfSignedCertificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("localhost");
        request.CertificateExtensions.Add(san.Build());
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        return X509CertificateLoader.LoadPkcs12(cert.Export(X509ContentType.Pfx), null);
    }
}

/// <summary>One accepted connection of the <see cref="ScriptedAmiPeer"/>.</summary>
internal sealed class PeerConnection
{
    private readonly TcpClient _client;
    private readonly Stream _stream;
    private readonly PipeReader _reader;
    private readonly AmiParser _parser = new(expectBanner: false);
    private readonly ConcurrentQueue<AmiMessage> _received = new();
    private readonly SemaphoreSlim _writeLock = new(1, 1);

    public PeerConnection(TcpClient client, Stream stream, int number)
    {
        _client = client;
        _stream = stream;
        Number = number;
        _reader = PipeReader.Create(stream);
    }

    public int Number { get; }

    /// <summary>Every action this connection received, in order.</summary>
    public IReadOnlyList<AmiMessage> Received => [.. _received];

    public IEnumerable<string> ReceivedActionNames => Received.Select(m => m["Action"] ?? "?");

    /// <summary>The next action the client sent, or null when it closed.</summary>
    public async Task<AmiMessage?> ReadActionAsync()
    {
        while (true)
        {
            ReadResult result;
            try { result = await _reader.ReadAsync(); }
            catch (Exception ex) when (ex is IOException or ObjectDisposedException or SocketException or InvalidOperationException) { return null; }
            var buffer = result.Buffer;
            if (_parser.TryRead(ref buffer, out var message))
            {
                _reader.AdvanceTo(buffer.Start);
                _received.Enqueue(message);
                return message;
            }
            _reader.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted) return null;
        }
    }

    /// <summary>Reads (and records) actions without answering them: a stalled Asterisk.</summary>
    public async Task IgnoreEverythingAsync()
    {
        while (await ReadActionAsync() is not null) { }
    }

    public Task RespondAsync(AmiMessage action, params (string Key, string Value)[] headers)
    {
        var writer = new AmiMessageWriter();
        var first = true;
        foreach (var (k, v) in headers)
        {
            writer.Add(k, v);
            if (first && action.ActionId is { } id) writer.Add("ActionID", id);
            first = false;
        }
        return SendRawAsync(writer.ToArray());
    }

    public Task SendAsync(params (string Key, string Value)[] headers)
    {
        var writer = new AmiMessageWriter();
        foreach (var (k, v) in headers) writer.Add(k, v);
        return SendRawAsync(writer.ToArray());
    }

    public Task SendRawAsync(string text, int chunk = 0) => SendRawAsync(Encoding.UTF8.GetBytes(text), chunk);

    public async Task SendRawAsync(byte[] bytes, int chunk = 0)
    {
        await _writeLock.WaitAsync();
        try
        {
            if (chunk <= 0) await _stream.WriteAsync(bytes);
            else
            {
                for (var i = 0; i < bytes.Length; i += chunk)
                {
                    await _stream.WriteAsync(bytes.AsMemory(i, Math.Min(chunk, bytes.Length - i)));
                    await _stream.FlushAsync();
                }
            }
            await _stream.FlushAsync();
        }
        finally { _writeLock.Release(); }
    }

    /// <summary>Sends the messages of a capture that carry <paramref name="capturedActionId"/>, with the client's ActionID
    /// in its place (bytes otherwise as Asterisk sent them).</summary>
    public Task ReplayAnswerAsync(string capture, string capturedActionId, AmiMessage action) =>
        SendRawAsync(CaptureReplay.AnswerBytes(capture, capturedActionId, action.ActionId!));

    public void Close()
    {
        try { _client.Client.Shutdown(SocketShutdown.Both); } catch { /* gone already */ }
        _client.Dispose();
    }
}

/// <summary>Cuts real capture bytes into what a scripted peer replays.</summary>
internal static class CaptureReplay
{
    /// <summary>The messages of a capture (banner excluded), each as the exact bytes Asterisk sent.</summary>
    public static IReadOnlyList<AmiMessage> Messages(string capture) =>
        new AmiParser().ParseAll(Fixtures.CaptureBytes(capture)).Where(m => m.Kind != AmiMessageKind.Banner).ToList();

    public static byte[] AnswerBytes(string capture, string capturedActionId, string actionId)
    {
        var bytes = Messages(capture)
            .Where(m => m.ActionId == capturedActionId)
            .SelectMany(m => m.RawBytes.ToArray())
            .ToArray();
        if (bytes.Length == 0) throw new InvalidOperationException($"no message with ActionID {capturedActionId} in {capture}");
        var text = Encoding.UTF8.GetString(bytes).Replace($"ActionID: {capturedActionId}\r\n", $"ActionID: {actionId}\r\n");
        return Encoding.UTF8.GetBytes(text);
    }

    /// <summary>The events of a capture, in order, as raw bytes.</summary>
    public static byte[] EventBytes(string capture, Func<AmiMessage, bool>? where = null) =>
        Messages(capture).Where(m => m.IsEvent && (where?.Invoke(m) ?? true)).SelectMany(m => m.RawBytes.ToArray()).ToArray();
}
