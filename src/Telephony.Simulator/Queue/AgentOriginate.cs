using System.Globalization;
using System.Text.RegularExpressions;
using Telephony.Simulator.Calls;

namespace Telephony.Simulator.Queue;

/// <summary>
/// An agent originated by the queue manager (<c>Originate Local/&lt;n&gt;@agents</c>, <c>Application: Wait</c>):
/// rings and answers as the agent's behaviour says (OriginateResponse Success), waits to be bridged and talks; never
/// answering gives OriginateResponse Failure Reason 3 after the Originate's Timeout (else the ring timeout), busy
/// Reason 5.
/// </summary>
internal sealed partial class AgentOriginate
{
    private readonly SimulatedNode _node;
    private readonly AgentBehavior _agent;
    private readonly OriginateRequest _request;
    private readonly TaskCompletionSource<long> _hangup = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _answered; // under the emission lock

    private AgentOriginate(SimulatedNode node, AgentBehavior agent, OriginateRequest request)
    {
        _node = node;
        _agent = agent;
        _request = request;
        Scope = new ConversationScope(node, int.MaxValue);
        Scope.Values["agent"] = agent.Id;
        Scope.Values["ringwait"] = (agent.RingSeconds ?? 120).ToString("0.###", CultureInfo.InvariantCulture);
        Scope.Values["talkwait"] = agent.TalkSeconds.ToString("0.###", CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"^Local/([^@/]+)@agents$", RegexOptions.IgnoreCase)]
    private static partial Regex AgentChannel();

    public string AgentId => _agent.Id;
    public CallRun Run { get; private set; } = null!;
    public ConversationScope Scope { get; }
    public QueueCaller? BridgedTo { get; set; }

    /// <summary>Answered and not bridged yet (under the emission lock).</summary>
    public bool CanBridge => _answered && BridgedTo is null;

    /// <summary>Starts the agent when the Originate names an agent of this node; false = not an agent Originate.</summary>
    public static bool TryStart(SimulatedNode node, OriginateRequest request, Sessions.AmiSession? syncOriginator)
    {
        if (request.Channel is null || AgentChannel().Match(request.Channel) is not { Success: true } m) return false;
        if (node.VirtualQueue.Agent(node.Index, m.Groups[1].Value) is not { } agent) return false;
        var flow = new AgentOriginate(node, agent, request);
        if (agent.Busy)
        {
            node.FailOriginate(request, syncOriginator, reason: 5);
            return true;
        }
        return node.StartProgram("vq-agent-originate", new CallOptions { Originate = request, Program = flow.RunAsync },
            syncOriginator) is not null || FailedToStart(node, request, syncOriginator);
    }

    private static bool FailedToStart(SimulatedNode node, OriginateRequest request, Sessions.AmiSession? sync)
    {
        node.FailOriginate(request, sync, reason: 0);
        return true;
    }

    public void CallerHungUp() => _hangup.TrySetResult(0);

    private async Task RunAsync(CallRun run, CancellationToken ct)
    {
        Run = run;
        run.Flow = this;
        _ = run.HangupRequested.ContinueWith(_ => _hangup.TrySetResult(0), TaskScheduler.Default);
        _node.PlaySegment(run, "agent-originate-ring", Scope);
        if (_agent.RingSeconds is not { } ring)
        {
            var timeout = _request.TimeoutMilliseconds ?? _node.VirtualQueue.Options.RingTimeout.TotalMilliseconds;
            await run.WaitAsync(_hangup.Task, timeout, ct).ConfigureAwait(false);
            _node.TearDown(run, 0);
            _node.FailOriginate(_request, null, reason: 3);
            return;
        }
        if (await run.WaitAsync(_hangup.Task, ring * 1000, ct).ConfigureAwait(false))
        {
            _node.TearDown(run, run.HangupCause);
            return;
        }
        _node.PlaySegment(run, "agent-originate-answer", Scope);
        lock (_node.EmissionLock) _answered = true;
        // Answer() waits up to 500 ms for media a Local channel never sends.
        var hungUp = await run.WaitAsync(_hangup.Task, 500, ct).ConfigureAwait(false);
        if (!hungUp)
        {
            _node.PlaySegment(run, "agent-originate-talk", Scope);
            hungUp = await run.WaitAsync(_hangup.Task, _agent.TalkSeconds * 1000, ct).ConfigureAwait(false);
        }
        QueueCaller? caller;
        lock (_node.EmissionLock)
        {
            caller = BridgedTo;
            _answered = false;
        }
        if (caller is not null && !hungUp) caller.AgentHungUp(run);
        else _node.TearDown(run, hungUp ? run.HangupCause : 16);
    }
}
