using Telephony.Ami.Events;
using Telephony.Ami.Protocol;

namespace Telephony.Ami.Tests.Events;

/// <summary>Each typed view reads the real message Asterisk 20.20.1 sent (first occurrence in a capture).</summary>
public class TypedEventViewTests
{
    private static AmiMessage First(string capture, string eventName, Func<AmiMessage, bool>? where = null) =>
        new AmiParser().ParseAll(Fixtures.CaptureBytes(capture))
            .First(m => m.EventName == eventName && (where?.Invoke(m) ?? true));

    private static T View<T>(string capture, string eventName, Func<AmiMessage, bool>? where = null) where T : AmiEvent =>
        Assert.IsType<T>(AmiEvent.From(First(capture, eventName, where)));

    [Fact]
    public void CEL_reads_its_UniqueID_and_LinkedID_casing()
    {
        var cel = View<CelEvent>("answered.ami", "CEL");

        Assert.Equal("CHAN_START", cel.EventName);
        Assert.Equal("1795386676.0", cel.UniqueId);
        Assert.Equal("1795386676.0", cel.LinkedId);
        Assert.Equal("Local/answer@test-00000000;1", cel.Channel);
        Assert.Equal("test", cel.Context);
        Assert.Equal("answer", cel.Exten);
        Assert.Equal("2026-11-22 22:31:16", cel.EventTimeText);
        Assert.Equal(new DateTime(2026, 11, 22, 22, 31, 16), cel.EventTime);
        Assert.Equal("DOCUMENTATION", cel.AmaFlags);
        Assert.Equal("", cel.CallerIdNum);
        Assert.Equal("call,all", cel.Privilege);
    }

    [Fact]
    public void A_CEL_HANGUP_carries_JSON_in_Extra()
    {
        var cel = View<CelEvent>("answered.ami", "CEL", m => m["EventName"] == "HANGUP");

        Assert.StartsWith("{", cel.Extra);
        Assert.Contains("hangupcause", cel.Extra);
    }

    [Fact]
    public void Cdr_reads_times_durations_and_an_empty_AnswerTime_as_null()
    {
        var answered = View<CdrEvent>("answered.ami", "Cdr");
        Assert.Equal("5551000", answered.Source);
        Assert.Equal("answer", answered.Destination);
        Assert.Equal("\"AMI Probe\" <5551000>", answered.CallerId);
        Assert.Equal("Local/answer@test-00000000;2", answered.Channel);
        Assert.Equal(new DateTime(2026, 11, 22, 22, 31, 16), answered.StartTime);
        Assert.Equal(new DateTime(2026, 11, 22, 22, 31, 16), answered.AnswerTime);
        Assert.Equal(new DateTime(2026, 11, 22, 22, 31, 19), answered.EndTime);
        Assert.Equal(3, answered.Duration);
        Assert.Equal(3, answered.BillableSeconds);
        Assert.Equal("ANSWERED", answered.Disposition);
        Assert.Equal("1795386676.1", answered.UniqueId);
        Assert.Null(answered.LinkedId); // not mapped in cdr_manager.conf

        var unanswered = View<CdrEvent>("noanswer.ami", "Cdr", m => m["Disposition"] != "ANSWERED");
        Assert.Null(unanswered.AnswerTime);
        Assert.Equal(0, unanswered.BillableSeconds);
    }

    [Fact]
    public void Newchannel_Newstate_and_Hangup_read_the_channel_block_with_Uniqueid_and_Linkedid_casing()
    {
        var created = View<NewchannelEvent>("answered.ami", "Newchannel");
        Assert.Equal("Local/answer@test-00000000;1", created.Channel);
        Assert.Equal(0, created.ChannelState);
        Assert.Equal("Down", created.ChannelStateDesc);
        Assert.Equal("1795386676.0", created.UniqueId);
        Assert.Equal("1795386676.0", created.LinkedId);
        Assert.Equal(1, created.Priority);

        var state = View<NewstateEvent>("answered.ami", "Newstate");
        Assert.Equal(6, state.ChannelState);
        Assert.Equal("Up", state.ChannelStateDesc);
        Assert.Equal("1795386676.1", state.UniqueId);
        Assert.Equal("1795386676.0", state.LinkedId);
        Assert.Equal("AMI Probe", state.CallerIdName);

        var hangup = View<HangupEvent>("answered.ami", "Hangup");
        Assert.Equal(16, hangup.Cause);
        Assert.Equal("Normal Clearing", hangup.CauseText);
        Assert.Equal("1795386676.1", hangup.UniqueId);
    }

