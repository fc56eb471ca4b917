namespace Telephony.Simulator.Model;

/// <summary>A copy of one queue's state, taken under the node's lock (for QueueStatus/QueueSummary and tests).</summary>
public sealed record QueueSnapshot(string Name, string Strategy, IReadOnlyList<QueueEntry> Entries,
    IReadOnlyList<QueueMemberSnapshot> Members, int Completed, int Abandoned, int HoldTime, int TalkTime)
{
    internal static QueueSnapshot Of(QueueState q) => new(q.Definition.Name, q.Definition.Strategy, q.Entries.ToArray(),
        q.Members.Select(m => new QueueMemberSnapshot(m.Definition.Name, m.Definition.Location, m.CallsTaken, m.LastCall,
            m.LoginTime, m.InCall, m.Status)).ToArray(),
        q.Completed, q.Abandoned, q.HoldTime, q.TalkTime);
}

public sealed record QueueMemberSnapshot(string Name, string Location, int CallsTaken, long LastCall, long LoginTime,
    string InCall, string Status);
