using Telephony.Domain.Queues.QueueLog;

namespace Telephony.Domain.Tests.Queues.QueueLog;

/// <summary>The real queue_log Asterisk 20.20.1 wrote during the capture runs (one answered call, two abandoned).</summary>
public sealed class QueueLogRealFileTests
{
    public static TheoryData<string> Lines() => [.. QueueLogFixtures.RealLines()];

    [Theory]
    [MemberData(nameof(Lines))]
    public void Every_line_parses_and_formats_back_byte_identical(string line)
    {
        var entry = QueueLogEntry.Parse(line).GetValueOrThrow();
        Assert.Equal(line, entry.Format());
    }

    [Fact]
    public void The_whole_file_formats_back_byte_identical()
    {
        var text = QueueLogFixtures.RealFileText();
        var rewritten = string.Concat(QueueLogFixtures.RealLines()
            .Select(l => QueueLogEntry.Parse(l).GetValueOrThrow().Format() + "\n"));
        Assert.Equal(text, rewritten);
    }

    [Fact]
    public void The_answered_call_reads_as_Asterisk_meant_it()
    {
        var connect = QueueLogEntry.Parse("1795386695|1795386693.7|support|Agent One|CONNECT|1|1795386694.10|1").GetValueOrThrow();

        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1795386695), connect.Time);
        Assert.Equal(("1795386693.7", "support", "Agent One", "CONNECT"), (connect.CallId, connect.Queue, connect.Agent, connect.Event));
        Assert.Equal(["1", "1795386694.10", "1"], connect.Data);
    }

    [Fact]
    public void Queue_start_has_one_empty_data_field()
    {
        var start = QueueLogEntry.Parse("1795386640|NONE|NONE|NONE|QUEUESTART|").GetValueOrThrow();
        Assert.Equal([""], start.Data);
        Assert.Equal(QueueLogEntry.None, start.CallId);
    }

    /// <summary>The factories, given what the calls were, write exactly the lines Asterisk wrote.</summary>
    [Fact]
    public void The_factories_reproduce_the_real_lines()
    {
        static DateTimeOffset At(long s) => DateTimeOffset.FromUnixTimeSeconds(s);
        var second = TimeSpan.FromSeconds(1);
        QueueLogEntry[] built =
        [
            QueueLogEntry.QueueStart(At(1795386640)),
            QueueLogEntry.QueueStart(At(1795386650)),
            QueueLogEntry.EnterQueue(At(1795386694), "1795386693.7", "support", null, "5551000", 1),
            QueueLogEntry.Connect(At(1795386695), "1795386693.7", "support", "Agent One", second, "1795386694.10", second),
            QueueLogEntry.CompleteAgent(At(1795386698), "1795386693.7", "support", "Agent One", second, 3 * second, 1),
            QueueLogEntry.EnterQueue(At(1795386702), "1795386701.13", "support", "", "5551000", 1),
            QueueLogEntry.RingCanceled(At(1795386705), "1795386701.13", "support", "Agent Two", TimeSpan.FromMilliseconds(3495)),
            QueueLogEntry.RingCanceled(At(1795386705), "1795386701.13", "support", "Agent One", TimeSpan.FromMilliseconds(3495)),
            QueueLogEntry.Abandon(At(1795386705), "1795386701.13", "support", 1, 1, 3 * second),
            QueueLogEntry.EnterQueue(At(1795386752), "1795386752.33", "support", "", "5551000", 1),
            QueueLogEntry.RingCanceled(At(1795386754), "1795386752.33", "support", "Agent Two", TimeSpan.FromMilliseconds(2012.9)),
            QueueLogEntry.RingCanceled(At(1795386754), "1795386752.33", "support", "Agent One", TimeSpan.FromMilliseconds(2012)),
            QueueLogEntry.Abandon(At(1795386754), "1795386752.33", "support", 1, 1, TimeSpan.FromSeconds(2.7)),
        ];

        Assert.Equal(QueueLogFixtures.RealLines(), built.Select(e => e.Format()));
    }
}