    [Fact]
    public void DialBegin_and_DialEnd_read_both_parties()
    {
        var begin = View<DialBeginEvent>("dial-answered.ami", "DialBegin", m => m.Has("Channel"));
        Assert.True(begin.Source.IsPresent);
        Assert.True(begin.Destination.IsPresent);
        Assert.NotEqual(begin.UniqueId, begin.Destination.UniqueId);
        Assert.Equal(begin.LinkedId, begin.Destination.LinkedId);
        Assert.Equal("Local/dial-answer@test-00000009;2", begin.Channel);
        Assert.Equal("answer@test", begin.DialString);

        var fromOriginate = View<DialBeginEvent>("answered.ami", "DialBegin");
        Assert.False(fromOriginate.Source.IsPresent);
        Assert.Null(fromOriginate.Channel);
        Assert.Equal("Local/answer@test-00000000;1", fromOriginate.Destination.Channel);
        Assert.Equal("1795386676.0", fromOriginate.Destination.UniqueId);
        Assert.Equal("answer@test", fromOriginate.DialString);

        var end = View<DialEndEvent>("answered.ami", "DialEnd");
        Assert.Equal("ANSWER", end.DialStatus);
        Assert.Equal(6, end.Destination.ChannelState);

        var busy = View<DialEndEvent>("dial-busy.ami", "DialEnd");
        Assert.Equal("BUSY", busy.DialStatus);
    }

    [Fact]
    public void BridgeEnter_and_BridgeLeave_read_the_bridge_and_the_channel()
    {
        var enter = View<BridgeEnterEvent>("dial-answered.ami", "BridgeEnter");
        Assert.Equal("8e038a56-e528-4cb0-9076-8fafa791500d", enter.BridgeUniqueId);
        Assert.Equal("basic", enter.BridgeType);
        Assert.Equal("simple_bridge", enter.BridgeTechnology);
        Assert.Equal(1, enter.BridgeNumChannels);
        Assert.Equal("1795386708.20", enter.UniqueId);
        Assert.Equal("1795386708.18", enter.LinkedId);

        var leave = View<BridgeLeaveEvent>("dial-answered.ami", "BridgeLeave");
        Assert.Equal(enter.BridgeUniqueId, leave.BridgeUniqueId);
        Assert.Equal("Local/answer@test-0000000a;1", leave.Channel);
    }

    [Fact]
    public void OriginateResponse_is_an_event_carrying_Response_and_the_originate_ActionID()
    {
        var message = First("answered.ami", "OriginateResponse");
        Assert.Equal(AmiMessageKind.Event, message.Kind);

        var answered = Assert.IsType<OriginateResponseEvent>(AmiEvent.From(message));
        Assert.Equal("answered-orig-1", answered.ActionId);
        Assert.True(answered.IsSuccess);
        Assert.Equal(4, answered.Reason);
        Assert.Equal(OriginateOutcome.Answered, answered.Outcome);
        Assert.Equal("1795386676.0", answered.UniqueId);
        Assert.Equal("Local/answer@test-00000000;1", answered.Channel);

        var busy = View<OriginateResponseEvent>("busy.ami", "OriginateResponse");
        Assert.False(busy.IsSuccess);
        Assert.Equal(OriginateOutcome.Busy, busy.Outcome);
        Assert.Null(busy.UniqueId);
        Assert.Equal("<unknown>", busy["Uniqueid"]);

        var noAnswer = View<OriginateResponseEvent>("noanswer.ami", "OriginateResponse");
        Assert.Equal(OriginateOutcome.NoAnswer, noAnswer.Outcome);
    }

    [Fact]
    public void Queue_caller_events_read_queue_position_and_hold_time()
    {
        var join = View<QueueCallerJoinEvent>("queue-abandoned.ami", "QueueCallerJoin");
        Assert.Equal("support", join.Queue);
        Assert.Equal(1, join.Position);
        Assert.Equal(1, join.Count);
        Assert.Equal("1795386701.13", join.UniqueId);
        Assert.Equal("1795386701.12", join.LinkedId);

        var leave = View<QueueCallerLeaveEvent>("queue-abandoned.ami", "QueueCallerLeave");
        Assert.Equal(0, leave.Count);

        var abandon = View<QueueCallerAbandonEvent>("queue-abandoned.ami", "QueueCallerAbandon");
        Assert.Equal("support", abandon.Queue);
        Assert.Equal(1, abandon.OriginalPosition);
        Assert.Equal(3, abandon.HoldTime);
    }

