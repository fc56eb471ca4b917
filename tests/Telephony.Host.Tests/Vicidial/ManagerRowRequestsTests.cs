using Telephony.Host.Vicidial;

namespace Telephony.Host.Tests.Vicidial;

/// <summary>Rows as VICIdial's manager_send.php writes them, read as requests for the node's action queue.</summary>
public class ManagerRowRequestsTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);
    private static readonly DateTime Entry = new(2026, 12, 2, 15, 4, 5);

    private static ManagerRow Row(string action, params string?[] lines) =>
        new(42, "10.10.10.15", action, "M3051234560000012345", lines.Concat(Enumerable.Repeat<string?>("", ManagerRow.LineCount - lines.Length)).ToList())
        {
            EntryDate = Entry,
        };

    [Fact]
    public void An_originate_keeps_its_lines_and_CallerID_in_order_and_gets_a_ChannelId_that_fits_the_uniqueid_column()
    {
        var row = Row("Originate", "Channel: Local/58600051@default", "Context: default", "Exten: 8600051", "Priority: 1",
            "Callerid: \"M3051234560000012345\" <3125551212>", "Account: TESTCAMP", "Variable: _usegroupalias=1");

        var request = ManagerRowRequests.Map(row, "pbx1", Now).Request!;

        Assert.Equal("pbx1", request.Node);
        Assert.Equal("Originate", request.Action);
        Assert.Equal("vicidial_manager:42:20261202150405", request.IdempotencyKey);
        Assert.Equal(
            ["Channel", "Context", "Exten", "Priority", "Callerid", "Account", "Variable", "ChannelId"],
            request.Headers.Select(h => h.Key));
        Assert.Equal("\"M3051234560000012345\" <3125551212>", request["CallerID"]);
        Assert.Equal("_usegroupalias=1", request["Variable"]);
        Assert.Equal("1700000000.900000042", request["ChannelId"]);
        Assert.True(request["ChannelId"]!.Length <= 20);
        Assert.Null(request["Async"]); // the queue adds Async: true
    }

    [Fact]
    public void An_originate_asking_to_be_synchronous_is_sent_async_and_its_own_ChannelId_is_kept()
    {
        var request = ManagerRowRequests.Map(Row("Originate", "Channel: SIP/100", "Async: false", "Application: Playback",
            "Data: tt-monkeys", "ChannelId: 1700000000.12"), "pbx1", Now).Request!;

        Assert.Null(request["Async"]);
        Assert.Equal("1700000000.12", request["ChannelId"]);
        Assert.Single(request.Headers, h => h.Key == "ChannelId");
    }

    [Fact]
    public void Empty_lines_are_skipped_wherever_they_are_and_other_actions_get_no_ChannelId()
    {
        var request = ManagerRowRequests.Map(Row("Redirect", "Channel: SIP/cc101-g7yr", "", null, "Context: default", " ",
            "Exten: 8600051", "Priority: 1"), "pbx1", Now).Request!;

        Assert.Equal(["Channel", "Context", "Exten", "Priority"], request.Headers.Select(h => h.Key));
        Assert.Null(request["ChannelId"]);
    }

    [Theory]
    [InlineData("Channel SIP/100", "cmd_line_b: 'Channel SIP/100' is not a 'Header: value' line")]
    [InlineData("Channel:SIP/100", "cmd_line_b: 'Channel:SIP/100' is not a 'Header: value' line")]
    [InlineData(": SIP/100", "cmd_line_b: ': SIP/100' is not a 'Header: value' line")]
    [InlineData("Usernum: XXYYXXYYXXYYXX", "cmd_line_b: the meetme participant lookup (XXYYXXYYXXYYXX) is not supported")]
    public void A_line_that_is_not_a_header_makes_the_row_bad_input_naming_its_column(string line, string error)
    {
        var mapping = ManagerRowRequests.Map(Row("Hangup", line), "pbx1", Now);

        Assert.Null(mapping.Request);
        Assert.Equal(error, mapping.Error);
    }

    [Fact]
    public void A_bad_line_further_down_is_named_by_its_own_column_and_CR_LF_are_shown_not_written()
    {
        var mapping = ManagerRowRequests.Map(Row("Hangup", "Channel: SIP/100", "", "bad\r\nAction: Command"), "pbx1", Now);

        Assert.Equal("cmd_line_d: 'bad\\r\\nAction: Command' holds CR, LF or NUL (one column is one header line)", mapping.Error);
    }

    [Fact]
    public void A_row_without_an_action_is_bad_input()
    {
        Assert.Equal("action is empty", ManagerRowRequests.Map(Row(" ", "Channel: SIP/100"), "pbx1", Now).Error);
    }

    [Fact]
    public void Without_an_entry_date_the_key_is_the_man_id_alone()
    {
        Assert.Equal("vicidial_manager:42", ManagerRowRequests.IdempotencyKey(Row("Hangup") with { EntryDate = null }));
    }

    [Theory]
    [InlineData("Hangup", "Channel: SIP/100", true)]
    [InlineData("Redirect", "Exten: 8600051", true)]
    [InlineData("Redirect", "Exten: 8309", false)]
    [InlineData("Originate", "Channel: SIP/100", false)]
    public void Hangups_and_redirects_are_checked_for_a_dead_call_as_VICIdial_does_except_recordings(string action, string line, bool checks)
    {
        Assert.Equal(checks, ManagerRowRequests.ChecksForDeadCall(Row(action, "Channel: SIP/100", "Context: default", line)));
    }
}
