namespace Telephony.Cli;

/// <summary>The queue palette's command lines as requests: <c>queue list</c> and <c>queue show &lt;name&gt;</c>.</summary>
public static class QueueCommands
{
    public static PbmRequest Resolve(PbmArguments a)
    {
        var w = a.Words;
        switch (w.Count > 1 ? w[1] : null)
        {
            case "list":
                Palette.Expect(a, 0);
                return Palette.Get("queues", QueueText.List);
            case "show":
                Palette.Expect(a, 1, 1, "<name>");
                return Palette.Get($"queues/{Palette.Escape(w[2])}", QueueText.Show);
            default:
                throw new UsageException($"unknown command '{string.Join(' ', w.Take(2))}' (queue list|show)");
        }
    }
}
