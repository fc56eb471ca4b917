using System.Globalization;
using Telephony.Simulator.Calls;

namespace Telephony.Simulator.Queue;

/// <summary>
/// What the placeholders of a queue segment stand for in one call: the named values (queue, prio, agent, route,
/// peer, callno, dialstatus, ...), the ids of the current Dial attempt (<c>uid:n</c> from
/// <see cref="FirstAttemptUid"/> on, <c>bridge:n</c>: fresh per attempt), the Cdr forks and, with
/// <c>peer.</c>, the other call of a Bridge.
/// </summary>
internal sealed class ConversationScope(SimulatedNode node, int firstAttemptUid)
{
    private readonly Dictionary<int, string> _attemptUids = [];
    private readonly Dictionary<int, string> _bridges = [];

    public Dictionary<string, string> Values { get; } = new(StringComparer.Ordinal);

    /// <summary>uid:n with n at least this belong to the current attempt (int.MaxValue = none do).</summary>
    public int FirstAttemptUid { get; } = firstAttemptUid;

    public List<DialFork> Forks { get; } = [];
    public DialFork? CurrentFork { get; set; }

    /// <summary>Where the channel's last Cdr starts: the end of the last fork, else the channel's start.</summary>
    public long TailStart { get; set; }

    public CallRun? Peer { get; set; }
    public ConversationScope? PeerScope { get; set; }

    /// <summary>A new Dial attempt: new trunk leg and bridge ids.</summary>
    public void NewAttempt()
    {
        _attemptUids.Clear();
        _bridges.Clear();
    }

    /// <summary>The attempt's uid n, if already allocated.</summary>
    public string? AttemptUid(int n) => _attemptUids.GetValueOrDefault(n);

    /// <summary>Under the node's emission lock (it allocates ids).</summary>
    public string? Resolve(Placeholder p, CallRun self)
    {
        var name = p.Name;
        if (name.StartsWith("peer.", StringComparison.Ordinal))
        {
            var inner = p with { Name = name[5..] };
            if (Peer is null) return p.Default ?? "";
            return PeerScope?.Resolve(inner, Peer) ?? Peer.ResolvePlain(inner);
        }
        switch (name)
        {
            case "uid" when p.IntArgument >= FirstAttemptUid:
                return _attemptUids.TryGetValue(p.IntArgument, out var u) ? u : _attemptUids[p.IntArgument] = node.Ids.Next(self.Now);
            case "bridge":
                return _bridges.TryGetValue(p.IntArgument, out var b) ? b : _bridges[p.IntArgument] = Guid.NewGuid().ToString();
            case "tail.start" or "tail.answer": return Time(TailStart);
            case "tail.end": return Time(self.ClockMicros);
            case "tail.duration" or "tail.billsec": return Seconds(self.ClockMicros, TailStart);
        }
        if (name.StartsWith("fork.", StringComparison.Ordinal) && CurrentFork is { } f)
            return name switch
            {
                "fork.route" => f.Route,
                "fork.dst" => f.DestinationChannel,
                "fork.lastdata" => f.LastData,
                "fork.disposition" => f.Disposition,
                "fork.start" or "fork.answer" => Time(f.Start),
                "fork.end" => Time(f.End),
                _ => Seconds(f.End, f.Start),
            };
        return Values.GetValueOrDefault(name);
    }

    private string Time(long micros) => node.FormatTime(AsteriskTime.FromMicros(micros));

    private static string Seconds(long end, long start) =>
        AsteriskTime.CdrSeconds(end, start).ToString(CultureInfo.InvariantCulture);
}
