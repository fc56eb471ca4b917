using Telephony.Domain.Queues.QueueLog;

namespace Telephony.Domain.Tests.Queues.QueueLog;

/// <summary>Each factory writes the field count and shape app_queue writes for its event
/// (tests/fixtures/queue-log/event-shapes.txt, read from app_queue.c of Asterisk 20.20.1).</summary>
public sealed class QueueLogShapeTests
{
    private static readonly DateTimeOffset At = DateTimeOffset.FromUnixTimeSeconds(1795386694);
    private static readonly TimeSpan Hold = TimeSpan.FromSeconds(12.4), Talk = TimeSpan.FromSeconds(95);

    /// <summary>One example per factory, keyed by the event it writes.</summary>
    private static readonly Dictionary<string, QueueLogEntry> Examples = new QueueLogEntry[]
    {
        QueueLogEntry.QueueStart(At),
        QueueLogEntry.ConfigReload(At),
        QueueLogEntry.EnterQueue(At, "1.7", "support", "", "5551000", 3),
        QueueLogEntry.Connect(At, "1.7", "support", "Agent One", Hold, "1.10", TimeSpan.FromSeconds(4)),
        QueueLogEntry.CompleteCaller(At, "1.7", "support", "Agent One", Hold, Talk, 3),
        QueueLogEntry.CompleteAgent(At, "1.7", "support", "Agent One", Hold, Talk, 3),
        QueueLogEntry.Abandon(At, "1.7", "support", 2, 3, Hold),
        QueueLogEntry.ExitWithTimeout(At, "1.7", "support", 1, 3, Hold),
        QueueLogEntry.ExitEmpty(At, "1.7", "support", 1, 3, Hold),
        QueueLogEntry.ExitWithKey(At, "1.7", "support", "5", 1, 3, Hold),
        QueueLogEntry.Withdraw(At, "1.7", "support", 1, 3, Hold, "moved to sales"),
        QueueLogEntry.RingNoAnswer(At, "1.7", "support", "Agent One", TimeSpan.FromSeconds(15)),
        QueueLogEntry.RingCanceled(At, "1.7", "support", "Agent One", TimeSpan.FromMilliseconds(3495)),
        QueueLogEntry.AgentDump(At, "1.7", "support", "Agent One"),
        QueueLogEntry.AddMember(At, "MANAGER", "support", "Local/agent1@agents/n", paused: true),
        QueueLogEntry.RemoveMember(At, "CLI", "support", "Local/agent1@agents/n"),
        QueueLogEntry.Pause(At, "support", "Agent One", "lunch"),
        QueueLogEntry.Unpause(At, "support", "Agent One", ""),
        QueueLogEntry.PauseAll(At, "Agent One", "meeting"),
        QueueLogEntry.UnpauseAll(At, "Agent One", null),
        QueueLogEntry.Penalty(At, "support", "Local/agent1@agents/n", 2),
    }.ToDictionary(e => e.Event);

    public static TheoryData<string> Events() => [.. QueueLogFixtures.Shapes().Select(s => s.Event)];

    [Theory]
    [MemberData(nameof(Events))]
    public void The_factory_writes_the_shape_app_queue_writes(string @event)
    {
        var shape = QueueLogFixtures.Shapes().Single(s => s.Event == @event);
        var entry = Examples[@event];
        var fields = entry.Format().Split('|');

        Assert.Equal(5 + shape.Fields.Length, fields.Length);
        AssertKind(shape.CallId, entry.CallId);
        AssertKind(shape.Queue, entry.Queue);
        AssertKind(shape.Agent, entry.Agent);
        foreach (var ((name, kind), value) in shape.Fields.Zip(entry.Data))
        {
            switch (kind)
            {
                case "int": Assert.True(long.TryParse(value, out _), $"{name} = \"{value}\" is not an integer"); break;
                case "empty": Assert.Equal("", value); break;
                case "PAUSED": Assert.Contains(value, new[] { "PAUSED", "" }); break;
                case "text": break;
                default: throw new InvalidOperationException($"unknown kind {kind} in event-shapes.txt");
            }
        }
    }

    private static void AssertKind(string kind, string value)
    {
        if (kind == "NONE") Assert.Equal(QueueLogEntry.None, value);
        else Assert.NotEqual(QueueLogEntry.None, value);
    }

    [Fact]
    public void Every_event_name_has_a_factory_and_a_row_in_the_table()
    {
        var names = typeof(QueueLogEvents).GetFields().Select(f => (string)f.GetValue(null)!).Order().ToList();
        Assert.Equal(names, Examples.Keys.Order());
        Assert.Equal(names, QueueLogFixtures.Shapes().Select(s => s.Event).Order());
    }

    [Fact]
    public void Enter_queue_writes_the_caller_name_as_a_fourth_field_only_when_asked()
    {
        Assert.Equal("1795386694|1.7|support|NONE|ENTERQUEUE||5551000|1|Alice",
            QueueLogEntry.EnterQueue(At, "1.7", "support", null, "5551000", 1, callerIdName: "Alice").Format());
        Assert.Equal("1795386694|1.7|support|NONE|ENTERQUEUE||5551000|1|",
            QueueLogEntry.EnterQueue(At, "1.7", "support", null, "5551000", 1, callerIdName: "").Format());
    }

    [Fact]
    public void Durations_are_truncated_to_whole_seconds_and_ring_times_to_milliseconds()
    {
        Assert.Equal(["12", "1.10", "4"],
            QueueLogEntry.Connect(At, "1.7", "q", "a", TimeSpan.FromSeconds(12.99), "1.10", TimeSpan.FromMilliseconds(4999)).Data);
        Assert.Equal(["3495"], QueueLogEntry.RingNoAnswer(At, "1.7", "q", "a", TimeSpan.FromTicks(34_959_999)).Data);
    }

    [Fact]
    public void Withdraw_info_is_cut_to_forty_characters_as_Asterisk_does()
    {
        var entry = QueueLogEntry.Withdraw(At, "1.7", "support", 1, 1, Hold, new string('x', 60));
        Assert.Equal(new string('x', 40), entry.Data[3]);
    }
}
