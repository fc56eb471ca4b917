using Telephony.Billing.Rows;
using Telephony.Domain.Queues.QueueLog;

namespace Telephony.Billing.Tests;

/// <summary>The pure part of the <c>queues</c> projection: fixture journals folded into queue_call, agent_session and
/// queue_log rows.</summary>
public class QueueReportFoldTests
{
    private static readonly Dictionary<(string, string, string), QueueCallRow> NoCalls = [];
    private static readonly Dictionary<string, QueueAgentRow> NoAgents = new(StringComparer.Ordinal);

    private static QueueReportChanges Fold(string name) => QueueReportFold.Apply(NoCalls, NoAgents, QueueFixtures.Entries(name));

    private static QueueCallRow Call(QueueReportChanges c, string queue, string uniqueId) =>
        c.Calls.Single(r => r.Queue == queue && r.CallerUniqueId == uniqueId);

    private static DateTime At(string iso) => DateTime.Parse(iso, System.Globalization.CultureInfo.InvariantCulture,
        System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal);

    [Theory]
    [InlineData("answered")]
    [InlineData("noanswer-then-answer")]
    [InlineData("abandon")]
    [InlineData("timeout")]
    [InlineData("cross-node")]
    [InlineData("agent")]
    public void Each_scenario_writes_its_queue_log_lines_and_they_parse_back(string name)
    {
        var log = Fold(name).Log;
        Assert.Equal(QueueFixtures.QueueLog(name), log.Select(r => r.Line).ToList());
        foreach (var row in log)
        {
            var parsed = QueueLogEntry.Parse(row.Line);
            Assert.True(parsed.IsValid, row.Line);
            var e = parsed.Value!;
            Assert.Equal(row.Line, e.Format());
            Assert.Equal((row.CallId, row.Queue, row.Agent, row.Event, row.Data1, new DateTimeOffset(row.Time, TimeSpan.Zero)),
                (e.CallId, e.Queue, e.Agent, e.Event, e.Data[0], e.Time));
        }
    }

    [Fact]
    public void An_answered_call_is_one_row_with_its_wait_talk_and_agent()
    {
        var row = Assert.Single(Fold("answered").Calls);
        Assert.Equal(("support", "pbx1", "1795341600.7", 1L, "PJSIP/alice-00000007", "1795341600.7", "5551000", "Alice"),
            (row.Queue, row.CallerNode, row.CallerUniqueId, row.JoinedSeq, row.CallerChannel, row.CallerLinkedId, row.CallerIdNum, row.CallerIdName));
        Assert.Equal((At("2026-11-22T10:00:00.25Z"), At("2026-11-22T10:00:04.75Z"), At("2026-11-22T10:01:04.75Z")),
            (row.JoinedAt, row.ConnectedAt!.Value, row.EndedAt!.Value));
        Assert.Equal((4.5m, 60m, "answered", "agent", "1001", "pbx1", "1795341601.10", 1, 1, (int?)null, "[]"),
            (row.WaitSeconds, row.TalkSeconds, row.Outcome, row.EndedBy, row.AgentId, row.AgentNode, row.AgentLinkedId,
                row.Attempts, row.JoinPosition, row.AbandonPosition, row.OpenLegs));
    }

    [Fact]
    public void A_no_answer_then_an_answer_is_two_attempts_and_the_second_agent()
    {
        var row = Assert.Single(Fold("noanswer-then-answer").Calls);
        Assert.Equal((2, "1002", 20m, 60m, "answered", "caller"), (row.Attempts, row.AgentId, row.WaitSeconds, row.TalkSeconds, row.Outcome, row.EndedBy));
        Assert.Equal([QueueLogEvents.EnterQueue, QueueLogEvents.RingNoAnswer, QueueLogEvents.Connect, QueueLogEvents.CompleteCaller],
            Fold("noanswer-then-answer").Log.Select(l => l.Event));
    }

    [Fact]
    public void Abandons_keep_the_position_they_left_at_and_the_wait()
    {
        var changes = Fold("abandon");
        var waiting = Call(changes, "support", "1795341602.21");
        Assert.Equal(("abandoned", 2, (int?)2, 28m, 0, (DateTime?)null), (waiting.Outcome, waiting.JoinPosition, waiting.AbandonPosition,
            waiting.WaitSeconds, waiting.Attempts, waiting.ConnectedAt));
        var ringing = Call(changes, "support", "1795341600.20");
        Assert.Equal(("abandoned", 1, (int?)1, 40.5m, 1, "", "[]"), (ringing.Outcome, ringing.JoinPosition, ringing.AbandonPosition,
            ringing.WaitSeconds, ringing.Attempts, ringing.AgentId, ringing.OpenLegs));
    }

