using System.Globalization;

namespace Telephony.Simulator.Actions;

/// <summary>The few CLI commands the simulator answers through <c>Action: Command</c>; anything else gets the
/// "No such command" text of Asterisk.</summary>
internal static class CliCommands
{
    public const string AsteriskVersion = "20.20.1";

    private static readonly string[][] Known =
    [
        ["core", "show", "version"],
        ["core", "show", "uptime"],
        ["core", "show", "channels"],
        ["core", "show", "calls"],
    ];

    public static (bool Ok, IReadOnlyList<string> Lines) Run(SimulatedNode node, string command)
    {
        var words = command.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var normalized = string.Join(' ', words).ToLowerInvariant();
        switch (normalized)
        {
            case "core show version":
                return (true, [$"Asterisk {AsteriskVersion} built by root @ vm on a x86_64 running Linux on " +
                               $"{node.StartedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)} UTC"]);
            case "core show uptime":
            case "core show uptime seconds":
                var up = (long)(DateTimeOffset.UtcNow - node.StartedAt).TotalSeconds;
                return (true, [$"System uptime: {up}", $"Last reload: {up}"]);
            case "core show channels":
            case "core show calls":
            {
                var (current, processed) = node.ChannelCounts();
                var calls = node.ActiveCalls;
                var lines = new List<string>();
                if (normalized == "core show channels")
                {
                    lines.Add("Channel              Location             State   Application(Data)             ");
                    foreach (var leg in node.LiveChannels)
                        lines.Add($"{Fit(leg.Channel, 20)} {Fit($"{leg.Exten}@{leg.Context}:{leg.Priority}", 20)} " +
                                  $"{Fit(leg.StateDesc, 7)} {Fit($"{leg.Application}({leg.AppData})", 30)}");
                    lines.Add($"{current} active channel{(current == 1 ? "" : "s")}");
                }
                lines.Add($"{calls} active call{(calls == 1 ? "" : "s")}");
                lines.Add($"{processed} call{(processed == 1 ? "" : "s")} processed");
                return (true, lines);
            }
        }
        return (false, [$"No such command '{command}' (type 'core show help {BestPrefix(words)}' for other possible commands)"]);
    }

    /// <summary>Asterisk suggests the words that still match a command plus the first that does not.</summary>
    private static string BestPrefix(string[] words)
    {
        var n = 0;
        while (n < words.Length && Known.Any(k => k.Length > n && k.Take(n + 1).SequenceEqual(words.Take(n + 1), StringComparer.OrdinalIgnoreCase)))
            n++;
        return string.Join(' ', words.Take(Math.Min(words.Length, Math.Max(n + 1, 2))));
    }

    private static string Fit(string s, int width) => s.Length > width ? s[..width] : s.PadRight(width);
}
