namespace Telephony.Simulator.Calls;

/// <summary>Which script an Originate plays: routes matched in order on the Originate's Channel and, when the route
/// says so, its Context/Exten or Application.</summary>
public sealed class Dialplan
{
    private readonly List<DialplanRoute> _routes;

    public Dialplan(IEnumerable<DialplanRoute> routes) => _routes = routes.ToList();

    public IReadOnlyList<DialplanRoute> Routes => _routes;

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
    ]);

    public Dialplan With(DialplanRoute route) => new(_routes.Prepend(route));

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
