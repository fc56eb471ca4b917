using Telephony.Simulator.Calls;
using Telephony.Simulator.Model;
using Telephony.Simulator.Queue;

namespace Telephony.Simulator;

/// <summary>The virtual queue on this node: playing queue segments, and the hooks by which Redirect, Bridge and
/// Originate reach the queue flows.</summary>
public sealed partial class SimulatedNode
{
    /// <summary>The simulator's virtual queue (agents, ledger), shared by all its nodes.</summary>
    public VirtualQueue VirtualQueue { get; internal set; } = null!;

    /// <summary>1-based position of this node in the simulator.</summary>
    public int Index { get; internal set; }

    /// <summary>Starts a caller that joins <paramref name="queue"/> with <paramref name="priority"/>, as the
    /// captures' <c>Originate Local/vq@queue-in</c> would, without a client asking (no OriginateResponse). Null
    /// while the node restarts.</summary>
    public QueueCaller? StartQueueCaller(string queue = "sales", int priority = 3, TimeSpan? patience = null,
        string? callerIdName = null, string? callerIdNumber = null)
    {
        var number = callerIdNumber ?? $"555{Interlocked.Increment(ref _callerNumbers) % 10_000:0000}";
        var caller = new QueueCaller(this, queue, priority, patience, callerIdName ?? $"Caller {number[^3..]}", number, null);
        return caller.Start() ? caller : null;
    }

    private long _callerNumbers;

    /// <summary>The agent's phone raises <c>UserEvent(&lt;kind&gt;, Agent: id, Reason: r)</c> with a channel
    /// snapshot first, as the join UserEvent is laid out (kind: TelephonyAgentLogin, TelephonyAgentLogout,
    /// TelephonyAgentPause).</summary>
    public void RaiseAgentEvent(string agentId, string kind, string reason)
    {
        lock (_lock)
        {
            var uid = Ids.Next(ClockNow);
            var leg = new Leg($"Local/{agentId}@agents-{Ids.NextLocal()};2", uid, uid, DateTimeOffset.UtcNow)
            {
                State = "6", StateDesc = "Up", CallerIdNum = agentId, CallerIdName = $"Agent {agentId}",
                Context = "agents", Exten = agentId, Priority = "1",
            };
            var headers = new List<KeyValuePair<string, string>> { new("Event", "UserEvent"), new("Privilege", "user,all") };
            headers.AddRange(leg.Snapshot());
            headers.Add(new("UserEvent", kind));
            headers.Add(new("Agent", agentId));
            headers.Add(new("Reason", reason));
            EmitLocked(headers, null, ClockMicros);
        }
    }

    /// <summary>An Originate the queue flows refuse: OriginateResponse Failure with the reason (3 no answer, 5 busy,
    /// 0 failed) for an async one, "Originate failed" for a synchronous one.</summary>
    internal void FailOriginate(OriginateRequest request, Sessions.AmiSession? syncOriginator, int reason)
    {
        if (syncOriginator is not null)
        {
            syncOriginator.Send(Telephony.Simulator.Actions.Reply.Error(request.ActionId, "Originate failed"));
            return;
        }
        if (!request.Async) return; // the call's end answers a synchronous Originate
        var headers = request.FailureResponse();
        headers.Set("Reason", reason.ToString(System.Globalization.CultureInfo.InvariantCulture));
        lock (_lock) EmitLocked(headers, null, ClockMicros);
    }

    /// <summary>Originates the queue flows answer: a caller (<c>Local/vq@queue-in</c>) or an agent of this node
    /// (<c>Local/&lt;n&gt;@agents</c>).</summary>
    private bool OriginateQueueFlow(OriginateRequest request, Sessions.AmiSession? syncOriginator)
    {
        if (string.Equals(request.Channel, "Local/vq@queue-in", StringComparison.OrdinalIgnoreCase))
        {
            if (!QueueCaller.FromOriginate(this, request).Start(syncOriginator)) FailOriginate(request, syncOriginator, 0);
            return true;
        }
        return AgentOriginate.TryStart(this, request, syncOriginator);
    }

