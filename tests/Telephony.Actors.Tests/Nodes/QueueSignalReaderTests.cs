using Telephony.Actors.Nodes;
using Telephony.Actors.Queues;
using Telephony.Domain.Queues;
using Telephony.Domain.Queues.Agents;

namespace Telephony.Actors.Tests;

/// <summary>What the call queues read from a node's events, checked on the real two-server captures.</summary>
public class QueueSignalReaderTests
{
    private static readonly QueueDirectory Directory = new([new QueueSettings { Name = "sales" }],
    [
        new AgentSettings { Id = "1001", Route = new AgentRoute("pbx-b", "b-1001"), Device = "Custom:agent-1001" },
    ]);

    private static List<object> Read(string capture, string node, QueueSignalReader? reader = null)
    {
        reader ??= new QueueSignalReader(node, Directory);
        var now = DateTimeOffset.UtcNow;
        return NodeCaptures.Events(capture).Select(m => reader.Read(m, now)).OfType<object>().ToList();
    }

    [Fact]
    public void A_caller_joins_with_the_users_priority_the_last_of_two_Priority_headers_and_is_followed_to_its_hangup()
    {
        var signals = Read("two-nodes/vq-remote-answer.a.ami", "pbx-a");

        var join = Assert.IsType<JoinQueue>(signals[0]);
        Assert.Equal("sales", join.Queue);
        Assert.Equal(3, join.Request.Priority); // the dialplan's own Priority: 5 comes first in the snapshot
        Assert.Equal("pbx-a", join.Request.Caller.Node);
        Assert.EndsWith(";2", join.Request.Channel);
        Assert.Equal("5550001", join.Request.CallerIdNum);
        var answered = Assert.Single(signals.OfType<CallerDialAnswered>());
        Assert.Equal(join.Request.Caller, answered.Caller);
        var result = Assert.Single(signals.OfType<ConnectResultReported>());
        Assert.Equal("ANSWER", result.DialStatus);
        Assert.Equal("b-1001", result.Agent);
        var hangup = Assert.Single(signals.OfType<CallerHungUp>());
        Assert.Equal(join.Request.Caller, hangup.Caller);
        Assert.True(signals.IndexOf(answered) < signals.IndexOf(result) && signals.IndexOf(result) < signals.IndexOf(hangup));
    }

    [Fact]
    public void A_no_answer_is_reported_by_the_connect_dialplan_and_the_caller_stays_followed_for_the_next_agent()
    {
        var signals = Read("two-nodes/vq-remote-noanswer-then-answer.a.ami", "pbx-a");

        Assert.Equal(["NOANSWER", "ANSWER"], signals.OfType<ConnectResultReported>().Select(r => r.DialStatus));
        Assert.Single(signals.OfType<CallerDialAnswered>()); // only the second Dial was answered
        Assert.Single(signals.OfType<CallerHungUp>());
    }

    [Fact]
    public void A_caller_who_hangs_up_while_waiting_is_one_join_and_one_hangup()
    {
        var signals = Read("two-nodes/vq-abandon-waiting.a.ami", "pbx-a");

        Assert.Equal([typeof(JoinQueue), typeof(CallerHungUp)], signals.Select(s => s.GetType()));
    }

    [Fact]
    public void The_agents_server_pairs_its_incoming_leg_by_the_callers_number_and_watches_the_agents_device()
    {
        var reader = new QueueSignalReader("pbx-b", Directory);
        reader.Expect(new ExpectAgentLeg("pbx-b", "sales", "sales:r:1", "1001", "5550001", DateTimeOffset.UtcNow.AddMinutes(1)));
        var signals = Read("two-nodes/vq-remote-answer.b.ami", "pbx-b", reader);

        var leg = Assert.Single(signals.OfType<AgentLegSeen>());
        Assert.Equal("sales:r:1", leg.ReservationId);
        Assert.Equal("pbx-b", leg.Node);
        Assert.Equal(leg.UniqueId, leg.LinkedId); // the IAX2 leg starts pbx-b's own LinkedID
        Assert.Equal([true, true, false], signals.OfType<AgentPhoneState>().Select(p => p.InUse)); // RINGING, INUSE, NOT_INUSE
        Assert.Empty(signals.OfType<JoinQueue>());
    }

    [Fact]
    public void A_join_without_a_valid_queue_name_is_counted_not_routed()
    {
        var join = NodeCaptures.Events("two-nodes/vq-remote-answer.a.ami", "UserEvent").First();
        var reader = new QueueSignalReader("pbx-a", Directory);

        Assert.Null(reader.Read(NodeCaptures.With(join, "Queue", "sales|x"), DateTimeOffset.UtcNow));
        Assert.Equal(1, reader.BadSignals);
        Assert.Contains("bad Queue", reader.LastBadSignal);
    }
}
