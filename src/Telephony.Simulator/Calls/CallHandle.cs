namespace Telephony.Simulator.Calls;

/// <summary>A running call, for tests: its identity and when it is over.</summary>
public sealed class CallHandle
{
    private readonly CallRun _run;

    internal CallHandle(CallRun run) => _run = run;

    public string Script => _run.Script.Name;

    /// <summary>LinkedID of the call (= Uniqueid of its first channel).</summary>
    public string Linkedid => _run.Linkedid;

    /// <summary>Completes when the call's last event has been emitted (or it was torn down).</summary>
    public Task Completion => _run.Completion;
}
