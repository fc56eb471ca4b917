using Telephony.Simulator.Calls;

namespace Telephony.Simulator.Queue;

/// <summary>The connect by Originate + Bridge (vq-local-originate-bridge): the waiting caller and an answered,
/// originated agent on the same node are bridged; when the agent hangs up the caller leaves the bridge and goes on
/// to its next priority, Hangup.</summary>
public sealed partial class QueueCaller
{
    /// <summary>Under the emission lock. False = not a queue bridge (the node bridges as for any two channels).</summary>
    internal bool TryBridge(AgentOriginate agent, Action acknowledge)
    {
        if (!_waiting || !agent.CanBridge) return false;
        acknowledge();
        _waiting = false;
        _bridgedAgent = agent;
        agent.BridgedTo = this;
        _scope.Peer = agent.Run;
        _scope.PeerScope = agent.Scope;
        agent.Run.CatchUp(_run.ClockMicros);
        _node.PlaySegmentLocked(_run, "bridge-enter", _scope, null);
        _bridgeConnection = Ledger.Connected(new QueueConnection(_node.Name, Uniqueid, Queue, agent.AgentId, _node.Name,
            "Bridge", _run.Now, null));
        _wake.TrySetResult(0);
        return true;
    }

    /// <summary>The bridged agent hung up (from the agent's flow): the caller leaves the bridge and hangs up.</summary>
    internal void AgentHungUp(CallRun agentRun)
    {
        _run.CatchUp(agentRun.ClockMicros);
        _node.PlaySegment(_run, "bridged-agent-hangup", _scope);
        Ledger.Ended(_bridgeConnection, _run.Now);
        _bridgeEnded.TrySetResult(_run.ClockMicros);
    }

    private async Task AwaitBridgeEndAsync(CallRun run, CancellationToken ct)
    {
        await run.WaitAsync(Task.WhenAny(_bridgeEnded.Task, _hangup.Task).Unwrap(), TimeSpan.FromDays(1).TotalMilliseconds, ct)
            .ConfigureAwait(false);
        if (!_bridgeEnded.Task.IsCompleted)
        {
            _bridgedAgent?.CallerHungUp();
            _node.TearDown(run, run.HangupCause);
            Ledger.Ended(_bridgeConnection, run.Now);
        }
        End(QueueCallerOutcome.Connected);
    }
}
