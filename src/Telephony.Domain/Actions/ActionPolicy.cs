namespace Telephony.Domain.Actions;

/// <summary>
/// Who may do what through the queue (configuration <c>telephony.actions.allow</c>). <c>Command</c> (any CLI command)
/// and an Originate or Exec into System-like applications are root-equivalent on the Asterisk host: refused unless
/// <see cref="AllowRootEquivalent"/> is set, even when listed.
/// </summary>
public sealed record ActionPolicy
{
    public static readonly IReadOnlySet<string> DefaultAllowed = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "Originate", "Redirect", "Hangup", "Bridge", "Atxfer", "BlindTransfer", "Park", "PlayDTMF", "Setvar", "Getvar",
        "Status", "Ping", "QueueStatus", "QueueSummary", "QueuePause", "CoreShowChannels", "CoreStatus", "UserEvent",
    };

    /// <summary>Dialplan applications that run programs on the Asterisk host (or can be made to).</summary>
    public static readonly IReadOnlySet<string> RootEquivalentApplications = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "System", "TrySystem", "Exec", "ExecIf", "ExecIfTime", "AGI", "EAGI", "FastAGI", "DeadAGI", "Macro", "Gosub",
        "GosubIf", "StackPop",
        // Originate(chan,app,System,...) runs any application; MixMonitor(file,opts,command) runs a shell command when
        // the recording ends; ExternalIVR(command) forks a program.
        "Originate", "MixMonitor", "ExternalIVR",
    };

    /// <summary>Dialplan functions that read or write files or run programs; refused inside any value.</summary>
    public static readonly IReadOnlyList<string> RootEquivalentFunctions = ["SHELL(", "FILE(", "SYSTEM(", "EVAL(", "ODBC_", "AST_CONFIG("];

    public IReadOnlySet<string> Allowed { get; init; } = DefaultAllowed;

    public bool AllowRootEquivalent { get; init; }

    public int MaxHeaders { get; init; } = 64;

    public int MaxValueLength { get; init; } = 1024;

    public static ActionPolicy Default { get; } = new();

    public static ActionPolicy FromList(IEnumerable<string>? allowed, bool allowRootEquivalent) => new()
    {
        Allowed = allowed is null ? DefaultAllowed : new HashSet<string>(allowed, StringComparer.OrdinalIgnoreCase),
        AllowRootEquivalent = allowRootEquivalent,
    };
}
