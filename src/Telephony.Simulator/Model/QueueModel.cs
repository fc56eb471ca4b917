namespace Telephony.Simulator.Model;

/// <summary>
/// Queue state (waiting callers, member status, counters) as the emitted queue events describe it; answers
/// QueueStatus/QueueSummary and fills the member counters into <c>QueueMemberStatus</c> events. Used under the node's
/// emission lock.
/// </summary>
public sealed class QueueModel
{
    private readonly Dictionary<string, QueueState> _queues = new(StringComparer.OrdinalIgnoreCase);

    public QueueModel(IEnumerable<QueueDefinition> definitions, long loginTime)
    {
        foreach (var d in definitions) _queues[d.Name] = new QueueState(d, loginTime);
    }

    public IReadOnlyCollection<QueueState> Queues => _queues.Values;

    public QueueState? this[string name] => _queues.GetValueOrDefault(name);

    internal void Observe(List<KeyValuePair<string, string>> e, DateTimeOffset now)
    {
        var name = e.Get("Event");
        if (name is null || e.Get("Queue") is not { } queueName || !_queues.TryGetValue(queueName, out var q)) return;
        switch (name)
        {
            case "QueueCallerJoin":
                q.Entries.Add(new QueueEntry(e.Get("Channel") ?? "", e.Get("Uniqueid") ?? "", e.Get("CallerIDNum") ?? "",
                    e.Get("CallerIDName") ?? "", e.Get("ConnectedLineNum") ?? "", e.Get("ConnectedLineName") ?? "", now));
                break;
            case "QueueCallerLeave":
                q.Entries.RemoveAll(x => x.Uniqueid == e.Get("Uniqueid"));
                break;
            case "QueueCallerAbandon":
                q.Abandoned++;
                break;
            case "AgentConnect":
                if (int.TryParse(e.Get("HoldTime"), out var hold)) q.HoldTime = Average(q.HoldTime, hold, q.Completed);
                break;
            case "AgentComplete":
                if (int.TryParse(e.Get("TalkTime"), out var talk)) q.TalkTime = Average(q.TalkTime, talk, q.Completed);
                q.Completed++;
                if (q.Member(e.Get("MemberName")) is { } done)
                {
                    done.CallsTaken++;
                    done.LastCall = now.ToUnixTimeSeconds();
                }
                break;
            case "QueueMemberStatus":
                if (q.Member(e.Get("MemberName")) is { } m)
                {
                    if (e.Get("Status") is { } status) m.Status = status;
                    if (e.Get("InCall") is { } inCall) m.InCall = inCall;
                    e.Set("CallsTaken", m.CallsTaken.ToString());
                    e.Set("LastCall", m.LastCall.ToString());
                    e.Set("LoginTime", m.LoginTime.ToString());
                }
                break;
        }
    }

    internal void Reset(long loginTime)
    {
        foreach (var q in _queues.Values) q.Reset(loginTime);
    }

    private static int Average(int current, int sample, int count) =>
        count == 0 ? sample : (int)Math.Round((current * (double)count + sample) / (count + 1));
}

public sealed class QueueState(QueueDefinition definition, long loginTime)
{
    public QueueDefinition Definition { get; } = definition;
    public List<QueueEntry> Entries { get; } = [];
    public List<QueueMemberState> Members { get; } =
        definition.Members.Select(m => new QueueMemberState(m, loginTime)).ToList();
    public int Completed { get; internal set; }
    public int Abandoned { get; internal set; }
    public int HoldTime { get; internal set; }
    public int TalkTime { get; internal set; }

    public QueueMemberState? Member(string? name) => Members.FirstOrDefault(m => m.Definition.Name == name);

    internal void Reset(long login)
    {
        Entries.Clear();
        Members.Clear();
        Members.AddRange(Definition.Members.Select(m => new QueueMemberState(m, login)));
        Completed = Abandoned = HoldTime = TalkTime = 0;
    }
}

public sealed class QueueMemberState(QueueMemberDefinition definition, long loginTime)
{
    public QueueMemberDefinition Definition { get; } = definition;
    public long LoginTime { get; } = loginTime;
    public int CallsTaken { get; internal set; }
    public long LastCall { get; internal set; }
    /// <summary>Device state as QueueMemberStatus reports it (1 = not in use, 2 = in use, 6 = ringing, ...).</summary>
    public string Status { get; internal set; } = "1";
    public string InCall { get; internal set; } = "0";
}

public sealed record QueueEntry(string Channel, string Uniqueid, string CallerIdNum, string CallerIdName,
    string ConnectedLineNum, string ConnectedLineName, DateTimeOffset JoinedAt);
