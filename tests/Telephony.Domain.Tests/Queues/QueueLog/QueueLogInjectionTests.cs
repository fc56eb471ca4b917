using Telephony.Domain.Queues.QueueLog;

namespace Telephony.Domain.Tests.Queues.QueueLog;

/// <summary>A caller chooses their caller ID name and number: it must not be able to add fields or lines to the log
/// (wallboards and reports read it). Free text is cleaned by the factories, as Asterisk cleans the caller name;
/// identifiers with a pipe or a line break are refused.</summary>
public sealed class QueueLogInjectionTests
{
    private static readonly DateTimeOffset At = DateTimeOffset.FromUnixTimeSeconds(1795386694);

    [Fact]
    public void A_forged_caller_name_stays_one_field_of_one_line()
    {
        const string forged = "Eve|COMPLETEAGENT|1|3|1\n1795386698|1.7|support|Agent One|COMPLETEAGENT|1|3|1";
        var line = QueueLogEntry.EnterQueue(At, "1.7", "support", null, "555|1000", 1, callerIdName: forged).Format();

        Assert.DoesNotContain('\n', line);
        Assert.Equal(9, line.Split('|').Length);
        Assert.Equal("1795386694|1.7|support|NONE|ENTERQUEUE||555_1000|1|" +
            "Eve_COMPLETEAGENT_1_3_1 1795386698_1.7_support_Agent One_COMPLETEAGENT_1_3_1", line);
    }

    [Theory]
    [InlineData("lunch|break")]
    [InlineData("lunch\r\nbreak")]
    [InlineData("lunch\0break")]
    public void A_pause_reason_is_cleaned_to_one_field(string reason)
    {
        var entry = QueueLogEntry.Pause(At, "support", "Agent One", reason);
        Assert.Single(entry.Data);
        Assert.Equal(6, entry.Format().Split('|').Length);
        Assert.DoesNotContain(entry.Data[0], c => char.IsControl(c));
    }

    [Fact]
    public void Clean_leaves_ordinary_text_alone()
    {
        const string name = "José O'Brien (VIP) – 5551000";
        Assert.Same(name, QueueLogText.Clean(name));
        Assert.Equal("", QueueLogText.Clean(null));
    }

    [Theory]
    [InlineData("sup|port", "NONE", "QUEUESTART")]
    [InlineData("support", "Agent|One", "QUEUESTART")]
    [InlineData("support", "Agent\nOne", "QUEUESTART")]
    [InlineData("support", "NONE", "")]
    public void Identifiers_that_would_change_the_line_are_refused(string queue, string agent, string @event)
    {
        Assert.Throws<ArgumentException>(() => new QueueLogEntry(At, "1.7", queue, agent, @event, [""]));
    }

    [Fact]
    public void A_data_field_with_a_pipe_is_refused_even_through_with()
    {
        var entry = QueueLogEntry.QueueStart(At);
        Assert.Throws<ArgumentException>(() => entry with { Data = ["a|b"] });
        Assert.Throws<ArgumentException>(() => entry with { CallId = "x\ny" });
    }

    [Fact]
    public void A_time_before_1970_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => QueueLogEntry.QueueStart(DateTimeOffset.UnixEpoch.AddSeconds(-1)));
    }
}
