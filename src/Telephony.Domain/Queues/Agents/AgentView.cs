namespace Telephony.Domain.Queues.Agents;

/// <summary>
/// What an agent tells a queue it is a member of about itself. The queue chooses from these views; the agent entity
/// decides (a stale view only costs a refused reservation). <see cref="Version"/> grows with every change so a
/// late, older view never overwrites a newer one.
/// </summary>
public sealed record AgentView(
    string AgentId,
    string Queue,
    int Penalty,
    AgentStatus Status,
    AgentActivity Activity,
    bool PhoneInUse,
    DateTimeOffset AvailableFrom,
    DateTimeOffset? LastCallEndedAt,
    int CallsTaken,
    TimeSpan TalkTime,
    string Node,
    long Version,
    string? Name = null)
{
    public bool CanTakeCallAt(DateTimeOffset now) =>
        Status == AgentStatus.Available && Activity is AgentActivity.Idle or AgentActivity.WrapUp && !PhoneInUse
        && now >= AvailableFrom; // wrap-up ends by itself at AvailableFrom: no new view is sent for it

    public static AgentView Of(AgentState agent, AgentSettings settings, string queue, DateTimeOffset now, long version)
    {
        var totals = agent.TotalsFor(queue);
        var activity = agent.ActivityAt(now);
        return new AgentView(agent.AgentId, queue, agent.Queues.GetValueOrDefault(queue), agent.Status, activity,
            agent.PhoneInUse, agent.AvailableFrom, agent.LastCallEndedAt, totals.Calls, totals.TalkTime,
            settings.Route.Node, version, settings.Name);
    }
}
