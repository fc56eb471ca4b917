using System.Globalization;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Telephony.Ami.Actions;
using Telephony.Ami.Events;
using Telephony.Ami.Protocol;

namespace Telephony.Ami.Client;

/// <summary>
/// A connection to one Asterisk manager that stays up: it logs in (plain or MD5) before writing anything else, matches
/// answers to actions by ActionID only, hands events over in order through a bounded buffer the socket reader never
/// waits on, pings when idle, detects a dead peer, and reconnects forever with jittered, capped exponential backoff.
/// The owner learns about every connect, disconnect, reconnect and event loss through <see cref="Notifications"/> and
/// resyncs. No callback runs on the socket reader: every awaited task completes asynchronously, so an event consumer
/// can await an action (which deadlocks AsterNET).
/// </summary>
public sealed class AmiClient : IAsyncDisposable
{
    private readonly Channel<AmiMessage> _events;
    private readonly Channel<AmiConnectionNotification> _notifications;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Random _random = new();
    private long _actionCounter;
    private int _sessionCounter;
    private int _started;
    private int _disposed;
    private volatile AmiSession? _current;
    private volatile AmiConnectionState _state = AmiConnectionState.Idle;
    private Task _supervisor = Task.CompletedTask;

    // Overflow bookkeeping: touched only on the socket reader of the current session (one at a time).
    private long _gapCount;
    private DateTimeOffset _gapFirst;
    private DateTimeOffset _gapLast;

