using System.Globalization;
using System.Text.RegularExpressions;

namespace Telephony.Cli;

/// <summary>
/// The times an operator types for <c>--not-before</c>, <c>--expires-at</c> and <c>--expires-in</c>: an ISO-8601 time
/// (with its offset, or in this machine's local time without one), or a delay from now such as <c>90s</c>, <c>5m</c>,
/// <c>1h30m</c>, <c>2d</c>.
/// </summary>
public static partial class ActionTimes
{
    [GeneratedRegex(@"^(?:(\d+)(ms|s|m|h|d))+$")]
    private static partial Regex DelayPattern();

    public static DateTimeOffset Parse(string option, string text, DateTimeOffset now)
    {
        if (TryDelay(text, out var delay)) return now + delay;
        // An ISO date first (2025-06-01...): not "6/1", which reads differently in each culture.
        if (Regex.IsMatch(text, @"^\d{4}-\d{2}-\d{2}") &&
            DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeLocal, out var t))
            return t;
        throw new UsageException($"{option} needs a time (2025-06-01T09:00:00Z) or a delay (30s, 5m, 1h), not '{text}'");
    }

    public static TimeSpan Delay(string option, string text) =>
        TryDelay(text, out var delay) ? delay : throw new UsageException($"{option} needs a delay (30s, 5m, 1h30m, 2d), not '{text}'");

    private static bool TryDelay(string text, out TimeSpan delay)
    {
        delay = TimeSpan.Zero;
        var match = DelayPattern().Match(text.Trim());
        if (!match.Success) return false;
        for (var i = 0; i < match.Groups[1].Captures.Count; i++)
        {
            if (!long.TryParse(match.Groups[1].Captures[i].Value, CultureInfo.InvariantCulture, out var n) || n > 100_000_000) return false;
            delay += match.Groups[2].Captures[i].Value switch
            {
                "ms" => TimeSpan.FromMilliseconds(n),
                "s" => TimeSpan.FromSeconds(n),
                "m" => TimeSpan.FromMinutes(n),
                "h" => TimeSpan.FromHours(n),
                _ => TimeSpan.FromDays(n),
            };
        }
        return true;
    }
}
