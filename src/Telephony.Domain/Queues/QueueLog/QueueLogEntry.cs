using System.Globalization;

namespace Telephony.Domain.Queues.QueueLog;

/// <summary>
/// One line of Asterisk's queue_log file: <c>time|callid|queue|agent|event|data1|data2|...</c>, as app_queue writes it
/// through <c>ast_queue_log</c> (main/logger.c): epoch seconds, then four fields, then the event's data. Asterisk always
/// writes the pipe after the event, so a line has at least one data field, possibly empty (<c>...|QUEUESTART|</c>).
/// </summary>
/// <remarks>
/// Values are kept exactly as written, <c>NONE</c> included (see <see cref="None"/>): callid also takes
/// <c>MANAGER</c>, <c>CLI</c> or <c>REALTIME</c> for member changes, and a reader that mapped them to null would not
/// write the same line back. The constructor refuses a value that would change the line's shape (a pipe, a line
/// break): an entry always formats to exactly one line with the fields it says it has. Free text that may come from a
/// caller is cleaned by the factories instead (see <see cref="QueueLogText"/>).
/// </remarks>
public sealed partial record QueueLogEntry
{
    /// <summary>What Asterisk writes where there is no call, queue or agent.</summary>
    public const string None = "NONE";

    public QueueLogEntry(DateTimeOffset time, string callId, string queue, string agent, string @event,
        IReadOnlyList<string> data)
    {
        Time = time;
        CallId = callId;
        Queue = queue;
        Agent = agent;
        Event = @event;
        Data = data;
    }

    /// <summary>When Asterisk wrote the line, to the second (the file holds epoch seconds; finer parts are dropped so
    /// an entry equals what its line reads back as). Never before 1970: Asterisk writes an unsigned-looking number.</summary>
    public DateTimeOffset Time
    {
        get;
        init
        {
            if (value < DateTimeOffset.UnixEpoch)
                throw new ArgumentOutOfRangeException(nameof(Time), value, "queue_log times are epoch seconds");
            field = value.AddTicks(-(value.UtcTicks % TimeSpan.TicksPerSecond));
        }
    }

    /// <summary>The caller channel's uniqueid, or <c>NONE</c>, <c>MANAGER</c>, <c>CLI</c>, <c>REALTIME</c>.</summary>
    public string CallId { get; init => field = QueueLogText.Require(value, nameof(CallId)); }

    /// <summary>The queue name, or <c>NONE</c> (QUEUESTART, PAUSEALL...).</summary>
    public string Queue { get; init => field = QueueLogText.Require(value, nameof(Queue)); }

    /// <summary>The member name (or interface, see the member factories), or <c>NONE</c>.</summary>
    public string Agent { get; init => field = QueueLogText.Require(value, nameof(Agent)); }

    /// <summary>The event name (<see cref="QueueLogEvents"/>); never empty.</summary>
    public string Event
    {
        get;
        init => field = QueueLogText.Require(value, nameof(Event)) is { Length: > 0 } e
            ? e
            : throw new ArgumentException("the event name is empty", nameof(Event));
    }

    /// <summary>The data fields after the event, at least one (an empty list is stored as one empty field, which is
    /// how Asterisk writes an event without data).</summary>
    public IReadOnlyList<string> Data
    {
        get;
        init
        {
            ArgumentNullException.ThrowIfNull(value);
            var copy = value.Count == 0 ? [""] : value.ToArray();
            foreach (var item in copy) QueueLogText.Require(item, nameof(Data));
            field = copy;
        }
    }

    /// <summary>The line exactly as Asterisk writes it, without the line break.</summary>
    public string Format() =>
        string.Join('|', Time.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), CallId, Queue, Agent, Event,
            string.Join('|', Data));

    public override string ToString() => Format();

    // Records compare lists by reference; two entries are equal when they write the same line.
    public bool Equals(QueueLogEntry? other) =>
        other is not null && Time == other.Time && CallId == other.CallId && Queue == other.Queue &&
        Agent == other.Agent && Event == other.Event && Data.SequenceEqual(other.Data);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Time);
        hash.Add(CallId);
        hash.Add(Queue);
        hash.Add(Agent);
        hash.Add(Event);
        foreach (var item in Data) hash.Add(item);
        return hash.ToHashCode();
    }
}
