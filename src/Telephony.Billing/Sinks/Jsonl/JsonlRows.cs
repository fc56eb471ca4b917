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
    public static List<int> Write(ProjectionBatch batch, ArrayBufferWriter<byte> buffer)
    {
        var ends = new List<int>(batch.RowCount);
        using var writer = new Utf8JsonWriter(buffer, WriterOptions);
        foreach (var row in batch.Cdr) Line(writer, buffer, ends, "cdr", BillingSchema.Cdr, row);
        foreach (var row in batch.Cel) Line(writer, buffer, ends, "cel", BillingSchema.Cel, row);
        foreach (var row in batch.Calls) Line(writer, buffer, ends, "call", BillingSchema.Call, row);
        foreach (var row in batch.Segments) Line(writer, buffer, ends, "call_segment", BillingSchema.Segment, row);
        return ends;
    }

    private static void Line<TRow>(Utf8JsonWriter writer, ArrayBufferWriter<byte> buffer, List<int> ends, string type,
        TableDefinition<TRow> table, TRow row)
    {
        writer.WriteStartObject();
        writer.WriteString("type"u8, type);
        var values = table.Values(row);
        for (var i = 0; i < table.Columns.Count; i++)
        {
            writer.WritePropertyName(table.Columns[i].Name);
            Value(writer, values[i]);
        }
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
            case bool b: writer.WriteBooleanValue(b); break;
            case DateTime t: writer.WriteStringValue(Time(t)); break;
            default: writer.WriteStringValue(Convert.ToString(value, CultureInfo.InvariantCulture)); break;
        }
    }

    private static string Time(DateTime t) => t.Kind == DateTimeKind.Utc
        ? t.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture)
        : t.ToString(t.Ticks % TimeSpan.TicksPerSecond == 0 ? "yyyy-MM-dd HH:mm:ss" : "yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture);
}
