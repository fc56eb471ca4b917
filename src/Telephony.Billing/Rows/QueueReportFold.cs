namespace Telephony.Billing.Rows;

/// <summary>The <c>queues</c> projection's fold: the queue events through <see cref="QueueCallFold"/>, the agent
/// events through <see cref="AgentSessionFold"/> (each entity's events keep their journal order).</summary>
public static class QueueReportFold
{
    public static QueueReportChanges Apply(IReadOnlyDictionary<(string, string, string), QueueCallRow> storedCalls,
        IReadOnlyDictionary<string, QueueAgentRow> storedAgents, IReadOnlyList<QueueJournalEntry> entries)
    {
        if (entries.Count == 0) return QueueReportChanges.None;
        var calls = QueueCallFold.Apply(storedCalls, entries);
        var agents = AgentSessionFold.Apply(storedAgents, entries);
        var log = calls.Log.Concat(agents.Log).OrderBy(r => r.JournalOffset).ThenBy(r => r.LineNo).ToList();
        return new QueueReportChanges(calls.Calls, agents.Agents, agents.Sessions, log, calls.WithoutJoin);
    }

    /// <summary>The callers (queue, node, uniqueid) whose latest stay a batch needs.</summary>
    public static IEnumerable<(string, string, string)> Callers(IEnumerable<QueueJournalEntry> entries) =>
        entries.Where(e => e.Event is Domain.Queues.Calls.IQueueEvent)
            .Select(e => (e.Entity, ((Domain.Queues.Calls.IQueueEvent)e.Event).Caller.Node, ((Domain.Queues.Calls.IQueueEvent)e.Event).Caller.UniqueId))
            .Distinct();

    /// <summary>The agents a batch touches.</summary>
    public static IEnumerable<string> Agents(IEnumerable<QueueJournalEntry> entries) =>
        entries.Where(e => e.Event is Domain.Queues.Agents.IAgentEvent).Select(e => e.Entity).Distinct(StringComparer.Ordinal);
}
