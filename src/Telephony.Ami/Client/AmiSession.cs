using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Threading.Channels;
using Telephony.Ami.Actions;
using Telephony.Ami.Protocol;

namespace Telephony.Ami.Client;

/// <summary>Why a connection ended.</summary>
internal sealed record AmiSessionEnd(string Reason, Exception? Error, bool DeadPeer);

/// <summary>
/// One TCP (or TLS) connection to Asterisk, from the banner to the close: one reader loop (PipeReader into the
/// <see cref="AmiParser"/>), one writer task draining a queue of whole messages (never two writes at once), the table
/// of pending actions and the keepalive. Nothing but Challenge/Login is written before the login succeeds, because
/// the keepalive starts only after it and the client publishes the session only after it.
/// </summary>
internal sealed class AmiSession : IAsyncDisposable
{
    private readonly AmiClientOptions _options;
    private readonly AmiClientCounters _counters;
    private readonly Func<string> _nextActionId;
    private readonly Action<AmiSession, AmiMessage> _onEvent;
    private readonly Socket _socket;
    private readonly Stream _stream;
    private readonly PipeReader _input;
    private readonly AmiParser _parser;
    private readonly Channel<byte[]> _outgoing =
        Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<string, PendingAction> _pending = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _closing = new();
    private readonly TaskCompletionSource<AmiMessage> _banner = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<AmiSessionEnd> _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _readLoop = Task.CompletedTask;
    private Task _writeLoop = Task.CompletedTask;
    private Task _keepAlive = Task.CompletedTask;
    private long _lastReceived = Environment.TickCount64;
    private int _closed;
    private volatile bool _loggedIn;
    private AmiSessionEnd? _end;

