namespace Telephony.Simulator.Calls;

/// <summary>Which script an Originate plays: routes matched in order on the Originate's Channel and, when the route
/// says so, its Context/Exten or Application.</summary>
public sealed class Dialplan
{
    private readonly List<DialplanRoute> _routes;

    /// <param name="extensions">The dialplan's contexts and their extensions, for Originate's "Extension does not
    /// exist." check; none (the default) = every Context/Exten is accepted.</param>
    public Dialplan(IEnumerable<DialplanRoute> routes, IReadOnlyDictionary<string, IReadOnlySet<string>>? extensions = null)
    {
        _routes = routes.ToList();
        Extensions = extensions ?? new Dictionary<string, IReadOnlySet<string>>();
    }

    public IReadOnlyList<DialplanRoute> Routes => _routes;

    /// <summary>Context → its extensions. Only contexts listed here are checked.</summary>
    public IReadOnlyDictionary<string, IReadOnlySet<string>> Extensions { get; }

    /// <summary>The captures' asterisk-config/extensions.conf: targets in <c>[test]</c>, the other half in
    /// <c>hold,s</c> (or <c>hold,short</c> for the abandoning caller) or <c>Application: Echo</c>.</summary>
    public static Dialplan Default { get; } = new(
    [
        new("Local/answer@test", "originate-application", Application: "Echo"),
        new("Local/answer@test", "answered"),
        new("Local/busy@test", "busy"),
        new("Local/noanswer@test", "noanswer"),
        new("Local/queue@test", "queue-answered"),
        new("Local/queue-abandon@test", "queue-abandoned", Exten: "short"),
        new("Local/queue-abandon@test", "queue-hungup-by-ami"),
        new("Local/dial-answer@test", "dial-answered"),
        new("Local/dial-busy@test", "dial-busy"),
        new("Local/dial-noanswer@test", "dial-noanswer"),
        new("Local/long@test", "long"),
    ], DefaultExtensions());

    public Dialplan With(DialplanRoute route) => new(_routes.Prepend(route), Extensions);

    /// <summary>
    /// Whether the Originate's Context/Exten (where the answered channel goes) exists, as Asterisk's action_originate
    /// checks before it dials: false only for an extension missing from a context this dialplan lists. An
    /// Application Originate, a missing Context or an unlisted context pass.
    /// </summary>
    public bool ExtensionExists(OriginateRequest request) =>
        request.Application is not null || request.Context is null || request.Exten is null
        || !Extensions.TryGetValue(request.Context, out var extens) || extens.Contains(request.Exten)
        // hold's _X! pattern: the caller's phone hangs up after <exten> seconds (two-nodes extensions.conf)
        || (request.Context.Equals("hold", StringComparison.OrdinalIgnoreCase) && request.Exten.All(char.IsAsciiDigit));

    /// <summary>The captures' asterisk-config/extensions.conf (plus <c>test,long</c>, the simulator's long call).</summary>
    private static Dictionary<string, IReadOnlySet<string>> DefaultExtensions()
    {
        static IReadOnlySet<string> Set(params string[] extens) => new HashSet<string>(extens, StringComparer.OrdinalIgnoreCase);
        return new Dictionary<string, IReadOnlySet<string>>(StringComparer.OrdinalIgnoreCase)
        {
            ["test"] = Set("answer", "busy", "noanswer", "queue", "queue-abandon", "dial-answer", "dial-busy",
                "dial-noanswer", "echo", "long"),
            ["hold"] = Set("s", "short"),
            ["agents"] = Set("agent1", "agent2"),
        };
    }

    public string? Resolve(OriginateRequest request) =>
        _routes.FirstOrDefault(r => r.Matches(request))?.Script;
}

/// <summary>A route: Originate <see cref="Channel"/> (case-insensitive) plays <see cref="Script"/>; optional
/// conditions on the other half.</summary>
public sealed record DialplanRoute(string Channel, string Script, string? Context = null, string? Exten = null,
    string? Application = null)
{
    public bool Matches(OriginateRequest r) =>
        string.Equals(r.Channel, Channel, StringComparison.OrdinalIgnoreCase)
        && (Context is null || string.Equals(r.Context, Context, StringComparison.OrdinalIgnoreCase))
        && (Exten is null || string.Equals(r.Exten, Exten, StringComparison.OrdinalIgnoreCase))
        && (Application is null
            ? r.Application is null
            : string.Equals(r.Application, Application, StringComparison.OrdinalIgnoreCase));
}
