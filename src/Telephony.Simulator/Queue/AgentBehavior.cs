namespace Telephony.Simulator.Queue;

/// <summary>
/// One simulated agent phone (<c>Local/&lt;Id&gt;@agents</c> on node <see cref="Node"/>): rings
/// <see cref="RingSeconds"/> then answers and talks <see cref="TalkSeconds"/>, or never answers
/// (<see cref="RingSeconds"/> null), or is busy. Times are simulated seconds (scaled by the time scale).
/// </summary>
/// <param name="Node">The node's index, 1-based (1 = the node playing pbx-a, 2 = pbx-b).</param>
public sealed record AgentBehavior(string Id, int Node, double? RingSeconds, double TalkSeconds, bool Busy = false)
{
    public static AgentBehavior Answers(string id, int node, double ringSeconds, double talkSeconds) =>
        new(id, node, ringSeconds, talkSeconds);

    public static AgentBehavior NeverAnswers(string id, int node) => new(id, node, null, 0);

    public static AgentBehavior IsBusy(string id, int node) => new(id, node, null, 0, Busy: true);

    /// <summary>The agents of the two-node captures' extensions.conf: 1004 on pbx-a (node 1), 1001-1004, 2001 and
    /// 2002 on pbx-b (node 2). 1001 exists on both servers; the route names the node.</summary>
    public static IReadOnlyList<AgentBehavior> CaptureDefaults { get; } =
    [
        Answers("1001", 1, 2, 5), Answers("1004", 1, 1, 8),
        Answers("1001", 2, 2, 5), NeverAnswers("1002", 2), IsBusy("1003", 2), Answers("1004", 2, 1, 8),
        Answers("2001", 2, 1, 6), Answers("2002", 2, 3, 4),
    ];

    /// <summary>Parses <c>ID@NODE:RING/TALK</c>, <c>ID@NODE:never</c> or <c>ID@NODE:busy</c> (the command line's
    /// <c>--agent</c>).</summary>
    public static AgentBehavior Parse(string text)
    {
        var at = text.IndexOf('@');
        var colon = text.IndexOf(':');
        if (at <= 0 || colon < at) throw new FormatException($"agent '{text}': expected ID@NODE:RING/TALK, ID@NODE:never or ID@NODE:busy");
        var id = text[..at];
        if (!int.TryParse(text[(at + 1)..colon], out var node) || node < 1) throw new FormatException($"agent '{text}': bad node");
        var behaviour = text[(colon + 1)..];
        if (behaviour.Equals("never", StringComparison.OrdinalIgnoreCase)) return NeverAnswers(id, node);
        if (behaviour.Equals("busy", StringComparison.OrdinalIgnoreCase)) return IsBusy(id, node);
        var parts = behaviour.Split('/');
        if (parts.Length == 2 && double.TryParse(parts[0], System.Globalization.CultureInfo.InvariantCulture, out var ring) &&
            double.TryParse(parts[1], System.Globalization.CultureInfo.InvariantCulture, out var talk) && ring >= 0 && talk >= 0)
            return Answers(id, node, ring, talk);
        throw new FormatException($"agent '{text}': expected RING/TALK seconds, never or busy");
    }
}
