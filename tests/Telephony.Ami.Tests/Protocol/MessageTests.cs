using System.Text;
using Telephony.Ami.Protocol;

namespace Telephony.Ami.Tests.Protocol;

public class MessageTests
{
    private static IReadOnlyList<AmiMessage> Capture(string name) => new AmiParser().ParseAll(Fixtures.CaptureBytes(name));

    [Fact]
    public void Header_lookup_ignores_case_because_CEL_says_UniqueID_and_channel_events_say_Uniqueid()
    {
        var messages = Capture("answered.ami");
        var cel = messages.First(m => m.EventName == "CEL");
        var newchannel = messages.First(m => m.EventName == "Newchannel");

        Assert.Equal("1795386676.0", cel["uniqueid"]);
        Assert.Equal("1795386676.0", cel["UNIQUEID"]);
        Assert.Equal("1795386676.0", newchannel["UniqueID"]);
        Assert.Equal("1795386676.0", newchannel["LinkedID"]);
        Assert.Null(cel["NoSuchHeader"]);
    }

    [Fact]
    public void The_header_view_and_a_reused_array_read_every_header_as_the_decoded_list_does()
    {
        // A node decodes message after message into one array per header count, and a CEL keeps a view over its
        // message as its raw headers: both must read exactly what the decoded list reads, for every captured message.
        var cache = new HeaderValueCache(64);
        var scratch = new Dictionary<int, KeyValuePair<string, string>[]>();
        foreach (var name in Fixtures.AllAmiCaptures)
        foreach (var m in Capture(name))
        {
            var expected = m.Headers;
            Assert.Equal(expected, m.HeaderView);
            Assert.Equal(expected.Count, m.HeaderView.Count);
            if (!scratch.TryGetValue(m.Count, out var into)) scratch[m.Count] = into = new KeyValuePair<string, string>[m.Count];
            m.GetHeaders(cache, into);
            Assert.Equal(expected, into);
        }
        var cel = Capture("answered.ami").First(m => m.EventName == "CEL");
        Assert.Throws<ArgumentException>(() => cel.GetHeaders(null, new KeyValuePair<string, string>[cel.Count - 1]));
    }

    [Fact]
    public void OriginateResponse_is_an_event_although_it_carries_a_Response_header()
    {
        var originate = Capture("answered.ami").Single(m => m.EventName == "OriginateResponse");

        Assert.Equal(AmiMessageKind.Event, originate.Kind);
        Assert.Equal("Success", originate.ResponseStatus);
        Assert.Equal("answered-orig-1", originate.ActionId);
        Assert.Equal("4", originate["Reason"]);
    }

    [Fact]
    public void Every_header_is_kept_in_order_with_repeated_ones_and_empty_values()
    {
        var bytes = "Event: Status\r\nChanVariable: A=1\r\nAccountCode: \r\nChanVariable: B=2\r\nchanvariable: C=3\r\n\r\n"u8.ToArray();
        var m = new AmiParser(expectBanner: false).ParseAll(bytes).Single();

        Assert.Equal(["A=1", "B=2", "C=3"], m.GetValues("ChanVariable"));
        Assert.Equal("", m["AccountCode"]);
        Assert.Equal(["Event", "ChanVariable", "AccountCode", "ChanVariable", "chanvariable"], m.Headers.Select(h => h.Key));
    }

    [Fact]
    public void Command_output_lines_are_read_from_Output_headers()
    {
        var response = Capture("command-core-show-version.ami").Single(m => m.ActionId == "cmd-1");

        Assert.Equal(["Asterisk 20.20.1 built by root @ vm on a x86_64 running Linux on 2026-11-22 22:27:17 UTC"], response.OutputLines);
    }

    [Fact]
    public void A_bad_CLI_command_keeps_its_output_lines_too()
    {
        var response = Capture("command-bad.ami").Single(m => m.ActionId is not null && m.ActionId.StartsWith("cmd", StringComparison.Ordinal));

        Assert.Equal("Error", response.ResponseStatus);
        Assert.NotEmpty(response.OutputLines);
    }

    [Fact]
    public void Legacy_Follows_output_is_read_to_END_COMMAND_even_with_colons_and_empty_lines_inside()
    {
        const string legacy =
            "Response: Follows\r\nPrivilege: Command\r\nActionID: old-1\r\n" +
            "Channel              Location             State   Application(Data)\n" +
            "SIP/100-0001         s@default:1          Up      Dial(SIP/200)\n" +
            "\n" +
            "1 active channel\n" +
            "--END COMMAND--\r\n\r\n" +
            "Response: Success\r\nActionID: next\r\n\r\n";
        var parser = new AmiParser(expectBanner: false);

        var messages = parser.ParseAll(Encoding.ASCII.GetBytes(legacy));

        Assert.Equal(2, messages.Count);
        Assert.Equal("old-1", messages[0].ActionId);
        Assert.Equal("Follows", messages[0].ResponseStatus);
        Assert.Equal(
            ["Channel              Location             State   Application(Data)", "SIP/100-0001         s@default:1          Up      Dial(SIP/200)", "", "1 active channel"],
            messages[0].OutputLines);
        Assert.Equal("next", messages[1].ActionId);
        Assert.Equal(0, parser.MalformedMessages);
    }

    [Fact]
    public void Legacy_output_whose_last_line_runs_into_END_COMMAND_keeps_that_line()
    {
        var m = new AmiParser(expectBanner: false).ParseAll(
            "Response: Follows\r\nPrivilege: Command\r\nNo such command 'foo'--END COMMAND--\r\n\r\n"u8.ToArray()).Single();

        Assert.Equal(["No such command 'foo'"], m.OutputLines);
    }

    [Fact]
    public void A_built_message_reads_back_as_written()
    {
        var m = AmiMessage.From(("Action", "Originate"), ("Variable", "A=1"), ("Variable", "B=2"), ("CallerID", "\"Ann\" <100>"));

        Assert.Equal("Originate", m["Action"]);
        Assert.Equal(["A=1", "B=2"], m.GetValues("variable"));
        Assert.Equal("\"Ann\" <100>", m["CallerID"]);
        Assert.Equal("Action: Originate\r\nVariable: A=1\r\nVariable: B=2\r\nCallerID: \"Ann\" <100>\r\n\r\n", Encoding.UTF8.GetString(m.RawBytes.Span));
    }
}