    [Fact]
    public void Agent_events_read_the_caller_the_agent_leg_and_the_member()
    {
        var called = View<AgentCalledEvent>("queue-abandoned.ami", "AgentCalled");
        Assert.Equal("Local/agent2@agents-00000007;1", called.Destination.Channel);
        Assert.Equal("1795386702.14", called.Destination.UniqueId);
        Assert.Equal("1795386701.12", called.Destination.LinkedId);
        Assert.Equal("Local/agent2@agents/n", called.Interface);
        Assert.Equal("Agent Two", called.MemberName);
        Assert.Equal("1795386701.13", called.UniqueId);

        var connect = View<AgentConnectEvent>("queue-answered.ami", "AgentConnect");
        Assert.Equal("Agent One", connect.MemberName);
        Assert.Equal(1, connect.HoldTime);
        Assert.Equal(1, connect.RingTime);
        Assert.Equal("1795386694.10", connect.Destination.UniqueId);

        var complete = View<AgentCompleteEvent>("queue-answered.ami", "AgentComplete");
        Assert.Equal(3, complete.TalkTime);
        Assert.Equal("agent", complete.Reason);
        Assert.Equal("support", complete.Queue);
    }

    [Fact]
    public void FullyBooted_reads_status_and_uptime()
    {
        var booted = View<FullyBootedEvent>("answered.ami", "FullyBooted");

        Assert.Equal("Fully Booted", booted.Status);
        Assert.Equal(26, booted.Uptime);
        Assert.Equal(26, booted.LastReload);
    }

    // No capture holds Shutdown or UserEvent: these messages follow Asterisk 20's documented headers
    // (manager.c "Shutdown", app_userevent/manager "UserEvent").
    [Fact]
    public void Shutdown_and_UserEvent_read_their_headers()
    {
        var shutdown = Assert.IsType<ShutdownEvent>(AmiEvent.From(AmiMessage.From(
            ("Event", "Shutdown"), ("Privilege", "system,all"), ("Shutdown", "Cleanly"), ("Restart", "True"))));
        Assert.Equal("Cleanly", shutdown.Shutdown);
        Assert.True(shutdown.IsRestart);

        var user = Assert.IsType<UserEvent>(AmiEvent.From(AmiMessage.From(
            ("Event", "UserEvent"), ("Privilege", "user,all"), ("UserEvent", "CallTagged"), ("Tag", "vip"))));
        Assert.Equal("CallTagged", user.UserEventName);
        Assert.Equal("vip", user["tag"]);
    }

    [Fact]
    public void Events_without_a_view_pass_through_as_the_raw_message()
    {
        var message = First("answered.ami", "VarSet");

        var evt = AmiEvent.From(message);

        Assert.Equal(typeof(AmiEvent), evt.GetType());
        Assert.Same(message, evt.Message);
        Assert.Equal("VarSet", evt.Name);
    }

    [Fact]
    public void The_factory_is_keyed_by_event_name_case_insensitively()
    {
        var message = AmiMessage.From(("Event", "hangup"), ("Uniqueid", "1.1"), ("Cause", "17"));

        var hangup = Assert.IsType<HangupEvent>(AmiEvent.From(message));

        Assert.Equal(17, hangup.Cause);
        Assert.Equal(19, AmiEvent.TypedEventNames.Count);
    }

    [Fact]
    public void Every_event_in_every_capture_gets_a_view_without_throwing()
    {
        foreach (var capture in Fixtures.AllAmiCaptures)
        foreach (var message in new AmiParser().ParseAll(Fixtures.CaptureBytes(capture)).Where(m => m.IsEvent))
        {
            var evt = AmiEvent.From(message);
            Assert.Equal(message.EventName, evt.Name);
            if (evt is ChannelEvent channel) Assert.NotNull(channel.LinkedId ?? channel.Destination().LinkedId);
        }
    }
}

internal static class ChannelEventTestExtensions
{
    public static AmiChannelSnapshot Destination(this ChannelEvent evt) => new(evt.Message, "Dest");
}
