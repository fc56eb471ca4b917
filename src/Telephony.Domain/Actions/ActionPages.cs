namespace Telephony.Domain.Actions;

/// <summary>
/// How many of a list of actions go in one answer that crosses the cluster: Akka's remoting drops a message over its
/// frame (128,000 bytes by default) with a warning, and an action's record with its headers and returned lines is
/// 0.5-2 KB of JSON, so <c>pbm actions list --limit 1000</c> asked of a node that runs on another member never came
/// back. An answer holds records of an estimated <see cref="DefaultBudget"/> bytes at most (at least one record); the
/// asker pages on from the last one.
/// </summary>
public static class ActionPages
{
    public const int DefaultBudget = 40_000;

    /// <summary>How many of <paramref name="records"/>, from the first, fit <paramref name="budget"/> (at least one).</summary>
    public static int Fitting(IReadOnlyList<ActionRecord> records, int budget = DefaultBudget)
    {
        var used = 0L;
        for (var i = 0; i < records.Count; i++)
        {
            var size = EstimatedBytes(records[i]);
            if (i > 0 && used + size > budget) return i;
            used += size;
        }
        return records.Count;
    }

    /// <summary>Bytes of the record's JSON, at most: property names and dates are ~700 bytes, the rest its text
    /// (anything but printable ASCII escaped as \uXXXX).</summary>
    public static int EstimatedBytes(ActionRecord a) =>
        700 + Text(a.Id) + Text(a.Node) + Text(a.Action) + Text(a.IdempotencyKey) + Text(a.ChannelId) + Text(a.OtherChannelId) +
        Text(a.Message) + Text(a.Reason) + Text(a.Channel) + Text(a.UniqueId) + Text(a.LinkedId) + Pairs(a.Headers) + Pairs(a.Returned);

    private static int Pairs(IReadOnlyList<KeyValuePair<string, string>>? pairs)
    {
        if (pairs is null) return 0;
        var n = 0;
        foreach (var p in pairs) n += 20 + Text(p.Key) + Text(p.Value);
        return n;
    }

    /// <summary>Bytes of a string in System.Text.Json's output, at most: anything but printable ASCII is escaped
    /// (\uXXXX). Shared with the queue's view parts.</summary>
    public static int Text(string? s)
    {
        if (s is null) return 0;
        var n = 0;
        foreach (var c in s) n += c is >= ' ' and <= '~' ? 1 : 6;
        return n;
    }
}
