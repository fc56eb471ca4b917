using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Telephony.Ami.Protocol;
using Telephony.Simulator.Actions;
using Telephony.Simulator.Calls;
using Telephony.Simulator.Load;
using Telephony.Simulator.Model;
using Telephony.Simulator.Nodes;
using Telephony.Simulator.Replay;
using Telephony.Simulator.Sessions;

namespace Telephony.Simulator;

/// <summary>
/// One simulated Asterisk server on its own port: its manager sessions, calls, channel and queue models, identities
/// and fault switches. Every event goes through one emission lock, so the models and what each session receives
/// are always in the same order.
/// </summary>
public sealed partial class SimulatedNode : IAsyncDisposable
{
    private readonly Lock _lock = new();
    private readonly List<AmiSession> _sessions = [];
    private readonly HashSet<CallRun> _calls = [];
    private readonly HashSet<string> _requestedIds = new(StringComparer.Ordinal); // ChannelIds of the running calls
    private readonly ConcurrentDictionary<long, Task> _connectionTasks = new();
    private readonly ChannelRegistry _channels = new();
    private readonly QueueModel _queues;
    private readonly ScriptLibrary _scripts;
    private readonly SemaphoreSlim _restartLock = new(1, 1);
    private readonly CancellationTokenSource _lifetime = new();
    private readonly Random? _fractions; // seeds each call's sub-second fractions; null = whole-second call clocks
    private readonly long _clockOrigin = AsteriskTime.ToMicros(DateTimeOffset.UtcNow);
    private readonly Stopwatch _clockElapsed = Stopwatch.StartNew();
    private TcpListener? _listener;
    private Task _acceptLoop = Task.CompletedTask;
    private long _nextSessionId;
    private long _cdrSequence;
    private long _callsStarted;
    private long _callsCompleted;
    private long _callFaults;
    private bool _accepting = true;

    /// <param name="seed">Seed of this node's call fractions (null = random); used with sub-second times only.</param>
    internal SimulatedNode(string name, int port, SimulatorOptions options, ScriptLibrary scripts, int? seed)
    {
        Name = name;
        Port = port;
        Options = options;
        _scripts = scripts;
        StartedAt = DateTimeOffset.UtcNow;
        Ids = new UniqueIdSource(StartedAt);
        _queues = new QueueModel(options.Queues, StartedAt.ToUnixTimeSeconds());
        Dispatcher = new ActionDispatcher(this);
        Faults = new NodeFaults(this);
        if (options.UsesSubSecondTimes) _fractions = seed is { } s ? new Random(s) : new Random();
        if (options.Load is { } load) Load = new LoadGenerator(this, load);
    }

    public string Name { get; }

    /// <summary>The bound port (the real one when the options asked for port 0).</summary>
    public int Port { get; private set; }

    public SimulatorOptions Options { get; }

    /// <summary>Every manager session this node has seen, with login and logout/close times.</summary>
    public SessionHistory Sessions { get; } = new();

    /// <summary>Actions received, by name.</summary>
    public ActionCounter Actions { get; } = new();

    /// <summary>When actions were received: the busiest 1-second window, every arrival. Kept across restarts.</summary>
    public ActionRate ActionRate { get; } = new();

    /// <summary>Originates received, by ChannelId (whether they succeeded or not). Kept across restarts, like the
    /// history a test wants to check an action queue against.</summary>
    public OriginateLedger OriginatesByChannelId { get; } = new();

    /// <summary>Switches for dropped connections, stalls, garbage and restarts.</summary>
    public NodeFaults Faults { get; }

    /// <summary>The load generator of this node, when <see cref="SimulatorOptions.Load"/> is set.</summary>
    public LoadGenerator? Load { get; }

    /// <summary>When this node (last) started: FullyBooted Uptime, CoreStatus, queue member LoginTime.</summary>
    public DateTimeOffset StartedAt { get; private set; }

    /// <summary>The uniqueid epoch floor: the (re)start second; every uniqueid issued since has an epoch at least this.</summary>
    public long Epoch
    {
        get { lock (_lock) return Ids.EpochFloor; }
    }

    public int Restarts { get; private set; }

    public bool IsListening => _listener is not null;

    public int ActiveCalls
    {
        get { lock (_lock) return _calls.Count; }
    }

    public long CallsStarted => Interlocked.Read(ref _callsStarted);
    public long CallsCompleted => Interlocked.Read(ref _callsCompleted);

    /// <summary>The live channels (the node's own objects; read them, do not keep them).</summary>
    public IReadOnlyList<Leg> LiveChannels
    {
        get { lock (_lock) return _channels.Live; }
    }

    /// <summary>
    /// The node's own clock (µs since the epoch), where its calls start and its non-call events are raised. With
    /// sub-second times it runs 1/<see cref="SimulatorOptions.TimeScale"/> as fast as the wall clock from the node's
    /// creation, like an Asterisk whose time is scaled: calls started a wall millisecond apart at time scale 0.001
    /// start a simulated second apart, so their sub-second phases spread as real ones do and Timestamps of different
    /// calls keep (roughly) their wall order. Otherwise it is the wall clock, as before.
    /// </summary>
    internal long ClockMicros => Options.UsesSubSecondTimes
        ? _clockOrigin + (long)(_clockElapsed.Elapsed.Ticks / 10 / Options.TimeScale)
        : WallMicros;

