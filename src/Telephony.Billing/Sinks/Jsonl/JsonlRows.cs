using System.Buffers;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Telephony.Billing.Rows;

namespace Telephony.Billing.Sinks.Jsonl;

/// <summary>
/// The rows of a batch as JSON lines: one object per row, <c>"type"</c> (<c>cdr</c>, <c>cel</c>, <c>call</c> or <c>call_segment</c>) first,
/// then the columns of the matching SQL table with the same names (<see cref="BillingSchema"/>), so a file and a table
/// read alike. Local times (calldate, eventtime) are written as Asterisk writes them (<c>yyyy-MM-dd HH:mm:ss</c>, plus
/// microseconds for eventtime); instants (<c>*_utc</c>, completed_at) as ISO 8601 UTC. Text is never cut (no column width).
/// Action queue events are lines of type <c>ami_action</c> with an <c>event</c>: <c>queued</c> carries every column of
/// the <c>ami_action</c> table; <c>moved</c> carries the step (id, node, status, at, journal_offset, and what the step
/// learned: message, reason, channel, uniqueid, linkedid, hangup_cause). A file has no row to update: a reader gets an
/// action's state by applying its <c>moved</c> lines in order to its <c>queued</c> line, as ActionRecord.Apply does.
/// Queue report rows (tag <c>queues</c>) are lines of type <c>queue_call</c> and <c>agent_session</c> each time a batch
/// changed the row (a reader keeps the highest <c>journal_offset</c> per key, as the SQL upsert does) and
/// <c>queue_log</c> (one per line: its parts and the exact <c>line</c>).
/// </summary>
internal static class JsonlRows
{
    private static readonly JsonWriterOptions WriterOptions = new()
    {
        // Asterisk's caller ids ("Alice" <100>) stay readable: these files are not HTML.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = true,
    };

    /// <summary>Every row of <paramref name="batch"/> as UTF-8 lines into <paramref name="buffer"/>; returns where each
    /// line ends (exclusive), so a writer can rotate files on line boundaries.</summary>
    public static List<int> Write(ProjectionBatch batch, ArrayBufferWriter<byte> buffer, QueueReportChanges? queues = null)
    {
        var ends = new List<int>(batch.RowCount);
        using var writer = new Utf8JsonWriter(buffer, WriterOptions);
        foreach (var row in batch.Cdr) Line(writer, buffer, ends, "cdr", BillingSchema.Cdr, row);
        foreach (var row in batch.Cel) Line(writer, buffer, ends, "cel", BillingSchema.Cel, row);
        foreach (var row in batch.Calls) Line(writer, buffer, ends, "call", BillingSchema.Call, row);
        foreach (var row in batch.Segments) Line(writer, buffer, ends, "call_segment", BillingSchema.Segment, row);
        foreach (var entry in batch.Actions) ActionLine(writer, buffer, ends, entry);
        if (queues is not null)
        {
            foreach (var row in queues.Calls) Line(writer, buffer, ends, "queue_call", QueueReportSchema.QueueCall, row);
            foreach (var row in queues.Sessions) Line(writer, buffer, ends, "agent_session", QueueReportSchema.AgentSession, row);
            foreach (var row in queues.Log) Line(writer, buffer, ends, "queue_log", QueueReportSchema.QueueLog, row);
        }
        return ends;
    }

    private static void ActionLine(Utf8JsonWriter writer, ArrayBufferWriter<byte> buffer, List<int> ends, ActionJournalEntry entry)
    {
        if (entry.Queued is { } queued)
        {
            Line(writer, buffer, ends, "ami_action", BillingSchema.AmiAction, AmiActionRow.From(queued, entry.Offset), "queued");
            return;
        }
        var t = entry.Moved!;
        writer.WriteStartObject();
        writer.WriteString("type"u8, "ami_action");
        writer.WriteString("event"u8, "moved");
        writer.WriteString("id"u8, t.Id);
        writer.WriteString("node"u8, entry.Node);
        writer.WriteString("status"u8, AmiActionRow.StatusText(t.To));
        writer.WriteString("at"u8, Time(t.At.UtcDateTime));
        writer.WriteNumber("journal_offset"u8, entry.Offset);
        if (t.Message is not null) writer.WriteString("message"u8, t.Message);
        if (t.Reason is not null) writer.WriteString("reason"u8, t.Reason);
        if (t.Channel is not null) writer.WriteString("channel"u8, t.Channel);
        if (t.UniqueId is not null) writer.WriteString("uniqueid"u8, t.UniqueId);
        if (t.LinkedId is not null) writer.WriteString("linkedid"u8, t.LinkedId);
        if (t.HangupCause is { } cause) writer.WriteNumber("hangup_cause"u8, cause);
        End(writer, buffer, ends);
    }

    private static void Line<TRow>(Utf8JsonWriter writer, ArrayBufferWriter<byte> buffer, List<int> ends, string type,
        TableDefinition<TRow> table, TRow row, string? @event = null)
    {
        writer.WriteStartObject();
        writer.WriteString("type"u8, type);
        if (@event is not null) writer.WriteString("event"u8, @event);
        var values = table.Values(row);
        for (var i = 0; i < table.Columns.Count; i++)
        {
            writer.WritePropertyName(table.Columns[i].Name);
            Value(writer, values[i]);
        }
        End(writer, buffer, ends);
    }

    private static void End(Utf8JsonWriter writer, ArrayBufferWriter<byte> buffer, List<int> ends)
    {
        writer.WriteEndObject();
        writer.Flush();
        writer.Reset();
        buffer.Write("\n"u8);
        ends.Add(buffer.WrittenCount);
    }

    private static void Value(Utf8JsonWriter writer, object? value)
    {
        switch (value)
        {
            case null: writer.WriteNullValue(); break;
            case string s: writer.WriteStringValue(s); break;
            case int n: writer.WriteNumberValue(n); break;
            case long n: writer.WriteNumberValue(n); break;
            case decimal n: writer.WriteNumberValue(n); break;
            case bool b: writer.WriteBooleanValue(b); break;
            case DateTime t: writer.WriteStringValue(Time(t)); break;
            default: writer.WriteStringValue(Convert.ToString(value, CultureInfo.InvariantCulture)); break;
        }
    }

    private static string Time(DateTime t) => t.Kind == DateTimeKind.Utc
        ? t.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture)
        : t.ToString(t.Ticks % TimeSpan.TicksPerSecond == 0 ? "yyyy-MM-dd HH:mm:ss" : "yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture);
}