    private AmiSession(AmiClientOptions options, AmiClientCounters counters, int number, Socket socket, Stream stream,
        Func<string> nextActionId, Action<AmiSession, AmiMessage> onEvent)
    {
        _options = options;
        _counters = counters;
        Number = number;
        _socket = socket;
        _stream = stream;
        _nextActionId = nextActionId;
        _onEvent = onEvent;
        _input = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 64 * 1024, leaveOpen: true));
        _parser = new AmiParser(options.MaxMessageBytes, expectBanner: true)
        {
            ErrorObserved = e => Interlocked.Increment(
                ref e.Kind == AmiParseErrorKind.Oversized ? ref counters._oversized : ref counters._malformed),
        };
    }

    public int Number { get; }
    public string Banner { get; private set; } = "";
    public bool IsLoggedIn => _loggedIn;
    public DateTimeOffset ConnectedAt { get; private set; }

    /// <summary>Completes once the connection is over and every pending action has been failed.</summary>
    public Task<AmiSessionEnd> Ended => _ended.Task;

    /// <summary>Connects, reads the banner and logs in. Throws <see cref="AmiAuthenticationException"/> when Asterisk
    /// rejects the login, <see cref="AmiConnectionException"/> for anything else.</summary>
    public static async Task<AmiSession> OpenAsync(AmiClientOptions options, AmiClientCounters counters, int number,
        Func<string> nextActionId, Action<AmiSession, AmiMessage> onEvent, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        Stream? stream = null;
        try
        {
            using (var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                connectTimeout.CancelAfter(options.ConnectTimeout);
                try
                {
                    await socket.ConnectAsync(options.Host, options.Port, connectTimeout.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    throw new AmiConnectionException(
                        $"could not connect to {options.Host}:{options.Port} within {options.ConnectTimeout.TotalSeconds:0.#} s");
                }
                catch (SocketException ex)
                {
                    throw new AmiConnectionException($"could not connect to {options.Host}:{options.Port}: {ex.Message}", ex);
                }
                socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
                stream = new NetworkStream(socket, ownsSocket: false);
                if (options.UseTls) stream = await AuthenticateTlsAsync(options, stream, connectTimeout.Token).ConfigureAwait(false);
            }
        }
        catch
        {
            if (stream is not null) await stream.DisposeAsync().ConfigureAwait(false);
            socket.Dispose();
            throw;
        }

        var session = new AmiSession(options, counters, number, socket, stream, nextActionId, onEvent);
        session.Start();
        try
        {
            await session.LoginAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await session.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        session.ConnectedAt = DateTimeOffset.UtcNow;
        session._keepAlive = session.KeepAliveLoopAsync();
        return session;
    }

    private static async Task<Stream> AuthenticateTlsAsync(AmiClientOptions options, Stream stream, CancellationToken ct)
    {
        var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
        try
        {
            await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = options.TlsTargetHost ?? options.Host,
                RemoteCertificateValidationCallback = options.ServerCertificateValidation,
                EnabledSslProtocols = options.TlsProtocols,
            }, ct).ConfigureAwait(false);
            return ssl;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            throw new AmiConnectionException($"TLS handshake with {options.Host}:{options.Port} failed: {ex.Message}", ex);
        }
    }

    private void Start()
    {
        _readLoop = Task.Run(ReadLoopAsync);
        _writeLoop = Task.Run(WriteLoopAsync);
    }

    private async Task LoginAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.LoginTimeout);
        var ct = timeout.Token;
        try
        {
            var banner = await _banner.Task.WaitAsync(ct).ConfigureAwait(false);
            Banner = banner.BannerText ?? "";

            AmiAction login;
            if (_options.AuthType == AmiAuthType.Md5)
            {
                var answer = await Enqueue(new AmiAction("Challenge").Add("AuthType", "MD5"), PendingKind.Single,
                    Timeout.InfiniteTimeSpan, ct, beforeLogin: true).Response.ConfigureAwait(false);
                if (!answer.IsSuccess || answer["Challenge"] is not { Length: > 0 } challenge)
                {
                    Interlocked.Increment(ref _counters._loginFailures);
                    throw new AmiAuthenticationException(
                        $"Asterisk refused the MD5 challenge for '{_options.Username}': {answer.MessageText}", answer);
                }
                var key = Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(challenge + _options.Secret)));
                login = new AmiAction("Login").Add("AuthType", "MD5").Add("Username", _options.Username).Add("Key", key);
            }
            else
            {
                login = new AmiAction("Login").Add("Username", _options.Username).Add("Secret", _options.Secret);
            }
            login.AddIfSet("Events", _options.EventMask);

            var response = await Enqueue(login, PendingKind.Single, Timeout.InfiniteTimeSpan, ct, beforeLogin: true)
                .Response.ConfigureAwait(false);
            if (!response.IsSuccess)
            {
                Interlocked.Increment(ref _counters._loginFailures);
                throw new AmiAuthenticationException(
                    $"Asterisk rejected the login of '{_options.Username}': {response.MessageText ?? response.ResponseStatus}",
                    response);
            }
            _loggedIn = true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            var what = _banner.Task.IsCompletedSuccessfully ? "an answer to the login" : "the AMI banner";
            Close($"no {what} within {_options.LoginTimeout.TotalSeconds:0.#} s", null);
            throw new AmiConnectionException(
                $"{_options.Host}:{_options.Port} sent no {what} within {_options.LoginTimeout.TotalSeconds:0.#} s");
        }
        catch (Exception ex) when (ex is AmiConnectionLostException or AmiNotConnectedException)
        {
            throw new AmiConnectionException(
                $"{_options.Host}:{_options.Port} closed the connection during login: {ex.Message}", ex);
        }
    }

    /// <summary>Puts an action on the wire and returns its pending entry. Throws before anything is written when the
    /// session is not logged in (unless <paramref name="beforeLogin"/>), closed, or the token is already cancelled.</summary>
    public PendingAction Enqueue(AmiAction action, PendingKind kind, TimeSpan timeout, CancellationToken cancellationToken,
        bool beforeLogin = false)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (!beforeLogin && !_loggedIn || Volatile.Read(ref _closed) != 0)
            throw new AmiNotConnectedException($"not logged in to {_options.Host}:{_options.Port}; {action.Name} was not sent");

        var id = _nextActionId();
        var bytes = action.ToBytes(id);
        var pending = new PendingAction(id, action.Name, kind);
        _pending[id] = pending;
        pending.ArmTimer(timeout, cancellationToken, OnExpired);
        if (!_outgoing.Writer.TryWrite(bytes) || Volatile.Read(ref _closed) != 0)
        {
            // Closed meanwhile: Close may have run before the entry was added, so fail it here.
            if (_pending.TryRemove(new(id, pending)))
            {
                pending.DisarmTimer();
                pending.Fail(new AmiConnectionLostException(
                    $"connection closed before {action.Name} ({id}) was sent: {_end?.Reason}", id));
            }
            return pending;
        }
        Interlocked.Increment(ref _counters._actionsSent);
        return pending;
    }

    private void OnExpired(PendingAction pending, bool cancelled)
    {
        if (!_pending.TryRemove(new(pending.ActionId, pending))) return;
        pending.DisarmTimer();
        if (cancelled)
        {
            pending.Fail(new OperationCanceledException($"{pending.ActionName} ({pending.ActionId}) was cancelled"));
            return;
        }
        Interlocked.Increment(ref _counters._actionTimeouts);
        pending.Fail(new AmiActionTimeoutException(pending.ActionName, pending.ActionId, pending.Timeout));
    }

    private async Task ReadLoopAsync()
    {
        var reason = "Asterisk closed the connection";
        Exception? error = null;
        try
        {
            while (true)
            {
                var result = await _input.ReadAsync(_closing.Token).ConfigureAwait(false);
                var buffer = result.Buffer;
                if (!buffer.IsEmpty) Volatile.Write(ref _lastReceived, Environment.TickCount64);
                while (_parser.TryRead(ref buffer, out var message)) Dispatch(message);
                _input.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted || result.IsCanceled) break;
            }
        }
        catch (OperationCanceledException) when (_closing.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            reason = $"reading from Asterisk failed: {ex.Message}";
            error = ex;
        }
        Close(reason, error);
        await _input.CompleteAsync().ConfigureAwait(false);
    }

    /// <summary>On the reader: completes what waits for this message, hands events over. Never blocks.</summary>
    private void Dispatch(AmiMessage message)
    {
        Interlocked.Increment(ref _counters._messagesIn);
        switch (message.Kind)
        {
            case AmiMessageKind.Banner:
                _banner.TrySetResult(message);
                break;
            case AmiMessageKind.Response:
                if (message.ActionId is { } rid && _pending.TryGetValue(rid, out var waiting) && waiting.OnResponse(message))
                    Finish(waiting);
                break;
            case AmiMessageKind.Event:
                _counters.CountEvent(message.EventName);
                if (message.ActionId is { } eid && _pending.TryGetValue(eid, out var owner))
                {
                    if (owner.OnEvent(message, out var consumed)) Finish(owner);
                    if (consumed) break;
                }
                _onEvent(this, message);
                break;
            default:
                Interlocked.Increment(ref _counters._malformed); // neither Event nor Response: nothing can use it
                break;
        }
    }

    private void Finish(PendingAction pending)
    {
        if (_pending.TryRemove(new(pending.ActionId, pending))) pending.DisarmTimer();
    }

    private async Task WriteLoopAsync()
    {
        var reader = _outgoing.Reader;
        try
        {
            while (await reader.WaitToReadAsync(_closing.Token).ConfigureAwait(false))
            {
                using var stall = CancellationTokenSource.CreateLinkedTokenSource(_closing.Token);
                stall.CancelAfter(_options.WriteTimeout);
                try
                {
                    while (reader.TryRead(out var frame)) await _stream.WriteAsync(frame, stall.Token).ConfigureAwait(false);
                    await _stream.FlushAsync(stall.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!_closing.IsCancellationRequested)
                {
                    Interlocked.Increment(ref _counters._deadPeers);
                    Close($"dead peer: a write did not complete within {_options.WriteTimeout.TotalSeconds:0.#} s " +
                          "(Asterisk stopped reading)", null, deadPeer: true);
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (_closing.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            Close($"writing to Asterisk failed: {ex.Message}", ex);
        }
    }

    private async Task KeepAliveLoopAsync()
    {
        var interval = _options.KeepAliveInterval;
        if (interval <= TimeSpan.Zero) return;
        try
        {
            while (!_closing.IsCancellationRequested)
            {
                var idle = Environment.TickCount64 - Volatile.Read(ref _lastReceived);
                var wait = interval.TotalMilliseconds - idle;
                if (wait > 0)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(wait), _closing.Token).ConfigureAwait(false);
                    continue;
                }
                Interlocked.Increment(ref _counters._keepAlivesSent);
                try
                {
                    await Enqueue(AmiActions.Ping(), PendingKind.Single, _options.KeepAliveTimeout, default)
                        .Response.ConfigureAwait(false);
                }
                catch (AmiActionTimeoutException)
                {
                    Interlocked.Increment(ref _counters._deadPeers);
                    Close($"dead peer: no answer to a keepalive Ping within {_options.KeepAliveTimeout.TotalSeconds:0.#} s",
                        null, deadPeer: true);
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (AmiException)
        {
            // the connection ended; the reader reports why
        }
    }

    /// <summary>Ends the connection once: stops the loops, closes the socket, fails every pending action.</summary>
    public void Close(string reason, Exception? error, bool deadPeer = false)
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0) return;
        _loggedIn = false;
        _end = new AmiSessionEnd(reason, error, deadPeer);
        _outgoing.Writer.TryComplete();
        try
        {
            _closing.Cancel();
        }
        catch (AggregateException)
        {
            // a loop's cancellation callback threw; the loops end anyway
        }
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
        }
        _socket.Close();

        foreach (var (id, pending) in _pending)
        {
            if (!_pending.TryRemove(new(id, pending))) continue;
            pending.DisarmTimer();
            Interlocked.Increment(ref _counters._actionsFailedByDisconnect);
            pending.Fail(new AmiConnectionLostException(
                $"connection to {_options.Host}:{_options.Port} lost before the answer to {pending.ActionName} ({id}): {reason}",
                id, error));
        }
        _banner.TrySetException(new AmiConnectionLostException(reason, null, error));
        _ = _banner.Task.Exception; // observed: a lost banner is reported through the login
        _ = FinishClosingAsync();
    }

    private async Task FinishClosingAsync()
    {
        // The reader has stopped dispatching when its loop ends; only then is the session over for the client.
        try
        {
            await Task.WhenAll(_readLoop, _writeLoop).ConfigureAwait(false);
        }
        catch
        {
            // loops report through Close
        }
        _ended.TrySetResult(_end!);
    }

    public async ValueTask DisposeAsync()
    {
        Close("connection closed by the client", null);
        await _ended.Task.ConfigureAwait(false);
        try
        {
            await _keepAlive.ConfigureAwait(false);
        }
        catch
        {
            // ended with the connection
        }
        await _stream.DisposeAsync().ConfigureAwait(false);
        _socket.Dispose();
        _closing.Dispose();
    }
}
