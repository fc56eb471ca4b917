using System.Globalization;
using Telephony.Simulator.Calls;
using Telephony.Simulator.Model;

namespace Telephony.Simulator.Queue;

/// <summary>How a queue caller's call ended.</summary>
public enum QueueCallerOutcome { Connected, Abandoned, HungUp }

/// <summary>
/// A caller of the virtual queue (<c>Local/vq@queue-in</c>): joins with the TelephonyQueueJoin UserEvent and waits
/// on music until a Redirect to the connect context (<see cref="VirtualQueueOptions.ConnectContext"/>) dials an
/// agent, a Bridge connects it to an originated agent, its patience (or the phone's maximum wait) runs out, or an AMI
/// Hangup ends it. After a failed Dial it is back on music; after a talk it hangs up, as in the captures.
/// </summary>
public sealed partial class QueueCaller
{
    private readonly SimulatedNode _node;
    private readonly OriginateRequest? _origin;
    private readonly ConversationScope _scope;
    private readonly TaskCompletionSource _joined = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<long> _hangup = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource<long> _wake = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource<long> _bridgeEnded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private CallRun _run = null!;
    private bool _waiting; // under the node's emission lock
    private string? _redirectExten;
    private AgentOriginate? _bridgedAgent;
    private int _bridgeConnection = -1;

    internal QueueCaller(SimulatedNode node, string queue, int priority, TimeSpan? patience, string callerIdName,
        string callerIdNumber, OriginateRequest? origin)
    {
        _node = node;
        _origin = origin;
        Queue = queue;
        Priority = priority;
        Patience = patience;
        _scope = new ConversationScope(node, firstAttemptUid: 2);
        var v = _scope.Values;
        v["queue"] = queue;
        v["prio"] = priority.ToString(CultureInfo.InvariantCulture);
        v["cid.num"] = callerIdNumber;
        v["cid.name"] = callerIdName;
        v["callerid"] = $"\"{callerIdName}\" <{callerIdNumber}>";
        var waitSeconds = (patience ?? node.VirtualQueue.Options.MaxWait).TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
        v["hold.exten"] = patience is null ? "s" : waitSeconds;
        v["hold.wait"] = waitSeconds;
        v["hold.noop"] = patience is null ? "caller phone up" : $"caller phone, hangs up after {waitSeconds} s";
    }

