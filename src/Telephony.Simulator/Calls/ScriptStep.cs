namespace Telephony.Simulator.Calls;

/// <summary>One step of a call script.</summary>
public abstract record ScriptStep;

/// <summary>Call time passes (simulated milliseconds; scaled by the node's time factor on the wall clock).</summary>
public sealed record WaitStep(int Milliseconds) : ScriptStep;

/// <summary>The call waits here for an AMI <c>Hangup</c> of one of its channels, at most
/// <see cref="MaxMilliseconds"/>; then it goes on with the next step either way.</summary>
public sealed record AwaitHangupStep(int MaxMilliseconds) : ScriptStep;

/// <summary>Emit one event. With <see cref="EachVariable"/> it is emitted once per Originate <c>Variable</c>
/// (none when the Originate had none), as Asterisk does with <c>VarSet</c>.</summary>
public sealed record EmitStep(EventTemplate Template, bool EachVariable) : ScriptStep
{
    /// <summary>Emitted once per earlier Dial attempt of a queue caller (<c>@each-fork</c>): Asterisk writes a Cdr
    /// per Dial of the channel when it hangs up, so the count is only known then.</summary>
    public bool EachFork { get; init; }
}
