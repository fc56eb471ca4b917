namespace Telephony.Domain.Queues.QueueLog;

/// <summary>
/// The two ways a value meets the queue_log's one-line, pipe-separated shape.
/// </summary>
/// <remarks>
/// Caller ID numbers and names, URLs and pause reasons can be chosen by whoever places or handles a call: a caller
/// name of <c>x|COMPLETEAGENT|...</c> or one with a line break would forge fields or whole lines for every reader of
/// the log (wallboards, QueueMetrics-style tools). There is no escape syntax any queue_log reader understands, so the
/// factories <see cref="Clean"/> such text the way Asterisk cleans the caller name it logs (log-caller-id-name:
/// <c>|</c> becomes <c>_</c>) and also replace control characters, which Asterisk does not. Identifiers (queue,
/// member and event names, uniqueids) come from configuration or Asterisk, so a pipe there is a bug and is refused
/// loudly by <see cref="Require"/> rather than quietly rewritten.
/// </remarks>
public static class QueueLogText
{
    /// <summary>The value fit for one field: <c>|</c> → <c>_</c>, control characters (line breaks, NUL...) → space,
    /// null → empty.</summary>
    public static string Clean(string? value)
    {
        if (string.IsNullOrEmpty(value)) return "";
        if (!NeedsCleaning(value)) return value;
        return string.Create(value.Length, value, static (span, text) =>
        {
            for (var i = 0; i < text.Length; i++)
                span[i] = text[i] == '|' ? '_' : char.IsControl(text[i]) ? ' ' : text[i];
        });
    }

    /// <summary>The value unchanged, or an <see cref="ArgumentException"/> when it is null or holds a pipe or a line
    /// break (it would change the line's field count or split it).</summary>
    public static string Require(string? value, string field)
    {
        ArgumentNullException.ThrowIfNull(value, field);
        if (value.AsSpan().IndexOfAny('|', '\r', '\n') >= 0)
            throw new ArgumentException($"a queue_log {field} cannot hold '|' or a line break: \"{value}\"", field);
        return value;
    }

    private static bool NeedsCleaning(string value)
    {
        foreach (var ch in value)
            if (ch == '|' || char.IsControl(ch)) return true;
        return false;
    }
}
