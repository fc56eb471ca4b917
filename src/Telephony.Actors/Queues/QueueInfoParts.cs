namespace Telephony.Actors.Queues;

/// <summary>
/// A queue's view (<see cref="QueueInfo"/>) as a few messages that each fit Akka's remoting frame (128,000 bytes by
/// default; a larger message is dropped with a warning, so a member that did not host a busy queue could not show it:
/// 2,000 agents and a few hundred callers are ~170-240 KB of JSON). The queue sends one consistent view cut into
/// parts; the asker joins them. A part holds entries (waiting callers, connected calls, agents) of an estimated
/// <see cref="DefaultBudget"/> bytes of JSON at most, a third of the frame.
/// </summary>
public static class QueueInfoParts
{
    public const int DefaultBudget = 40_000;

    public static IReadOnlyList<QueueInfoPart> Split(QueueInfo info, int budget = DefaultBudget)
    {
        if (budget < 1) throw new ArgumentOutOfRangeException(nameof(budget), "a part has room for something");
        var pieces = new List<(List<WaitingCallerInfo> W, List<ConnectedCallInfo> C, List<QueueAgentInfo> A)>();
        var current = (W: new List<WaitingCallerInfo>(), C: new List<ConnectedCallInfo>(), A: new List<QueueAgentInfo>());
        var used = 0.0;
        void Make(double weight)
        {
            // A single entry heavier than the budget still goes, alone.
            if (used > 0 && used + weight > budget)
            {
                pieces.Add(current);
                current = ([], [], []);
                used = 0;
            }
            used += weight;
        }
        foreach (var w in info.Waiting)
        {
            Make(220 + Text(w.Caller) + Text(w.Node) + Text(w.Channel) + Text(w.CallerIdNum) + Text(w.CallerIdName) + Text(w.Phase) +
                 w.RingingAgents.Sum(a => 3 + Text(a)));
            current.W.Add(w);
        }
        foreach (var c in info.Connected)
        {
            Make(200 + Text(c.Caller) + Text(c.Node) + Text(c.Channel) + Text(c.AgentId) + Text(c.AgentNode) + Text(c.CallerLinkedId) +
                 Text(c.AgentLinkedId));
            current.C.Add(c);
        }
        foreach (var a in info.Agents)
        {
            Make(140 + Text(a.AgentId) + Text(a.Name) + Text(a.Status) + Text(a.Activity) + Text(a.Node));
            current.A.Add(a);
        }
        pieces.Add(current);
        return pieces.Select((p, i) => new QueueInfoPart(info.Queue, i, pieces.Count,
            info with { Waiting = p.W, Connected = p.C, Agents = p.A })).ToList();
    }

    private static int Text(string? s) => Telephony.Domain.Actions.ActionPages.Text(s);

    /// <summary>The whole view again, from every part of one answer (in any order).</summary>
    public static QueueInfo Join(IReadOnlyCollection<QueueInfoPart> parts)
    {
        if (parts.Count == 0) throw new ArgumentException("no part", nameof(parts));
        var ordered = parts.OrderBy(p => p.Part).ToList();
        var count = ordered[0].Parts;
        if (ordered.Count != count || ordered.Where((p, i) => p.Part != i || p.Parts != count).Any())
            throw new ArgumentException($"parts {string.Join(",", ordered.Select(p => $"{p.Part}/{p.Parts}"))} are not one whole answer", nameof(parts));
        var first = ordered[0].Info;
        return first with
        {
            Waiting = ordered.SelectMany(p => p.Info.Waiting).ToList(),
            Connected = ordered.SelectMany(p => p.Info.Connected).ToList(),
            Agents = ordered.SelectMany(p => p.Info.Agents).ToList(),
        };
    }
}