    /// <summary>Starts a call played by a queue flow (<see cref="CallOptions.Program"/>); null while restarting.</summary>
    internal CallRun? StartProgram(string name, CallOptions options, Sessions.AmiSession? syncOriginator = null) =>
        StartRun(new CallScript(name, new Dictionary<string, string>(), []), options, syncOriginator);

    /// <summary>Plays a segment for <paramref name="run"/> under the emission lock. An event whose UniqueID names
    /// the scope's peer (<c>{{peer.uid:n}}</c>) is the peer call's: its times and channel belong to that call.</summary>
    /// <param name="thenLocked">Runs under the same lock right after the last event: a flow that waits for an
    /// action after the segment is ready for it before any client can have seen the segment.</param>
    /// <param name="except">An event left out (a busy agent never rings: no DialState).</param>
    internal void PlaySegment(CallRun run, string segment, ConversationScope scope, Action? thenLocked = null,
        string? except = null)
    {
        lock (_lock)
        {
            PlaySegmentLocked(run, segment, scope, except is null ? null : s => s.Template.EventName != except);
            thenLocked?.Invoke();
        }
    }

    /// <summary>Only the events named <paramref name="eventName"/> of a segment (a DialEnd CANCEL no capture has
    /// in its own place).</summary>
    internal void PlaySegmentEvents(CallRun run, string segment, string eventName, ConversationScope scope)
    {
        lock (_lock) PlaySegmentLocked(run, segment, scope, s => s.Template.EventName == eventName);
    }

    /// <summary>The node's emission lock, for the queue flows' state that must change in event order.</summary>
    internal Lock EmissionLock => _lock;

    internal void PlaySegmentLocked(CallRun run, string segment, ConversationScope scope, Func<EmitStep, bool>? filter)
    {
        var script = SegmentLibrary.Get(segment);
        {
            foreach (var step in script.Steps.OfType<EmitStep>().Where(s => filter is null || filter(s)))
            {
                if (!step.EachFork)
                {
                    EmitSegmentStep(run, script, step, scope);
                    continue;
                }
                foreach (var fork in scope.Forks)
                {
                    scope.CurrentFork = fork;
                    EmitSegmentStep(run, script, step, scope);
                }
                scope.CurrentFork = null;
            }
        }
    }

    /// <summary>Emits events built by a flow itself (no capture has them), for the given call.</summary>
    internal void EmitFor(CallRun run, List<KeyValuePair<string, string>> headers)
    {
        lock (_lock) EmitLocked(headers, run, run.RaisedAt(run.NextEvent(headers.Get("Event") ?? "", null, null, null, false)));
    }

    /// <summary>Live channels of a call (for the flows' own hangups).</summary>
    internal IReadOnlyList<Leg> LegsOf(CallRun run)
    {
        lock (_lock) return _channels.Live.Where(l => l.Call == run).ToArray();
    }

    private void EmitSegmentStep(CallRun run, CallScript script, EmitStep step, ConversationScope scope)
    {
        var peerOwned = scope.Peer is not null &&
                        step.Template["UniqueID"]?.Source.StartsWith("{{peer.", StringComparison.Ordinal) == true;
        var owner = peerOwned ? scope.Peer! : run;
        Func<Calls.Placeholder, string?> resolve = peerOwned
            ? p => p.Name == "now" || p.Name.StartsWith("cdr.", StringComparison.Ordinal)
                ? null
                : scope.Resolve(p, run) ?? run.ResolvePlain(p)
            : p => scope.Resolve(p, run);
        var e = owner.RenderScoped(step, resolve, script.IsFinalCdr(step));
        if (step.Template.EventName == "OriginateResponse")
        {
            owner.NameRequestedChannelId(e.Headers);
            if (!owner.ShouldEmitOriginateResponse(e.Headers)) return;
        }
        EmitLocked(e.Headers, owner, e.RaisedAt);
    }
}
