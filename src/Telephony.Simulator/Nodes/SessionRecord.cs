namespace Telephony.Simulator.Nodes;

/// <summary>One manager connection to a node, as it happened. <see cref="EndedAt"/> is the Logoff or, without one,
/// the close: the end of the logged-in period.</summary>
public sealed record SessionRecord
{
    public required long Id { get; init; }
    public required string Node { get; init; }
    public required string RemoteEndPoint { get; init; }
    public required DateTimeOffset ConnectedAt { get; init; }
    public DateTimeOffset? LoggedInAt { get; init; }
    public string? Username { get; init; }
    /// <summary>Whether it logged in receiving events (not <c>Events: off</c>, as a login check does).</summary>
    public bool EventsAtLogin { get; init; }
    public DateTimeOffset? LoggedOffAt { get; init; }
    public DateTimeOffset? ClosedAt { get; init; }
    /// <summary>Why it closed: <c>logoff</c>, <c>client closed</c>, <c>authentication failed</c>, <c>restart</c>,
    /// <c>fault: drop</c>, <c>backlog</c>, ...</summary>
    public string? CloseReason { get; init; }

    public DateTimeOffset? EndedAt => LoggedOffAt ?? ClosedAt;
    public bool WasLoggedIn => LoggedInAt is not null;
    public bool IsLoggedInNow => LoggedInAt is not null && EndedAt is null;
}
