using Telephony.Domain.Queues.Strategies;

namespace Telephony.Domain.Queues.Agents;

/// <summary>
/// A queue's picture of its member agents, built from the views they send. Not journaled: after a restart the
/// agents send their views again. It also remembers which agents this queue is asking right now, so one decision
/// round never asks the same agent twice.
/// </summary>
public sealed class AgentBoard
{
    // Views in ordinal id order (a queue walks them on every decision: a list, not a tree, and no LINQ), with the
    // index of each id; counts kept as views come and go.
    private readonly List<AgentView> _views = [];
    private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);
    private readonly HashSet<string> _asking = new(StringComparer.Ordinal);

    public IReadOnlyCollection<AgentView> Views => _views;

    public int Count => _views.Count;

    public AgentView? this[string agentId] => _index.TryGetValue(agentId, out var i) ? _views[i] : null;

    /// <summary>Takes a view unless an equal or newer one is already here; a left membership removes the agent.
    /// True when the board changed.</summary>
    public bool Update(AgentView view, bool member = true)
    {
        if (_index.TryGetValue(view.AgentId, out var i))
        {
            var known = _views[i];
            if (known.Version > view.Version) return false;
            Tally(known, -1);
            if (!member)
            {
                _index.Remove(known.AgentId);
                _views.RemoveAt(i);
                Reindex(i);
                return true;
            }
            _views[i] = view;
            Tally(view, +1);
            return true;
        }
        if (!member) return false;
        var at = ~_views.BinarySearch(view, ById);
        _views.Insert(at, view);
        Reindex(at);
        Tally(view, +1);
        return true;
    }

    private static readonly Comparer<AgentView> ById = Comparer<AgentView>.Create((a, b) => string.CompareOrdinal(a.AgentId, b.AgentId));

    private void Reindex(int from)
    {
        for (var i = from; i < _views.Count; i++) _index[_views[i].AgentId] = i;
    }

    private void Tally(AgentView v, int delta)
    {
        if (v.Status != AgentStatus.LoggedOut) LoggedIn += delta;
        if (v.Status == AgentStatus.Available) Available += delta;
    }

    public int LoggedIn { get; private set; }

    public int Available { get; private set; }

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
        for (var i = 0; i < _views.Count; i++)
        {
            var view = _views[i];
            if (!view.CanTakeCallAt(now) || (_asking.Count > 0 && _asking.Contains(view.AgentId))) continue;
            list.Add(new AgentCandidate(view.AgentId, view.Penalty, i + 1, view.LastCallEndedAt, view.CallsTaken, view.TalkTime));
        }
        return list;
    }

    /// <summary>The earliest time a logged-in, available, idle agent comes out of wrap-up or a delay (to wake up then).</summary>
    public DateTimeOffset? NextAvailableAfter(DateTimeOffset now)
    {
        DateTimeOffset? next = null;
        for (var i = 0; i < _views.Count; i++)
        {
            var v = _views[i];
            if (v.AvailableFrom > now && (next is null || v.AvailableFrom < next) && v.Status == AgentStatus.Available
                && v.Activity is AgentActivity.Idle or AgentActivity.WrapUp && !v.PhoneInUse)
                next = v.AvailableFrom;
        }
        return next;
    }

    /// <summary>After a refusal: the agent is known not to be free until it says otherwise. Unless the view already
    /// says it cannot take a call now (a delay or wrap-up, which ends by itself with no new view): marking that one
    /// would hide the agent from this queue after its delay until some unrelated change of its.</summary>
    public void MarkBusy(string agentId, DateTimeOffset now)
    {
        if (_index.TryGetValue(agentId, out var i) && _views[i] is { Activity: AgentActivity.Idle } v && v.CanTakeCallAt(now))
            _views[i] = v with { Activity = AgentActivity.Reserved };
    }
}
