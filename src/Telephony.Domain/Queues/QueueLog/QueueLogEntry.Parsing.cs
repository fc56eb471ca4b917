using System.Diagnostics.CodeAnalysis;
using Telephony.Domain.Validation;

namespace Telephony.Domain.Queues.QueueLog;

public sealed partial record QueueLogEntry
{
    private static readonly string[] HeadFields = ["time", "callid", "queuename", "agent", "event", "data1"];

    /// <summary>
    /// Reads one queue_log line (without its line break). Strict enough that every accepted line formats back
    /// byte-identical: the time must be canonical epoch seconds (digits, no sign, no leading zero), the event must
    /// not be empty, and a line must have the five pipes Asterisk always writes.
    /// </summary>
    public static ParseResult<QueueLogEntry> Parse(string? line)
    {
        if (line is null) return new ValidationError(ValidationErrorCode.MissingField, "line", "no line");
        if (line.AsSpan().IndexOfAny('\r', '\n') >= 0)
            return new ValidationError(ValidationErrorCode.WrongEventKind, "line",
                "more than one queue_log line (split on line breaks first)");

        var fields = line.Split('|');
        if (fields.Length < HeadFields.Length)
            return new ValidationError(ValidationErrorCode.MissingField, HeadFields[fields.Length],
                $"a queue_log line has at least {HeadFields.Length} fields, this one {fields.Length}");
        if (!TryReadTime(fields[0], out var time))
            return new ValidationError(ValidationErrorCode.UnparsableTime, "time",
                $"\"{fields[0]}\" is not epoch seconds as Asterisk writes them");
        if (fields[4].Length == 0)
            return new ValidationError(ValidationErrorCode.MissingField, "event", "the event name is empty");

        return ParseResult<QueueLogEntry>.Ok(new QueueLogEntry(time, fields[1], fields[2], fields[3], fields[4], fields[5..]));
    }

    /// <summary><see cref="Parse"/> for callers that only need to know whether the line is one.</summary>
    public static bool TryParse(string? line, [NotNullWhen(true)] out QueueLogEntry? entry)
    {
        entry = Parse(line).Value;
        return entry is not null;
    }

    private static bool TryReadTime(string text, out DateTimeOffset time)
    {
        time = default;
        // Canonical only: "0123" or "+5" would read but not write back the same.
        if (text.Length is 0 or > 12 || (text.Length > 1 && text[0] == '0')) return false;
        foreach (var ch in text)
            if (!char.IsAsciiDigit(ch)) return false;
        var seconds = long.Parse(text, System.Globalization.CultureInfo.InvariantCulture);
        if (seconds > DateTimeOffset.MaxValue.ToUnixTimeSeconds()) return false;
        time = DateTimeOffset.FromUnixTimeSeconds(seconds);
        return true;
    }
}
