namespace Telephony.Simulator.Queue;

/// <summary>
/// The extension a Redirect names in the connect context: <c>&lt;node&gt;-&lt;agent&gt;</c>, where node is the
/// node's name (<c>asterisk-2-1001</c>), its index (<c>2-1001</c>) or its letter (<c>a</c> = node 1, <c>b</c> = node 2,
/// ... as the captures' <c>a-1004</c> and <c>b-1001</c>).
/// </summary>
public readonly record struct AgentRoute(int Node, string Agent)
{
    public static AgentRoute? Parse(string exten, IReadOnlyList<string> nodeNames)
    {
        var dash = exten.LastIndexOf('-');
        if (dash <= 0 || dash == exten.Length - 1) return null;
        var node = exten[..dash];
        var agent = exten[(dash + 1)..];
        for (var i = 0; i < nodeNames.Count; i++)
            if (nodeNames[i].Equals(node, StringComparison.OrdinalIgnoreCase)) return new AgentRoute(i + 1, agent);
        if (int.TryParse(node, out var index) && index >= 1 && index <= nodeNames.Count) return new AgentRoute(index, agent);
        if (node.Length == 1 && char.ToLowerInvariant(node[0]) is var c and >= 'a' and <= 'z' && c - 'a' < nodeNames.Count)
            return new AgentRoute(c - 'a' + 1, agent);
        return null;
    }

    /// <summary>The captures' form of the route to this agent: the node's letter (nodes 1-26), else its index.</summary>
    public string Extension => Node <= 26 ? $"{(char)('a' + Node - 1)}-{Agent}" : $"{Node}-{Agent}";
}