    [Fact]
    public void Time_outs_say_where_the_caller_went_and_an_overflowed_caller_starts_a_stay_in_the_next_queue()
    {
        var changes = Fold("timeout");
        var overflowed = Call(changes, "support", "1795341600.30");
        Assert.Equal(("overflowed", "queue overflow", 60m), (overflowed.Outcome, overflowed.ExitTo, overflowed.WaitSeconds));
        var next = Call(changes, "overflow", "1795341600.30");
        Assert.Equal(("support", "abandoned", 1L, 11.9m), (next.FromQueue, next.Outcome, next.JoinedSeq, next.WaitSeconds));
        var brokenOut = Call(changes, "support", "1795341605.31");
        Assert.Equal(("broken_out", "after-hours,s,1", (int?)1, 2), (brokenOut.Outcome, brokenOut.ExitTo, brokenOut.AbandonPosition, brokenOut.JoinPosition));
        var timedOut = Call(changes, "support", "1795341720.32");
        Assert.Equal(("timed_out", ""), (timedOut.Outcome, timedOut.ExitTo));
        // A refused join has no queue sequence: its row takes minus the queue journal's sequence number (the 8th event of queue/support).
        var refused = Call(changes, "support", "1795341840.33");
        Assert.Equal(("refused", "queue_full", -7L, 0m), (refused.Outcome, refused.EndedBy, refused.JoinedSeq, refused.WaitSeconds));
    }

    [Fact]
    public void A_cross_node_call_keeps_both_halves_node_and_linkedid()
    {
        var row = Assert.Single(Fold("cross-node").Calls);
        Assert.Equal(("pbx1", "1795341600.40", "pbx2", "1795341601.3", "2001", 2, "Heidi"),
            (row.CallerNode, row.CallerLinkedId, row.AgentNode, row.AgentLinkedId, row.AgentId, row.Priority, row.CallerIdName));
    }

    [Fact]
    public void An_agent_session_counts_its_pauses_calls_talk_and_no_answers_and_a_second_login_is_a_second_session()
    {
        var changes = Fold("agent");
        Assert.Equal(2, changes.Sessions.Count);
        var first = changes.Sessions[0];
        Assert.Equal(("1001", 1, At("2026-11-22T10:00:10Z"), At("2026-11-22T10:16:40Z"), "end of shift"),
            (first.AgentId, first.Session, first.LoggedInAt, first.LoggedOutAt!.Value, first.LogoutReason));
        Assert.Equal((400m, 2, 1, 60.5m, 1), (first.PausedSeconds, first.Pauses, first.Calls, first.TalkSeconds, first.NoAnswers));
        var second = changes.Sessions[1];
        Assert.Equal((2, At("2026-11-22T11:00:00Z"), (DateTime?)null, 0m, 0), (second.Session, second.LoggedInAt, second.LoggedOutAt, second.PausedSeconds, second.Calls));
        var agent = Assert.Single(changes.Agents);
        Assert.Equal(("available", "support:0", 2), (agent.Status, agent.Queues, agent.Session));
    }

    [Theory]
    [InlineData("noanswer-then-answer")]
    [InlineData("timeout")]
    [InlineData("agent")]
    public void Events_split_across_batches_give_the_rows_of_one_batch_and_applying_them_again_changes_nothing(string name)
    {
        var entries = QueueFixtures.Entries(name);
        var whole = QueueReportFold.Apply(NoCalls, NoAgents, entries);

        var calls = new Dictionary<(string, string, string, long), QueueCallRow>();
        var latest = new Dictionary<(string, string, string), QueueCallRow>();
        var agents = new Dictionary<string, QueueAgentRow>(StringComparer.Ordinal);
        var sessions = new Dictionary<(string, int), AgentSessionRow>();
        var log = new List<QueueLogRow>();
        foreach (var batch in entries.Chunk(2))
        {
            var changes = QueueReportFold.Apply(latest, agents, batch);
            foreach (var c in changes.Calls)
            {
                calls[(c.Queue, c.CallerNode, c.CallerUniqueId, c.JoinedSeq)] = c;
                latest[c.Caller] = c;
            }
            foreach (var a in changes.Agents) agents[a.AgentId] = a;
            foreach (var s in changes.Sessions) sessions[(s.AgentId, s.Session)] = s;
            log.AddRange(changes.Log);
        }
        Assert.Equal(whole.Calls.OrderBy(c => c.Caller).ThenBy(c => c.JoinedSeq), calls.Values.OrderBy(c => c.Caller).ThenBy(c => c.JoinedSeq));
        Assert.Equal(whole.Agents, agents.Values);
        Assert.Equal(whole.Sessions, sessions.Values);
        Assert.Equal(whole.Log, log);

        var again = QueueReportFold.Apply(latest, agents, entries);
        Assert.Equal((0, 0, 0, 0, 0), (again.Calls.Count, again.Agents.Count, again.Sessions.Count, again.Log.Count, again.WithoutJoin));
    }

    [Fact]
    public void Events_of_a_caller_that_never_joined_are_counted_not_written()
    {
        var entries = QueueFixtures.Entries("answered").Skip(1).ToList();
        var changes = QueueReportFold.Apply(NoCalls, NoAgents, entries);
        Assert.Empty(changes.Calls);
        Assert.Empty(changes.Log);
        Assert.Equal(3, changes.WithoutJoin);
    }
}
