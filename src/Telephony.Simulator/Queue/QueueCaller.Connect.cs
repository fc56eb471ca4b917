using System.Globalization;
using Telephony.Simulator.Calls;

namespace Telephony.Simulator.Queue;

/// <summary>The connect by Redirect: vq-connect dials the agent over the IAX2 trunk to the agent's node, then
/// reports TelephonyConnectResult; after an answered call the caller hangs up, otherwise it is back on music.</summary>
public sealed partial class QueueCaller
{
    /// <returns>Asterisk's DIALSTATUS, or HANGUP when the caller hung up meanwhile.</returns>
    private async Task<string> ConnectAsync(CallRun run, SimulatedNode agentNode, AgentBehavior agent, string route,
        CancellationToken ct)
    {
        _scope.NewAttempt();
        var callno = Random.Shared.Next(1, 32768);
        var v = _scope.Values;
        v["route"] = route;
        v["agent"] = agent.Id;
        v["peer"] = agentNode.Name;
        v["callno"] = callno.ToString(CultureInfo.InvariantCulture);
        var forkStart = _scope.TailStart;
        _node.PlaySegment(run, "caller-dial-remote", _scope, except: agent.Busy ? "DialState" : null);
        var destination = $"IAX2/{agentNode.Name}-{callno}";
        var lastData = $"IAX2/{agentNode.Name}/{agent.Id},{Options.RingTimeout.TotalSeconds:0},g";

        var callerIds = new Dictionary<string, string>
        {
            ["cid.num"] = v["cid.num"], ["cid.name"] = v["cid.name"], ["callerid"] = v["callerid"],
        };
        var leg = AgentLeg.Start(agentNode, agent, _node.Name, callerIds,
            Random.Shared.Next(1, 32768), run.ClockMicros);
        if (leg is null) return Fail(run, route, destination, lastData, forkStart, "CHANUNAVAIL", 0, "FAILED");
        if (agent.Busy) return Fail(run, route, destination, lastData, forkStart, "BUSY", 17, "BUSY");

        // An agent that answers before the ring timeout answers, whatever the machine's load: the outcome is its
        // behaviour, as on a PBX, not a race between two scaled timers (at time scale 0.01 an answer at 2 s of 15 came
        // 130 ms of wall clock before the timeout, and a busy thread pool could let the timeout win).
        var answered = agent.RingSeconds is { } ring && ring < Options.RingTimeout.TotalSeconds
            ? await run.WaitAsync(Task.WhenAny(leg.Answered, leg.Ended, _hangup.Task).Unwrap(), TimeSpan.FromDays(1).TotalMilliseconds, ct)
                .ConfigureAwait(false) && (leg.Answered.IsCompleted || _hangup.Task.IsCompleted)
            : await run.WaitAsync(Task.WhenAny(leg.Answered, _hangup.Task).Unwrap(), Options.RingTimeout.TotalMilliseconds, ct)
                .ConfigureAwait(false);
        if (!answered)
        {
            leg.Cancel(run.ClockMicros);
            return Fail(run, route, destination, lastData, forkStart, "NOANSWER", 0, "NO ANSWER");
        }
        if (!leg.Answered.IsCompleted)
        {
            // The caller hung up while the agent rang: CANCEL on both sides.
            leg.Cancel(run.ClockMicros);
            v["dialstatus"] = "CANCEL";
            _node.PlaySegmentEvents(run, "caller-remote-fail", "DialEnd", _scope);
            _node.TearDown(run, 0);
            End(QueueCallerOutcome.HungUp);
            return "HANGUP";
        }

        var connection = Ledger.Connected(new QueueConnection(_node.Name, Uniqueid, Queue, agent.Id, agentNode.Name,
            "Redirect", run.Now, null));
        _node.PlaySegment(run, "caller-remote-answer", _scope);
        await run.WaitAsync(Task.WhenAny(leg.Ended, _hangup.Task).Unwrap(), TimeSpan.FromDays(1).TotalMilliseconds, ct)
            .ConfigureAwait(false);
        if (!leg.Ended.IsCompleted)
        {
            leg.Cancel(run.ClockMicros);
            _node.TearDown(run, run.HangupCause);
            Ledger.Ended(connection, run.Now);
            End(QueueCallerOutcome.Connected);
            return "HANGUP";
        }
        _scope.Forks.Add(new DialFork(route, destination, lastData, "ANSWERED", forkStart, run.ClockMicros));
        _scope.TailStart = run.ClockMicros;
        _node.PlaySegment(run, "caller-remote-hangup", _scope);
        Ledger.Ended(connection, run.Now);
        End(QueueCallerOutcome.Connected);
        return "ANSWER";
    }

    /// <summary>The Dial failed: DialEnd with the status, the trunk leg hangs up with the cause, the ConnectResult,
    /// and the caller is back on music.</summary>
    private string Fail(CallRun run, string route, string destination, string lastData, long forkStart, string status,
        int cause, string disposition)
    {
        var v = _scope.Values;
        v["dialstatus"] = status;
        v["cause"] = cause.ToString(CultureInfo.InvariantCulture);
        v["cause.txt"] = CallTeardown.CauseText(cause);
        _node.PlaySegment(run, "caller-remote-fail", _scope, OnMusic);
        _scope.Forks.Add(new DialFork(route, destination, lastData, disposition, forkStart, run.ClockMicros));
        _scope.TailStart = run.ClockMicros;
        return status;
    }
}
