using Telephony.Billing.Rows;

namespace Telephony.Billing.Sinks.Jsonl;

/// <summary>
/// The state a JSONL sink's <c>queues</c> projection folds over, kept in its offset file and replaced with it
/// atomically (so it always belongs to the recorded offset): the stays still in a queue and every agent's row. A stay
/// that ended leaves the state: a file sink never reads a batch twice, so no later event needs it.
/// </summary>
internal sealed record JsonlQueueState
{
    public List<QueueCallRow> Calls { get; init; } = [];
    public List<QueueAgentRow> Agents { get; init; } = [];

    /// <summary>The batch's changes folded over <paramref name="state"/>, and the state after them (unchanged, and no
    /// changes, for a batch without queue events).</summary>
    public static (QueueReportChanges? Changes, JsonlQueueState? State) Apply(JsonlQueueState? state, IReadOnlyList<QueueJournalEntry> entries)
    {
        if (entries.Count == 0) return (null, state);
        var calls = (state?.Calls ?? []).ToDictionary(c => c.Caller);
        var agents = (state?.Agents ?? []).ToDictionary(a => a.AgentId, StringComparer.Ordinal);
        var changes = QueueReportFold.Apply(calls, agents, entries);
        foreach (var call in changes.Calls)
        {
            if (call.IsOpen) calls[call.Caller] = call;
            else calls.Remove(call.Caller);
        }
        foreach (var agent in changes.Agents) agents[agent.AgentId] = agent;
        return (changes, new JsonlQueueState
        {
            Calls = [.. calls.Values.OrderBy(c => c.Caller)],
            Agents = [.. agents.Values.OrderBy(a => a.AgentId, StringComparer.Ordinal)],
        });
    }
}
