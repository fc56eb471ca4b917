using System.Text.Json.Nodes;

namespace Telephony.Cli;

/// <summary>
/// The agent palette's command lines as requests: <c>agent list [--queue Q]</c>, <c>agent show &lt;id&gt;</c>, and
/// <c>agent login|logout|pause|unpause &lt;id&gt; [--reason R]</c> as a POST whose body carries the reason, if any. What a
/// reason may contain is the endpoint's to say, with the field named.
/// </summary>
public static class AgentCommands
{
    public static PbmRequest Resolve(PbmArguments a)
    {
        var w = a.Words;
        switch (w.Count > 1 ? w[1] : null)
        {
            case "list":
                Palette.Expect(a, 0, 0, "", "--queue");
                return Palette.Get(a.Options.TryGetValue("--queue", out var queue) ? $"agents?queue={Palette.Escape(queue)}" : "agents",
                    AgentText.List);
            case "show":
                Palette.Expect(a, 1, 1, "<id>");
                return Palette.Get($"agents/{Palette.Escape(w[2])}", AgentText.Show);
            case "login" or "logout" or "pause" or "unpause":
                Palette.Expect(a, 1, 1, "<id>", "--reason");
                var body = a.Options.TryGetValue("--reason", out var reason) ? new JsonObject { ["reason"] = reason }.ToJsonString() : null;
                return new PbmRequest(HttpMethod.Post, $"agents/{Palette.Escape(w[2])}/{w[1]}", AgentText.Changed, body);
            default:
                throw new UsageException($"unknown command '{string.Join(' ', w.Take(2))}' (agent list|show|login|logout|pause|unpause)");
        }
    }
}
