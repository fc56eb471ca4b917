using Telephony.Actors.Nodes.HandOver;

namespace Telephony.Actors.Tests;

/// <summary>A node's new owner waiting for the member that may still read the node's previous session.</summary>
public class HandOverWaitTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 3, 9, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan DoneTimeout = TimeSpan.FromSeconds(30);

    private static HandOverWait Asking(params string[] members) => new(members, T0, AnswerTimeout, DoneTimeout);

    private static HandOverDone DoneAt(DateTimeOffset readUntil, string? reason = null) => new("pbx-1", readUntil, 12, reason, [], []);

    [Fact]
    public void With_no_other_member_there_is_nothing_to_wait_for()
    {
        Assert.True(Asking().IsOver(T0));
    }

    [Fact]
    public void Every_member_saying_it_holds_no_session_ends_the_wait_before_the_timeout()
    {
        var wait = Asking("m2", "m3");
        wait.Answer("m2", holds: false);
        Assert.False(wait.IsOver(T0.AddMilliseconds(10)));
        wait.Answer("m3", holds: false);
        Assert.True(wait.IsOver(T0.AddMilliseconds(20)));
        Assert.Null(wait.Done);
    }

    [Fact]
    public void A_member_that_never_answers_is_waited_for_only_the_answer_timeout()
    {
        var wait = Asking("m2", "dead");
        wait.Answer("m2", holds: false);
        Assert.False(wait.IsOver(T0 + AnswerTimeout - TimeSpan.FromMilliseconds(1)));
        Assert.True(wait.IsOver(T0 + AnswerTimeout));
    }

    [Fact]
    public void A_member_holding_the_session_is_waited_for_until_it_is_done_or_the_done_timeout()
    {
        var wait = Asking("m2", "m3");
        wait.Answer("m2", holds: true);
        Assert.False(wait.IsOver(T0 + AnswerTimeout + TimeSpan.FromSeconds(5))); // m3 silent, but m2 is draining
        Assert.True(wait.IsOver(T0 + DoneTimeout));
        wait.Finished(DoneAt(T0.AddSeconds(1)));
        Assert.True(wait.IsOver(T0.AddSeconds(1)));
    }

    [Fact]
    public void A_previous_session_that_read_past_the_new_login_leaves_no_gap()
    {
        var lastHeartbeat = T0.AddSeconds(-4);
        var login = T0;
        Assert.Null(HandOverWait.GapFrom(lastHeartbeat, DoneAt(login.AddMilliseconds(500)), login));
    }

    [Fact]
    public void A_previous_session_that_stopped_before_the_new_login_leaves_a_gap_from_where_it_stopped()
    {
        var lastHeartbeat = T0.AddSeconds(-4);
        var stopped = T0.AddSeconds(-1);
        Assert.Equal(stopped, HandOverWait.GapFrom(lastHeartbeat, DoneAt(stopped, "the session was lost"), T0));
    }

    [Fact]
    public void Without_a_hand_over_the_gap_starts_at_the_last_heartbeat_and_a_node_never_seen_has_none()
    {
        Assert.Equal(T0.AddSeconds(-4), HandOverWait.GapFrom(T0.AddSeconds(-4), null, T0));
        Assert.Null(HandOverWait.GapFrom(null, null, T0));
    }
}

/// <summary>The hand-over's messages cross members: they go through the wire serializer and come back equal.</summary>
public class HandOverWireTests
{
    [Fact]
    public void Taking_over_and_done_with_quarantined_events_survive_the_wire()
    {
        var serializer = new Telephony.Actors.Queues.QueueSerializer(null!);
        var at = new DateTimeOffset(2026, 12, 3, 9, 0, 0, TimeSpan.Zero);
        var quarantined = new Telephony.Actors.Nodes.EventQuarantined("pbx-1", at, "CEL without LinkedID",
            [new("Event", "CEL"), new("UniqueID", "1796277268.154")]);
        object[] messages =
        [
            new TakingOverNode("pbx-1", at),
            new HandOverAnswer("pbx-1", true),
            new HandOverDone("pbx-1", at.AddSeconds(1), 124, null, [quarantined],
                [new Telephony.Actors.Nodes.GapRecorded("pbx-1", at.AddMinutes(-1), at, "AMI disconnected", -1)]),
        ];
        foreach (var message in messages)
        {
            var back = serializer.FromBinary(serializer.ToBinary(message), serializer.Manifest(message));
            Assert.Equal(message.GetType(), back.GetType());
            if (back is HandOverDone done)
            {
                Assert.Equal((124L, at.AddSeconds(1)), (done.EventsRead, done.ReadUntil));
                var q = Assert.Single(done.Quarantined);
                Assert.Equal(quarantined.Reason, q.Reason);
                Assert.Equal(quarantined.Headers, q.Headers);
                Assert.Equal("AMI disconnected", Assert.Single(done.Gaps).Reason);
            }
            else Assert.Equal(message, back);
        }
    }
}