    internal DateTimeOffset ClockNow => AsteriskTime.FromMicros(ClockMicros);

    private static long WallMicros => AsteriskTime.ToMicros(DateTimeOffset.UtcNow);

    internal UniqueIdSource Ids { get; }
    internal StallGate Stall { get; } = new();
    internal ActionDispatcher Dispatcher { get; }

    public IReadOnlyList<QueueSnapshot> QueueSnapshot(string? queue = null)
    {
        lock (_lock)
            return _queues.Queues.Where(q => string.IsNullOrEmpty(queue) ||
                                             q.Definition.Name.Equals(queue, StringComparison.OrdinalIgnoreCase))
                .Select(Model.QueueSnapshot.Of).ToArray();
    }

    /// <summary>Starts a call without any client asking (load, tests). Throws for an unknown script; returns null
    /// while the node is restarting.</summary>
    public CallHandle? StartCall(string script, CallOptions? options = null)
    {
        var s = _scripts[script] ?? throw new ArgumentException($"unknown call script '{script}'", nameof(script));
        var run = StartRun(s, options ?? new CallOptions(), null);
        return run is null ? null : new CallHandle(run);
    }

    /// <summary>Closes every session, hangs up every call, refuses connections for <paramref name="downtime"/>, then
    /// comes back on the same port with a new uniqueid epoch and fresh counters.</summary>
    public async Task RestartAsync(TimeSpan downtime)
    {
        await _restartLock.WaitAsync().ConfigureAwait(false);
        try
        {
            StopListening();
            CallRun[] runs;
            lock (_lock)
            {
                _accepting = false;
                runs = _calls.ToArray();
            }
            // SIGTERM: every channel gets SoftHangupRequest Cause 4 (the "shutdown" soft-hangup reason) before its
            // Hangup, and Shutdown comes last (pbx-a-restart-with-waiting-caller).
            foreach (var run in runs) run.Abort(CallTeardown.ShutdownCause);
            await WhenAllOrTimeout(runs.Select(r => r.Completion), TimeSpan.FromSeconds(5)).ConfigureAwait(false);

            Broadcast([new("Event", "Shutdown"), new("Privilege", "system,all"), new("Shutdown", "Cleanly"),
                new("Restart", "True")]);
            AmiSession[] sessions;
            lock (_lock) sessions = _sessions.ToArray();
            foreach (var s in sessions) s.CloseAfterFlush("restart");

            if (downtime > TimeSpan.Zero) await Task.Delay(downtime).ConfigureAwait(false);

            lock (_lock)
            {
                var now = DateTimeOffset.UtcNow;
                Ids.Restart(now);
                StartedAt = now;
                _channels.Clear();
                _bridges.Clear();
                _globals.Clear();
                _queues.Reset(now.ToUnixTimeSeconds());
                _cdrSequence = 0;
                _accepting = true;
                Restarts++;
            }
            StartListening();
        }
        finally
        {
            _restartLock.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Load is not null) await Load.DisposeAsync().ConfigureAwait(false);
        _lifetime.Cancel();
        StopListening();
        CallRun[] runs;
        AmiSession[] sessions;
        lock (_lock)
        {
            _accepting = false;
            runs = _calls.ToArray();
            sessions = _sessions.ToArray();
        }
        foreach (var run in runs) run.Abort();
        await WhenAllOrTimeout(runs.Select(r => r.Completion), TimeSpan.FromSeconds(2)).ConfigureAwait(false);
        foreach (var s in sessions) s.Abort("simulator stopped");
        Stall.Open();
        await WhenAllOrTimeout(_connectionTasks.Values, TimeSpan.FromSeconds(2)).ConfigureAwait(false);
    }

    internal void StartListening()
    {
        var listener = new TcpListener(Options.BindAddress, Port);
        listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        listener.Start();
        Port = ((IPEndPoint)listener.LocalEndpoint).Port;
        _listener = listener;
        _acceptLoop = AcceptLoopAsync(listener, _lifetime.Token);
    }

    internal void StartLoad() => Load?.Start();

    private void StopListening()
    {
        var listener = Interlocked.Exchange(ref _listener, null);
        listener?.Stop();
    }

    private async Task AcceptLoopAsync(TcpListener listener, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptSocketAsync(ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            var id = Interlocked.Increment(ref _nextSessionId);
            var remote = socket.RemoteEndPoint?.ToString() ?? "";
            Sessions.Add(new SessionRecord { Id = id, Node = Name, RemoteEndPoint = remote, ConnectedAt = DateTimeOffset.UtcNow });
            Task task;
            if (Options.ReplayBytes is { } replay)
            {
                task = CaptureReplay.RunAsync(this, socket, replay, id, ct);
            }
            else
            {
                var session = new AmiSession(this, socket, id);
                lock (_lock) _sessions.Add(session);
                task = session.RunAsync();
            }
            _connectionTasks[id] = task;
            _ = task.ContinueWith(_ => _connectionTasks.TryRemove(id, out Task? _), TaskScheduler.Default);
        }
    }

