using Telephony.Simulator.Calls;
using Telephony.Simulator.Tests.Fixtures;

namespace Telephony.Simulator.Tests;

/// <summary>The call scripts are data extracted from the captures; these keep them honest.</summary>
public sealed class ScriptTests
{
    public static TheoryData<string> ExtractedAsIs =>
    [
        "answered", "busy", "noanswer", "dial-answered", "dial-busy", "dial-noanswer", "queue-answered",
        "queue-abandoned", "originate-application",
    ];

    [Theory]
    [MemberData(nameof(ExtractedAsIs))]
    public void The_built_in_script_is_what_the_extractor_makes_of_the_capture(string name)
    {
        var capture = Capture.Load(name);

        var extracted = CaptureScriptExtractor.Extract(name, capture.ReceivedBytes, capture.SentBytes);

        Assert.Equal(ScriptLibrary.BuiltIn()[name]!.ToText(), extracted.ToText());
    }

    [Fact]
    public void A_script_extracted_from_a_timestamped_capture_leaves_the_Timestamps_to_the_simulator()
    {
        var capture = Capture.Load("timestamps/ts-blind-transfer");

        var script = CaptureScriptExtractor.Extract("blind", capture.ReceivedBytes, capture.SentBytes);

        Assert.DoesNotContain(script.Events, e => e["Timestamp"] is not null);
        // A Timestamp (sec.usec) looks like a uniqueid; only the channels' own are numbered.
        Assert.Equal(capture.Received.Count(m => m.EventName == "Newchannel"), script.UniqueIdCount);
    }

    [Fact]
    public void The_queue_hangup_script_waits_for_the_AMI_Hangup_where_the_capture_got_it()
    {
        var script = ScriptLibrary.BuiltIn()["queue-hungup-by-ami"]!;

        var beforeWait = script.Steps.TakeWhile(s => s is not AwaitHangupStep).OfType<EmitStep>().Last();
        var afterWait = script.Steps.SkipWhile(s => s is not AwaitHangupStep).OfType<EmitStep>().First();

        Assert.Equal(20000, script.Steps.OfType<AwaitHangupStep>().Single().MaxMilliseconds);
        Assert.Equal("DialState", beforeWait.Template.EventName);
        Assert.Equal("MusicOnHoldStop", afterWait.Template.EventName);
    }

    [Fact]
    public void A_script_survives_a_round_trip_through_its_text()
    {
        var script = ScriptLibrary.BuiltIn()["queue-answered"]!;

        var again = CallScript.Parse(script.ToText());

        Assert.Equal(script.ToText(), again.ToText());
        Assert.Equal((script.UniqueIdCount, script.LocalCount, script.NominalMilliseconds),
            (again.UniqueIdCount, again.LocalCount, again.NominalMilliseconds));
        Assert.Equal((6, 3), (script.UniqueIdCount, script.LocalCount));
    }

    [Fact]
    public void Placeholders_replace_what_changes_per_call_and_nothing_else()
    {
        var text = ScriptLibrary.BuiltIn()["answered"]!.ToText();

        Assert.DoesNotContain("1795386676", text);
        Assert.DoesNotContain("2026-11-22", text);
        Assert.DoesNotContain("answered-orig-1", text);
        Assert.Contains("Extra: {\"hangupcause\":16,\"hangupsource\":\"dialplan/builtin\",\"dialstatus\":\"\"}", text);
        Assert.Contains("Channel: Local/answer@test-{{local:0}};2", text);
        Assert.Contains("CallerID: {{callerid|}}", text);
    }

    [Fact]
    public void A_hand_written_script_can_be_added_and_routed_to()
    {
        var script = CallScript.Parse("""
            @script ring-once
            @channel SIP/100

            Event: Newchannel
            Privilege: call,all
            Channel: SIP/100-{{local:0}}
            Uniqueid: {{uid:0}}
            Linkedid: {{uid:0}}

            @wait 1000

            Event: Hangup
            Privilege: call,all
            Channel: SIP/100-{{local:0}}
            ChannelState: 0
            Uniqueid: {{uid:0}}
            Linkedid: {{uid:0}}
            Cause: 16
            """);

        Assert.Equal("ring-once", script.Name);
        Assert.Equal(1000, script.NominalMilliseconds);
        Assert.Equal(["Newchannel", "Hangup"], script.Events.Select(e => e.EventName));
        Assert.Throws<FormatException>(() => CallScript.Parse("@script x\n\nnot a header\n"));
    }

    [Fact]
    public async Task A_custom_script_plays_through_a_custom_route()
    {
        var library = ScriptLibrary.BuiltIn().Add(CallScript.Parse("""
            @script ring-once
            @channel SIP/100

            Event: Newchannel
            Privilege: call,all
            Channel: SIP/100-{{local:0}}
            ChannelState: 0
            Uniqueid: {{uid:0}}
            Linkedid: {{uid:0}}

            Event: Hangup
            Privilege: call,all
            Channel: SIP/100-{{local:0}}
            ChannelState: 0
            Uniqueid: {{uid:0}}
            Linkedid: {{uid:0}}
            Cause: 16
            """));
        await using var sim = await AsteriskSimulator.StartAsync(TestOptions.Fast with
        {
            Scripts = library, Dialplan = Dialplan.Default.With(new DialplanRoute("SIP/100", "ring-once")),
        });
        await using var client = await AmiTestClient.LoginAsync(sim.Port);

        await client.ActionAsync(("Action", "Originate"), ("Channel", "SIP/100"), ("Context", "hold"), ("Exten", "s"),
            ("Async", "true"), ("ActionID", "o"));
        var hangup = await client.NextAsync(m => m.EventName == "Hangup");

        Assert.Equal("SIP/100-00000000", hangup["Channel"]);
    }
}
