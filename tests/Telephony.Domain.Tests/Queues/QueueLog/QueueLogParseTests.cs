using CsCheck;
using Telephony.Domain.Queues.QueueLog;
using Telephony.Domain.Validation;

namespace Telephony.Domain.Tests.Queues.QueueLog;

public sealed class QueueLogParseTests
{
    [Theory]
    [InlineData("1795386640|NONE|NONE|NONE|QUEUESTART", ValidationErrorCode.MissingField, "data1")]
    [InlineData("1795386640|NONE|NONE", ValidationErrorCode.MissingField, "agent")]
    [InlineData("", ValidationErrorCode.MissingField, "callid")]
    [InlineData("1795386640|NONE|NONE|NONE||", ValidationErrorCode.MissingField, "event")]
    [InlineData("|NONE|NONE|NONE|QUEUESTART|", ValidationErrorCode.UnparsableTime, "time")]
    [InlineData("-5|NONE|NONE|NONE|QUEUESTART|", ValidationErrorCode.UnparsableTime, "time")]
    [InlineData("01795386640|NONE|NONE|NONE|QUEUESTART|", ValidationErrorCode.UnparsableTime, "time")]
    [InlineData("2026-11-23 10:00:00|NONE|NONE|NONE|QUEUESTART|", ValidationErrorCode.UnparsableTime, "time")]
    [InlineData("999999999999|NONE|NONE|NONE|QUEUESTART|", ValidationErrorCode.UnparsableTime, "time")]
    [InlineData("1795386640|NONE|NONE|NONE|QUEUESTART|\r", ValidationErrorCode.WrongEventKind, "line")]
    [InlineData("1795386640|NONE|NONE|NONE|QUEUESTART|\n1795386650|NONE|NONE|NONE|QUEUESTART|", ValidationErrorCode.WrongEventKind, "line")]
    public void Refuses_what_is_not_one_queue_log_line(string line, ValidationErrorCode code, string field)
    {
        var result = QueueLogEntry.Parse(line);
        Assert.False(result.IsValid);
        Assert.Equal((code, field), (result.Error.Code, result.Error.Field));
        Assert.False(QueueLogEntry.TryParse(line, out _));
    }

    [Fact]
    public void Keeps_every_data_field_of_an_event_it_does_not_know()
    {
        Assert.True(QueueLogEntry.TryParse("1795386640|123.4|sales|Bob|MYEVENT|a||c", out var entry));
        Assert.Equal(["a", "", "c"], entry.Data);
    }

    /// <summary>Safe field text: anything but a pipe or a line break (those are what the constructor refuses).</summary>
    private static readonly Gen<string> Field = Gen.String[Gen.Char.Where(c => c is not ('|' or '\r' or '\n')), 0, 12];

    private static readonly Gen<QueueLogEntry> Entry =
        Gen.Select(Gen.Long[0, 4_102_444_800], Field, Field, Field, Field.Where(e => e.Length > 0), Field.Array[0, 6],
            (t, callId, queue, agent, @event, data) =>
                new QueueLogEntry(DateTimeOffset.FromUnixTimeSeconds(t), callId, queue, agent, @event, data));

    [Fact]
    public void Any_entry_formats_to_a_line_that_parses_back_equal() =>
        Entry.Sample(e => Assert.Equal(e, QueueLogEntry.Parse(e.Format()).GetValueOrThrow()), print: e => e.Format());

    [Fact]
    public void Any_accepted_line_formats_back_identical() =>
        Gen.String[Gen.Char["0123456789|ABNOE\r\n"], 0, 30].Sample(line =>
        {
            if (QueueLogEntry.TryParse(line, out var entry)) Assert.Equal(line, entry.Format());
        });

    [Fact]
    public void Sub_second_times_are_dropped_so_an_entry_equals_its_line()
    {
        var entry = QueueLogEntry.QueueStart(DateTimeOffset.FromUnixTimeMilliseconds(1_795_386_640_999));
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1795386640), entry.Time);
        Assert.Equal("1795386640|NONE|NONE|NONE|QUEUESTART|", entry.Format());
    }

    [Fact]
    public void An_entry_without_data_writes_the_pipe_Asterisk_always_writes()
    {
        var entry = new QueueLogEntry(DateTimeOffset.FromUnixTimeSeconds(5), "NONE", "NONE", "NONE", "QUEUESTART", []);
        Assert.Equal("5|NONE|NONE|NONE|QUEUESTART|", entry.Format());
        Assert.Equal(entry, QueueLogEntry.Parse(entry.Format()).GetValueOrThrow());
    }
}
