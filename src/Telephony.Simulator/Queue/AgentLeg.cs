using System.Globalization;
using Telephony.Simulator.Calls;

namespace Telephony.Simulator.Queue;

/// <summary>
/// The agent's side of a trunk call (pbx-b in the captures): the incoming IAX2 leg, which starts its own Linkedid,
/// dials the agent's Local pair; the agent rings, answers and talks as its behaviour says, or is cancelled by the
/// caller's side (Dial timeout, caller hang-up). Signals its answer and its hang-up with its clock's moment.
/// </summary>
internal sealed class AgentLeg
{
    private readonly TaskCompletionSource<long> _answered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<long> _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<long> _cancel = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SimulatedNode _node;
    private readonly AgentBehavior _agent;
    private readonly ConversationScope _scope;

    private AgentLeg(SimulatedNode node, AgentBehavior agent, ConversationScope scope)
    {
        _node = node;
        _agent = agent;
        _scope = scope;
    }

    public Task<long> Answered => _answered.Task;
    public Task<long> Ended => _ended.Task;

    /// <summary>The caller's side gave up at <paramref name="at"/> (its clock): the agent leg is cancelled.</summary>
    public void Cancel(long at) => _cancel.TrySetResult(at);

    /// <summary>Null when the agent's node is restarting (the trunk call fails).</summary>
    public static AgentLeg? Start(SimulatedNode node, AgentBehavior agent, string callerNode, IReadOnlyDictionary<string, string> callerIds,
        int callno, long startMicros)
    {
        var scope = new ConversationScope(node, int.MaxValue);
        foreach (var (k, v) in callerIds) scope.Values[k] = v;
        scope.Values["agent"] = agent.Id;
        scope.Values["peer"] = callerNode;
        scope.Values["callno"] = callno.ToString(CultureInfo.InvariantCulture);
        scope.Values["ringwait"] = Seconds(agent.RingSeconds ?? 120);
        scope.Values["talkwait"] = Seconds(agent.TalkSeconds);
        var leg = new AgentLeg(node, agent, scope);
        var run = node.StartProgram("vq-agent-leg", new CallOptions { Program = leg.RunAsync, StartMicros = startMicros });
        return run is null ? null : leg;
    }

    private async Task RunAsync(CallRun run, CancellationToken ct)
    {
        try
        {
            if (_agent.Busy) return; // not captured on this side: the caller's side shows the BUSY (see README)
            _node.PlaySegment(run, "agent-ring", _scope);
            var ringMs = (_agent.RingSeconds ?? 120) * 1000;
            if (await run.WaitAsync(_cancel.Task, ringMs, ct).ConfigureAwait(false) || _agent.RingSeconds is null)
            {
                _node.PlaySegment(run, "agent-cancel", _scope);
                return;
            }
            _node.PlaySegment(run, "agent-answer", _scope);
            _answered.TrySetResult(run.ClockMicros);
            // Answer() waits up to 500 ms for media a Local channel never sends: a "5 s" talk lasts 5.5 s.
            if (await run.WaitAsync(_cancel.Task, _agent.TalkSeconds * 1000 + 500, ct).ConfigureAwait(false))
            {
                _node.TearDown(run, 16);
                return;
            }
            _node.PlaySegment(run, "agent-hangup", _scope);
        }
        finally
        {
            _ended.TrySetResult(run.ClockMicros);
        }
    }

    private static string Seconds(double s) => s.ToString("0.###", CultureInfo.InvariantCulture);
}
