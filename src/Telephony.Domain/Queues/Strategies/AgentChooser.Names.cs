namespace Telephony.Domain.Queues.Strategies;

public static partial class AgentChooser
{
    /// <summary>Every accepted spelling, reduced to lower case without separators. app_queue's own names come first:
    /// a queues.conf copied from Asterisk keeps working. <c>rrordered</c> (member-list round robin) and the old
    /// <c>roundrobin</c> alias both map to <see cref="QueueStrategy.RoundRobin"/>, which is member-list ordered.</summary>
    private static readonly Dictionary<string, QueueStrategy> Names = new(StringComparer.Ordinal)
    {
        ["ringall"] = QueueStrategy.RingAll,
        ["leastrecent"] = QueueStrategy.LongestIdle,
        ["longestidle"] = QueueStrategy.LongestIdle,
        ["fewestcalls"] = QueueStrategy.FewestCalls,
        ["rrmemory"] = QueueStrategy.RoundRobin,
        ["rrordered"] = QueueStrategy.RoundRobin,
        ["roundrobin"] = QueueStrategy.RoundRobin,
        ["linear"] = QueueStrategy.Linear,
        ["random"] = QueueStrategy.Random,
        ["wrandom"] = QueueStrategy.WeightedRandom,
        ["weightedrandom"] = QueueStrategy.WeightedRandom,
        ["leasttalktime"] = QueueStrategy.LeastTalkTime,
    };

    /// <summary>
    /// Reads a strategy name: app_queue's (<c>ringall</c>, <c>leastrecent</c>, <c>fewestcalls</c>, <c>rrmemory</c>,
    /// <c>rrordered</c>, <c>linear</c>, <c>random</c>, <c>wrandom</c>) or ours in any of kebab, snake, camel or Pascal
    /// case (<c>longest-idle</c>, <c>round_robin</c>, <c>leastTalkTime</c>, <c>WeightedRandom</c>), ignoring case and
    /// surrounding blanks. Numbers are refused even though <see cref="Enum.TryParse{TEnum}(string, out TEnum)"/>
    /// would take them: a config value of <c>3</c> is a mistake, not a strategy.
    /// </summary>
    public static bool TryParse(string text, out QueueStrategy strategy)
    {
        strategy = default;
        if (string.IsNullOrWhiteSpace(text)) return false;

        Span<char> key = stackalloc char[Math.Min(text.Length, 64)];
        var length = 0;
        foreach (var ch in text.AsSpan().Trim())
        {
            if (ch is '-' or '_') continue;
            if (length == key.Length) return false; // longer than any name
            key[length++] = char.ToLowerInvariant(ch);
        }
        return Names.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(key[..length], out strategy);
    }
}
