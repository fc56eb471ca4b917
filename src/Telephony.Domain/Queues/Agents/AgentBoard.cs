using Telephony.Domain.Queues.Strategies;

namespace Telephony.Domain.Queues.Agents;

/// <summary>
/// A queue's picture of its member agents, built from the views they send. Not journaled: after a restart the
/// agents send their views again. It also remembers which agents this queue is asking right now, so one decision
/// round never asks the same agent twice.
/// </summary>
public sealed class AgentBoard
{
    private readonly SortedDictionary<string, AgentView> _views = new(StringComparer.Ordinal);
    private readonly HashSet<string> _asking = new(StringComparer.Ordinal);

    public IReadOnlyCollection<AgentView> Views => _views.Values;

    public int Count => _views.Count;

    public AgentView? this[string agentId] => _views.GetValueOrDefault(agentId);

    /// <summary>Takes a view unless an equal or newer one is already here; a left membership removes the agent.
    /// True when the board changed.</summary>
    public bool Update(AgentView view, bool member = true)
    {
        if (_views.TryGetValue(view.AgentId, out var known) && known.Version > view.Version) return false;
        if (!member) return _views.Remove(view.AgentId);
        _views[view.AgentId] = view;
        return true;
    }

    public int LoggedIn => _views.Values.Count(v => v.Status != AgentStatus.LoggedOut);

    public int Available => _views.Values.Count(v => v.Status == AgentStatus.Available);

    public bool IsEmpty(QueueEmptiness rule) =>
        (rule.HasFlag(QueueEmptiness.NoAgents) && LoggedIn == 0)
        || (rule.HasFlag(QueueEmptiness.NoneAvailable) && Available == 0);

    public bool IsAsking(string agentId) => _asking.Contains(agentId);

    public void Asking(string agentId) => _asking.Add(agentId);

    public void Answered(string agentId) => _asking.Remove(agentId);

    /// <summary>Agents that can take a call now and are not being asked, as the strategies see them.
    /// ConfigOrder is the agent id's place in ordinal order (linear / round-robin walk that order).</summary>
    public IReadOnlyList<AgentCandidate> Candidates(DateTimeOffset now)
    {
        var list = new List<AgentCandidate>();
        var order = 0;
        foreach (var view in _views.Values)
        {
            order++;
            if (!view.CanTakeCallAt(now) || _asking.Contains(view.AgentId)) continue;
            list.Add(new AgentCandidate(view.AgentId, view.Penalty, order, view.LastCallEndedAt, view.CallsTaken, view.TalkTime));
        }
        return list;
    }

    /// <summary>The earliest time a logged-in, available, idle agent comes out of wrap-up or a delay (to wake up then).</summary>
    public DateTimeOffset? NextAvailableAfter(DateTimeOffset now) =>
        _views.Values.Where(v => v.Status == AgentStatus.Available && v.Activity is AgentActivity.Idle or AgentActivity.WrapUp
                                 && !v.PhoneInUse && v.AvailableFrom > now)
            .Select(v => (DateTimeOffset?)v.AvailableFrom).Min();

    /// <summary>After a refusal: the agent is known not to be free until it says otherwise. Unless the view already
    /// says it cannot take a call now (a delay or wrap-up, which ends by itself with no new view): marking that one
    /// would hide the agent from this queue after its delay until some unrelated change of its.</summary>
    public void MarkBusy(string agentId, DateTimeOffset now)
    {
        if (_views.TryGetValue(agentId, out var v) && v.Activity == AgentActivity.Idle && v.CanTakeCallAt(now))
            _views[agentId] = v with { Activity = AgentActivity.Reserved };
    }
}