    public AmiClient(AmiClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        _events = Channel.CreateBounded<AmiMessage>(new BoundedChannelOptions(options.EventBufferCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait, // never waited on: the reader only calls TryWrite
            SingleWriter = false,
            SingleReader = false,
        });
        _notifications = Channel.CreateBounded<AmiConnectionNotification>(new BoundedChannelOptions(4096)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
        });
    }

    public AmiClientOptions Options { get; }

    public AmiClientCounters Counters { get; } = new();

    public AmiConnectionState State => _state;

    public bool IsConnected => _current?.IsLoggedIn == true;

    /// <summary>The banner of the current connection (<c>Asterisk Call Manager/9.0.0</c>), or null.</summary>
    public string? Banner => _current?.Banner;

    /// <summary>
    /// Every event Asterisk sent (except the items of this client's list actions), in order, across reconnects. When the
    /// consumer falls <see cref="AmiClientOptions.EventBufferCapacity"/> events behind, the newest events are dropped,
    /// counted (<see cref="AmiClientCounters.EventsDropped"/>, <see cref="AmiClientCounters.OverflowIncidents"/>) and
    /// reported (<see cref="AmiEventOverflowStarted"/>, then <see cref="AmiEventsLost"/>): the reader never stalls
    /// Asterisk. Read it from one consumer.
    /// </summary>
    public ChannelReader<AmiMessage> Events => _events.Reader;

    /// <summary>Connection state changes and overflow incidents, in order. Keeps the newest 4096 if nobody reads.</summary>
    public ChannelReader<AmiConnectionNotification> Notifications => _notifications.Reader;

    public IAsyncEnumerable<AmiMessage> ReadEventsAsync(CancellationToken cancellationToken = default) =>
        _events.Reader.ReadAllAsync(cancellationToken);

    /// <summary>Events as typed views (<see cref="AmiEvent.From"/>).</summary>
    public async IAsyncEnumerable<AmiEvent> ReadTypedEventsAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var message in _events.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            yield return AmiEvent.From(message);
    }

    /// <summary>
    /// Connects and logs in once, throwing <see cref="AmiAuthenticationException"/> or <see cref="AmiConnectionException"/>
    /// when that fails (the caller decides what next). Once connected, the client keeps the connection up by itself.
    /// </summary>
    public async Task ConnectAsync(CancellationToken cancellationToken = default)
    {
        ClaimStart();
        SetState(AmiConnectionState.Connecting);
        AmiSession session;
        try
        {
            session = await OpenSessionAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            Interlocked.Increment(ref Counters._connectFailures);
            SetState(AmiConnectionState.Idle);
            Volatile.Write(ref _started, 0);
            throw;
        }
        Publish(session, null, 0);
        _supervisor = Task.Run(() => SuperviseAsync(session));
    }

    /// <summary>Starts connecting in the background: the first connection is attempted under the reconnect policy, and
    /// its outcome arrives as <see cref="AmiConnected"/>, <see cref="AmiConnectAttemptFailed"/> or <see cref="AmiStopped"/>.</summary>
    public void Start()
    {
        ClaimStart();
        SetState(AmiConnectionState.Connecting);
        _supervisor = Task.Run(() => SuperviseAsync(null));
    }

    /// <summary>Sends an action and returns its response, matched by ActionID. An error response (<c>Response: Error</c>)
    /// is returned, not thrown: see <see cref="AmiMessageExtensions.EnsureSuccess"/>.</summary>
    /// <exception cref="AmiNotConnectedException">No logged-in connection; nothing was written.</exception>
    /// <exception cref="AmiActionTimeoutException">No answer within <paramref name="timeout"/> (default <see cref="AmiClientOptions.ActionTimeout"/>).</exception>
    /// <exception cref="AmiConnectionLostException">The connection ended first.</exception>
    public Task<AmiMessage> SendActionAsync(AmiAction action, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        Enqueue(action, PendingKind.Single, timeout ?? Options.ActionTimeout, cancellationToken).Response;

    public Task<AmiMessage> SendActionAsync(AmiAction action, CancellationToken cancellationToken) =>
        SendActionAsync(action, null, cancellationToken);

    public Task<AmiMessage> PingAsync(CancellationToken cancellationToken = default) =>
        SendActionAsync(AmiActions.Ping(), null, cancellationToken);

    /// <summary>Sends an action answered by an event list. Returns once the response arrived; the items follow through the
    /// returned list. The timeout covers the whole list. Throws <see cref="AmiActionFailedException"/> on an error response.</summary>
    public async Task<AmiEventList> SendListActionAsync(AmiAction action, TimeSpan? timeout = null,
        CancellationToken cancellationToken = default)
    {
        var pending = Enqueue(action, PendingKind.List, timeout ?? Options.ActionTimeout, cancellationToken);
        var response = await pending.Response.ConfigureAwait(false);
        if (!PendingAction.IsSuccessOrFollows(response))
        {
            _ = pending.Completion.Exception; // the failure is reported by the throw below
            throw new AmiActionFailedException(action.Name, response);
        }
        return new AmiEventList(response, pending.Items, pending.Completion);
    }

    /// <summary>Runs a CLI command and returns its output lines, whether Asterisk sends <c>Output:</c> headers (14+) or
    /// the legacy <c>Response: Follows</c> body. A <c>Response: Error</c> (unknown command) throws
    /// <see cref="AmiActionFailedException"/> whose response still holds the output.</summary>
    public async Task<IReadOnlyList<string>> CommandAsync(string command, TimeSpan? timeout = null,
        CancellationToken cancellationToken = default)
    {
        var action = AmiActions.Command(command);
        var response = await SendActionAsync(action, timeout, cancellationToken).ConfigureAwait(false);
        if (!PendingAction.IsSuccessOrFollows(response)) throw new AmiActionFailedException(action.Name, response);
        return response.OutputLines;
    }

    /// <summary>Sends an Originate with <c>Async: true</c> and returns Asterisk's immediate answer plus a task for the
    /// OriginateResponse event (matched by ActionID). Throws <see cref="AmiActionFailedException"/> when Asterisk refuses
    /// the originate outright. The event is also delivered on <see cref="Events"/>.</summary>
    public async Task<AmiOriginateResult> OriginateAsync(AmiAction originate, TimeSpan? timeout = null,
        CancellationToken cancellationToken = default)
    {
        if (!originate.Name.Equals("Originate", StringComparison.OrdinalIgnoreCase))
            throw new ArgumentException($"expected an Originate action, got {originate.Name}", nameof(originate));
        if (!string.Equals(originate["Async"], "true", StringComparison.OrdinalIgnoreCase))
            throw new ArgumentException("OriginateAsync needs 'Async: true' (AmiActions.Originate sets it)", nameof(originate));

        var dialTimeout = long.TryParse(originate["Timeout"], NumberStyles.None, CultureInfo.InvariantCulture, out var ms)
            ? TimeSpan.FromMilliseconds(ms)
            : TimeSpan.FromSeconds(30); // Asterisk's default originate timeout
        var total = timeout ?? Options.ActionTimeout + dialTimeout + Options.OriginateResponseGrace;
        var pending = Enqueue(originate, PendingKind.Originate, total, cancellationToken);
        var response = await pending.Response.ConfigureAwait(false);
        if (!response.IsSuccess)
        {
            _ = pending.Completion.Exception;
            throw new AmiActionFailedException(originate.Name, response);
        }
        return new AmiOriginateResult(pending.ActionId, response, AsOutcome(pending.Completion));

        static async Task<OriginateResponseEvent> AsOutcome(Task<AmiMessage> evt) =>
            new(await evt.ConfigureAwait(false));
    }

    private PendingAction Enqueue(AmiAction action, PendingKind kind, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(action);
        if (timeout <= TimeSpan.Zero && timeout != Timeout.InfiniteTimeSpan)
            throw new ArgumentOutOfRangeException(nameof(timeout), "must be positive");
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var session = _current ?? throw new AmiNotConnectedException(
            $"not connected to {Options.Host}:{Options.Port} ({_state}); {action.Name} was not sent");
        return session.Enqueue(action, kind, timeout, cancellationToken);
    }

    private string NextActionId() =>
        Options.ActionIdPrefix + Interlocked.Increment(ref _actionCounter).ToString(CultureInfo.InvariantCulture);

    private Task<AmiSession> OpenSessionAsync(CancellationToken cancellationToken) =>
        AmiSession.OpenAsync(Options, Counters, Interlocked.Increment(ref _sessionCounter), NextActionId, OnEvent,
            cancellationToken);

    private void ClaimStart()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (Interlocked.CompareExchange(ref _started, 1, 0) != 0)
            throw new InvalidOperationException("the client is already started");
    }

    private void Publish(AmiSession session, DateTimeOffset? downSince, int attempts)
    {
        _current = session;
        Interlocked.Increment(ref Counters._connects);
        SetState(AmiConnectionState.Connected);
        if (downSince is { } since)
        {
            Interlocked.Increment(ref Counters._reconnects);
            Notify(new AmiReconnected(session.Banner, session.ConnectedAt, session.Number, session.ConnectedAt - since, attempts));
        }
        else
        {
            Notify(new AmiConnected(session.Banner, session.ConnectedAt, session.Number));
        }
    }

    /// <summary>Keeps a connection up until the client stops: waits for it to end, reports, backs off, reconnects.</summary>
    private async Task SuperviseAsync(AmiSession? session)
    {
        var policy = Options.Reconnect;
        var stop = _stopping.Token;
        DateTimeOffset? downSince = null;
        var everConnected = session is not null;
        var backoff = 0;   // exponent of the next delay; reset once a connection has stayed up for MaxDelay
        var attempts = 0;  // attempts in the current outage
        try
        {
            while (!stop.IsCancellationRequested)
            {
                if (session is null)
                {
                    if (everConnected || attempts > 0)
                    {
                        var delay = policy.DelayFor(backoff++, _random);
                        await Task.Delay(delay, stop).ConfigureAwait(false);
                    }
                    attempts++;
                    try
                    {
                        session = await OpenSessionAsync(stop).ConfigureAwait(false);
                    }
                    catch (AmiAuthenticationException ex)
                    {
                        if (!policy.RetryAfterAuthenticationFailure)
                        {
                            Stop($"Asterisk rejected the login; not retrying: {ex.Message}", ex);
                            return;
                        }
                        backoff = int.MaxValue / 2; // retry only at the cap
                        Notify(new AmiConnectAttemptFailed(ex.Message, ex, DateTimeOffset.UtcNow, attempts, policy.MaxDelay));
                        continue;
                    }
                    catch (Exception ex) when (!stop.IsCancellationRequested)
                    {
                        Interlocked.Increment(ref Counters._connectFailures);
                        if (!policy.Enabled)
                        {
                            Stop($"could not connect and reconnect is disabled: {ex.Message}", ex);
                            return;
                        }
                        SetState(everConnected ? AmiConnectionState.Reconnecting : AmiConnectionState.Connecting);
                        var next = policy.DelayFor(backoff, _random); // an estimate: the real delay is drawn again
                        Notify(new AmiConnectAttemptFailed(ex.Message, ex, DateTimeOffset.UtcNow, attempts, next));
                        continue;
                    }
                    Publish(session, everConnected ? downSince : null, attempts);
                    everConnected = true;
                    attempts = 0;
                }

                var end = await session.Ended.ConfigureAwait(false);
                _current = null;
                var lived = DateTimeOffset.UtcNow - session.ConnectedAt;
                var number = session.Number;
                downSince = DateTimeOffset.UtcNow;
                ReportGap(session.Number);
                await session.DisposeAsync().ConfigureAwait(false);
                session = null;
                if (stop.IsCancellationRequested) break;
                Notify(new AmiDisconnected(end.Reason, end.Error, downSince.Value, number));
                if (!policy.Enabled)
                {
                    Stop($"connection lost and reconnect is disabled: {end.Reason}", end.Error);
                    return;
                }
                if (lived >= policy.MaxDelay) backoff = 0;
                SetState(AmiConnectionState.Reconnecting);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        finally
        {
            if (session is not null)
            {
                // Stopped before this loop even began (StopAsync right after ConnectAsync): StopAsync logs off on this
                // session and then closes it; disposing it here first would race the Logoff off the wire.
                if (stop.IsCancellationRequested) await session.Ended.ConfigureAwait(false);
                _current = null;
                await session.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private void Stop(string reason, Exception? error)
    {
        SetState(AmiConnectionState.Stopped);
        Notify(new AmiStopped(reason, error, DateTimeOffset.UtcNow));
    }

    /// <summary>On the socket reader: hands the event over or counts it lost. Never waits.</summary>
    private void OnEvent(AmiSession session, AmiMessage message)
    {
        message.Session = session.Number;
        if (_events.Writer.TryWrite(message))
        {
            if (_gapCount > 0) ReportGap(session.Number);
            return;
        }
        if (Volatile.Read(ref _disposed) != 0) return;
        var now = DateTimeOffset.UtcNow;
        if (_gapCount++ == 0)
        {
            _gapFirst = now;
            Interlocked.Increment(ref Counters._overflowIncidents);
            Notify(new AmiEventOverflowStarted(now, Options.EventBufferCapacity));
        }
        _gapLast = now;
        Interlocked.Increment(ref Counters._eventsDropped);
    }

    private void ReportGap(int session)
    {
        if (_gapCount == 0) return;
        Notify(new AmiEventsLost(_gapCount, _gapFirst, _gapLast, session));
        _gapCount = 0;
    }

    private void SetState(AmiConnectionState state) => _state = state;

    private void Notify(AmiConnectionNotification notification) => _notifications.Writer.TryWrite(notification);

    /// <summary>Stops reconnecting, logs off politely when connected (waiting at most <paramref name="logoffTimeout"/>),
    /// closes the connection and completes <see cref="Events"/> and <see cref="Notifications"/>.</summary>
    public async Task StopAsync(TimeSpan? logoffTimeout = null)
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            await _supervisor.ConfigureAwait(false);
            return;
        }
        _stopping.Cancel(); // first: the Logoff's goodbye must not look like a lost connection to reconnect
        var session = _current;
        if (session?.IsLoggedIn == true)
        {
            try
            {
                await session.Enqueue(AmiActions.Logoff(), PendingKind.Single, logoffTimeout ?? TimeSpan.FromSeconds(1), default)
                    .Response.ConfigureAwait(false);
            }
            catch (AmiException)
            {
                // leaving anyway
            }
        }
        _current?.Close("client stopped", null);
        await _supervisor.ConfigureAwait(false);
        SetState(AmiConnectionState.Stopped);
        Notify(new AmiStopped("client stopped", null, DateTimeOffset.UtcNow));
        _events.Writer.TryComplete();
        _notifications.Writer.TryComplete();
        _stopping.Dispose();
    }

    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);
}

public static class AmiMessageExtensions
{
    /// <summary>Returns the response when it is <c>Success</c> (or a legacy <c>Follows</c>); otherwise throws
    /// <see cref="AmiActionFailedException"/> carrying Asterisk's message (e.g. <c>Permission denied</c>).</summary>
    public static AmiMessage EnsureSuccess(this AmiMessage response, string? action = null) =>
        PendingAction.IsSuccessOrFollows(response)
            ? response
            : throw new AmiActionFailedException(action ?? "action", response);

    public static async Task<AmiMessage> EnsureSuccess(this Task<AmiMessage> response, string? action = null) =>
        (await response.ConfigureAwait(false)).EnsureSuccess(action);
}
