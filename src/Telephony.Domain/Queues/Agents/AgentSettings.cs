namespace Telephony.Domain.Queues.Agents;

/// <summary>
/// How an agent's phone is reached. <see cref="Extension"/> is what a Redirect to the connect context dials (the
/// operator's dialplan on every node knows it: <c>b-1001</c> crosses the trunk to pbx-b); <see cref="Channel"/> is the
/// dial string on the agent's own node for Originate + Bridge (<c>Local/1001@agents</c>).
/// </summary>
public sealed record AgentRoute(string Node, string Extension, string? Channel = null);

/// <summary>One agent's settings from configuration. Memberships can change at run time (journaled by the agent).</summary>
public sealed record AgentSettings
{
    public required string Id { get; init; }

    public string? Name { get; init; }

    public required AgentRoute Route { get; init; }

    /// <summary>Queue name -> penalty (lower is offered first).</summary>
    public IReadOnlyDictionary<string, int> Queues { get; init; } = new Dictionary<string, int>();

    /// <summary>Not offered again for this long after not answering / being busy / rejecting.</summary>
    public TimeSpan NoAnswerDelay { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan BusyDelay { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan RejectDelay { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>After this many no-answers in a row the agent goes on break ("auto-pause"); 0 = never.</summary>
    public int AutoPauseAfter { get; init; } = 3;

    /// <summary>Busy, unavailable and rejected offers count toward <see cref="AutoPauseAfter"/> too (app_queue's
    /// autopausebusy and autopauseunavail, which default to no there). On by default here: a phone on do-not-disturb
    /// answers BUSY at once, and without a device state to say so, a longest-idle queue would offer its head caller
    /// to it again after every busy delay while the callers behind were served.</summary>
    public bool AutoPauseOnBusy { get; init; } = true;

    /// <summary>The agent's phone as device state names it (<c>PJSIP/1001</c>, <c>Custom:agent-1001</c>): while it is in
    /// use by a call the queues did not make, the agent is not offered one. Null: not watched.</summary>
    public string? Device { get; init; }

    /// <summary>Logged in (Available) when first started, as a static app_queue member is.</summary>
    public bool LoggedInAtStart { get; init; }

    public string DisplayName => Name ?? Id;

    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (!QueueNames.IsValid(Id)) errors.Add($"Id: '{Id}' is not an agent id ({QueueNames.Rule})");
        if (Name is { } n && !QueueNames.IsSafeValue(n)) errors.Add("Name: control characters or '|' are not allowed");
        if (string.IsNullOrWhiteSpace(Route.Node)) errors.Add("Route:Node: required (the agent's Asterisk node)");
        if (string.IsNullOrWhiteSpace(Route.Extension) || !QueueNames.IsSafeValue(Route.Extension))
            errors.Add("Route:Extension: required (the connect context's extension for this agent)");
        if (Route.Channel is { } c && (c.Length == 0 || !QueueNames.IsSafeValue(c)))
            errors.Add("Route:Channel: not a dial string");
        foreach (var (queue, penalty) in Queues)
        {
            if (!QueueNames.IsValid(queue)) errors.Add($"Queues:{queue}: not a queue name");
            if (penalty < 0) errors.Add($"Queues:{queue}: penalty must be 0 or more");
        }
        if (NoAnswerDelay < TimeSpan.Zero) errors.Add("NoAnswerDelay: must not be negative");
        if (BusyDelay < TimeSpan.Zero) errors.Add("BusyDelay: must not be negative");
        if (RejectDelay < TimeSpan.Zero) errors.Add("RejectDelay: must not be negative");
        if (AutoPauseAfter < 0) errors.Add("AutoPauseAfter: must be 0 (never) or more");
        return errors;
    }
}