    /// <summary>A caller from an AMI Originate of <c>Local/vq@queue-in</c> (Context hold, Exten s or the patience in
    /// seconds; <c>Variable: VQ_QUEUE=…,VQ_PRIO=…</c>, defaults sales and 3, as the captures' dialplan).</summary>
    internal static QueueCaller FromOriginate(SimulatedNode node, OriginateRequest request)
    {
        string? Var(string name) => request.Variables.LastOrDefault(v => v.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Value;
        var queue = Var("VQ_QUEUE") is { Length: > 0 } q ? q : "sales";
        var priority = int.TryParse(Var("VQ_PRIO"), out var p) ? p : 3;
        TimeSpan? patience = int.TryParse(request.Exten, out var seconds) ? TimeSpan.FromSeconds(seconds) : null;
        return new QueueCaller(node, queue, priority, patience, request.CallerIdName ?? "", request.CallerIdNumber ?? "", request);
    }

    public string Queue { get; }
    public int Priority { get; }
    public TimeSpan? Patience { get; }
    public string NodeName => _node.Name;

    /// <summary>The caller as the PBX sees it (the <c>;2</c> half, which sent the join): the channel a Redirect or
    /// Bridge names. Known once <see cref="Joined"/> completed.</summary>
    public string Channel { get; private set; } = "";
    public string Uniqueid { get; private set; } = "";
    public string Linkedid { get; private set; } = "";

    /// <summary>Completes once the TelephonyQueueJoin UserEvent is out.</summary>
    public Task Joined => _joined.Task;

    /// <summary>Completes when the caller's channels are gone.</summary>
    public Task Completion => _run.Completion;

    public QueueCallerOutcome? Outcome { get; private set; }

    /// <summary>Wall clock when the join UserEvent went out, and when the first connect Redirect arrived (decision
    /// latency, seen from the PBX).</summary>
    public DateTimeOffset? JoinedAt { get; private set; }
    public DateTimeOffset? FirstRedirectAt { get; private set; }

    /// <summary>Every agent this caller got connected to (normally one).</summary>
    public IReadOnlyList<QueueConnection> Connections =>
        _node.VirtualQueue.Ledger.Connections.Where(c => c.CallerNode == _node.Name && c.CallerUniqueid == Uniqueid).ToArray();

    private QueueLedger Ledger => _node.VirtualQueue.Ledger;
    private VirtualQueueOptions Options => _node.VirtualQueue.Options;

    internal bool Start(Sessions.AmiSession? syncOriginator = null)
    {
        var run = _node.StartProgram("vq-caller", new CallOptions { Originate = _origin, Program = RunAsync }, syncOriginator);
        if (run is null) return false;
        _run = run; // RunAsync sets it too, maybe first: it is the same call
        return true;
    }

    /// <summary>Redirect of the waiting <c>;2</c> to the connect context: acknowledged first (under the emission
    /// lock, so "Redirect successful" precedes MusicOnHoldStop), then the flow dials. False = not for the queue
    /// flow (the node moves the channel as for any call).</summary>
    internal bool TryRedirect(Leg leg, string context, string exten, Action acknowledge)
    {
        if (!_waiting || !leg.Channel.EndsWith(";2", StringComparison.Ordinal) ||
            !context.Equals(Options.ConnectContext, StringComparison.OrdinalIgnoreCase)) return false;
        acknowledge();
        FirstRedirectAt ??= DateTimeOffset.UtcNow;
        _waiting = false;
        _redirectExten = exten;
        _wake.TrySetResult(0);
        return true;
    }

    private async Task RunAsync(CallRun run, CancellationToken ct)
    {
        _run = run;
        run.Flow = this;
        _ = run.HangupRequested.ContinueWith(_ => _hangup.TrySetResult(0), TaskScheduler.Default);
        _node.PlaySegment(run, "caller-join", _scope, OnMusic);
        Uniqueid = run.ResolvePlain(new Placeholder("uid", "1", null));
        Linkedid = run.Linkedid;
        Channel = $"Local/vq@queue-in-{run.ResolvePlain(new Placeholder("local", "0", null))};2";
        _scope.TailStart = run.TimesOf(Uniqueid).Start;
        var joinedAt = run.ClockMicros;
        Ledger.Join();
        JoinedAt = DateTimeOffset.UtcNow;
        _joined.TrySetResult();
        var maxWaitMs = (Patience ?? Options.MaxWait).TotalMilliseconds;
        while (true)
        {
            var woken = await WaitOnMusicAsync(run, maxWaitMs - (run.ClockMicros - joinedAt) / 1000.0, ct).ConfigureAwait(false);
            if (!woken)
            {
                // The phone (;1) stops waiting: hold,<n> Wait(n) or hold,s Wait(60) ends and it hangs up.
                _node.PlaySegment(run, "caller-abandon", _scope);
                End(QueueCallerOutcome.Abandoned);
                return;
            }
            if (_hangup.Task.IsCompleted)
            {
                _node.TearDown(run, run.HangupCause);
                End(QueueCallerOutcome.HungUp);
                return;
            }
            if (_bridgedAgent is not null)
            {
                await AwaitBridgeEndAsync(run, ct).ConfigureAwait(false);
                return;
            }
            if (_node.VirtualQueue.Resolve(_redirectExten!) is not { } target)
            {
                // A route to nowhere: Asterisk accepted the Redirect and the channel is hung up (action-errors).
                _node.TearDown(run, 16);
                End(QueueCallerOutcome.HungUp);
                return;
            }
            var status = await ConnectAsync(run, target.Node, target.Agent, _redirectExten!, ct).ConfigureAwait(false);
            if (status is "ANSWER" or "HANGUP") return;
        }
    }

    /// <summary>The caller is on music (under the emission lock, with the segment that started the music).</summary>
    private void OnMusic()
    {
        _wake = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        _redirectExten = null;
        _waiting = true;
        Ledger.StartedWaiting(_node.Name);
    }

    private async Task<bool> WaitOnMusicAsync(CallRun run, double remainingMs, CancellationToken ct)
    {
        try
        {
            return await run.WaitAsync(Task.WhenAny(_wake.Task, _hangup.Task).Unwrap(), Math.Max(0, remainingMs), ct)
                .ConfigureAwait(false);
        }
        finally
        {
            lock (_node.EmissionLock) _waiting = false;
            Ledger.StoppedWaiting(_node.Name);
        }
    }

    private void End(QueueCallerOutcome outcome)
    {
        Outcome = outcome;
        if (outcome != QueueCallerOutcome.Connected) Ledger.Abandon();
    }
}