    internal void SessionLoggedIn(AmiSession s) =>
        Sessions.Update(s.Id, r => r with { LoggedInAt = s.LoggedInAt, Username = s.Username, EventsAtLogin = s.Mask != EventClass.None });

    internal void SessionLoggedOff(AmiSession s) =>
        Sessions.Update(s.Id, r => r with { LoggedOffAt = r.LoggedOffAt ?? DateTimeOffset.UtcNow });

    /// <summary>The session's last byte is out (or it was aborted): it counts as closed from now on.</summary>
    internal void SessionClosing(long id, string reason) =>
        Sessions.Update(id, r => r.ClosedAt is null ? r with { ClosedAt = DateTimeOffset.UtcNow, CloseReason = reason } : r);

    internal void SessionEnded(AmiSession s, string reason)
    {
        lock (_lock) _sessions.Remove(s);
        SessionClosing(s.Id, reason);
    }

    internal void ForEachSession(Action<AmiSession> action)
    {
        AmiSession[] sessions;
        lock (_lock) sessions = _sessions.ToArray();
        foreach (var s in sessions) action(s);
    }

    internal (int Current, long Processed) ChannelCounts()
    {
        lock (_lock) return (_channels.Count, _channels.Processed);
    }

    internal void Originate(OriginateRequest request, AmiSession? syncOriginator)
    {
        if (OriginateQueueFlow(request, syncOriginator)) return;
        var name = Options.Dialplan.Resolve(request);
        var script = name is null ? null : _scripts[name];
        if (script is not null && StartRun(script, new CallOptions { Originate = request }, syncOriginator) is not null)
            return;

        // Nothing answers this Channel, or its ChannelId is taken: the Originate fails the way a failed dial does.
        if (syncOriginator is not null)
        {
            syncOriginator.Send(Reply.Error(request.ActionId, "Originate failed"));
            return;
        }
        lock (_lock) EmitLocked(request.FailureResponse(), null, ClockMicros);
    }

    private CallRun? StartRun(CallScript script, CallOptions options, AmiSession? syncOriginator)
    {
        CallRun run;
        lock (_lock)
        {
            if (!_accepting) return null;
            if (options.Originate is { } o && !ReserveRequestedIds(o)) return null;
            run = new CallRun(this, script, options, syncOriginator, _fractions is null ? null : new Random(_fractions.Next()));
            _calls.Add(run);
        }
        Interlocked.Increment(ref _callsStarted);
        run.Start();
        return run;
    }

    /// <summary>Calls that stopped on an error of their script (see <see cref="LastCallFault"/>).</summary>
    public long CallFaults => Interlocked.Read(ref _callFaults);

    public Exception? LastCallFault { get; private set; }

    internal void CallFailed(CallRun run, Exception e)
    {
        Interlocked.Increment(ref _callFaults);
        LastCallFault = new InvalidOperationException($"call script '{run.Script.Name}' failed: {e.Message}", e);
    }

    /// <summary>Asterisk refuses a ChannelId or OtherChannelId that a channel already has ("Channel Unique ID ...
    /// already in use", in its log only). Ids are held from the Originate to the end of its call, so two Originates
    /// with one id collide even before the first one's channels exist. Under the emission lock.</summary>
    private bool ReserveRequestedIds(OriginateRequest o)
    {
        if (o.ChannelId is null && o.OtherChannelId is null) return true;
        if (InUse(o.ChannelId) || InUse(o.OtherChannelId) || o.ChannelId == o.OtherChannelId) return false;
        if (o.ChannelId is { } id) _requestedIds.Add(id);
        if (o.OtherChannelId is { } other) _requestedIds.Add(other);
        return true;

        bool InUse(string? uid) => uid is not null && (_requestedIds.Contains(uid) || _channels.ByUniqueid(uid) is not null);
    }

    internal void CallEnded(CallRun run)
    {
        lock (_lock)
        {
            _calls.Remove(run);
            if (run.Origin is { } o)
            {
                if (o.ChannelId is { } id) _requestedIds.Remove(id);
                if (o.OtherChannelId is { } other) _requestedIds.Remove(other);
            }
        }
        Interlocked.Increment(ref _callsCompleted);
    }

    /// <summary>Waits simulated milliseconds: scaled by <see cref="SimulatorOptions.TimeScale"/> on the wall clock.</summary>
    internal Task DelayAsync(double simulatedMs, CancellationToken ct)
    {
        var wall = simulatedMs * Options.TimeScale;
        if (wall < 0.5) return ct.IsCancellationRequested ? Task.FromCanceled(ct) : Task.CompletedTask;
        return Task.Delay(TimeSpan.FromMilliseconds(wall), ct);
    }

    private static async Task WhenAllOrTimeout(IEnumerable<Task> tasks, TimeSpan timeout)
    {
        try
        {
            await Task.WhenAll(tasks.ToArray()).WaitAsync(timeout).ConfigureAwait(false);
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException or IOException or SocketException)
        {
        }
    }
}
