using System.Text.Json;

namespace Telephony.Cli.Tests;

/// <summary>The action palette's command lines, read into the request pbm sends (no endpoint needed).</summary>
public class ActionCommandTests
{
    private static readonly DateTimeOffset Now = new(2025, 6, 1, 9, 0, 0, TimeSpan.Zero);

    private static PbmRequest Resolve(string line) =>
        Palette.Resolve(PbmArguments.Parse(["127.0.0.1:9110", .. Words(line)], null), Now);

    /// <summary>Splits on spaces; a quoted part ("Sales <0201234567>") stays one word.</summary>
    private static string[] Words(string line) =>
        System.Text.RegularExpressions.Regex.Matches(line, "\"([^\"]*)\"|(\\S+)").Select(m => m.Groups[1].Success ? m.Groups[1].Value : m.Value).ToArray();

    private static JsonElement Body(PbmRequest request)
    {
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal("actions", request.Path);
        return JsonDocument.Parse(request.Body!).RootElement;
    }

    private static string[][] Headers(JsonElement body) =>
        body.GetProperty("headers").EnumerateArray().Select(h => h.EnumerateArray().Select(v => v.GetString()!).ToArray()).ToArray();

    [Fact]
    public void An_originate_into_the_dialplan_sends_its_headers_in_order_with_priority_1_and_Async()
    {
        var body = Body(Resolve("action originate pbx-a PJSIP/100 --context from-crm --exten 0612345678"));

        Assert.Equal("pbx-a", body.GetProperty("node").GetString());
        Assert.Equal("Originate", body.GetProperty("action").GetString());
        Assert.Equal(
            [["Channel", "PJSIP/100"], ["Context", "from-crm"], ["Exten", "0612345678"], ["Priority", "1"], ["Async", "true"]],
            Headers(body));
        Assert.False(body.TryGetProperty("priority", out _));
        Assert.False(body.TryGetProperty("idempotencyKey", out _));
    }

    [Fact]
    public void An_originate_into_an_application_carries_caller_id_timeout_and_every_variable_in_order()
    {
        var body = Body(Resolve(
            "action originate pbx-a PJSIP/100 --application Playback --data tt-monkeys --caller-id \"Sales <0201234567>\" " +
            "--timeout 30000 --variable CRM_TICKET=4711 --variable CRM_AGENT=jane"));

        Assert.Equal(
            [
                ["Channel", "PJSIP/100"], ["Application", "Playback"], ["Data", "tt-monkeys"], ["CallerID", "Sales <0201234567>"],
                ["Timeout", "30000"], ["Variable", "CRM_TICKET=4711"], ["Variable", "CRM_AGENT=jane"], ["Async", "true"],
            ],
            Headers(body));
    }

    [Fact]
    public void The_dialplan_priority_and_the_queue_priority_are_two_options()
    {
        var body = Body(Resolve("action originate pbx-a PJSIP/100 --context c --exten s --priority 3 --queue-priority 0"));

        Assert.Contains(["Priority", "3"], Headers(body));
        Assert.Equal(0, body.GetProperty("priority").GetInt32());
    }

    [Fact]
    public void Scheduling_options_become_the_key_and_UTC_times_counted_from_now()
    {
        var body = Body(Resolve("action originate pbx-a PJSIP/100 --context c --exten s --key crm-4711 --not-before 1h30m --expires-in 2h"));

        Assert.Equal("crm-4711", body.GetProperty("idempotencyKey").GetString());
        Assert.Equal("2025-06-01T10:30:00.000Z", body.GetProperty("notBefore").GetString());
        Assert.Equal("2025-06-01T11:00:00.000Z", body.GetProperty("expiresAt").GetString());
    }

    [Fact]
    public void A_time_with_an_offset_is_sent_in_UTC()
    {
        var body = Body(Resolve("action send pbx-a Ping --not-before 2025-06-01T11:00:00+02:00 --expires-at 2025-06-01T09:05:00Z"));

        Assert.Equal("2025-06-01T09:00:00.000Z", body.GetProperty("notBefore").GetString());
        Assert.Equal("2025-06-01T09:05:00.000Z", body.GetProperty("expiresAt").GetString());
    }

    [Fact]
    public void Send_keeps_headers_as_given_repeated_ones_included_and_a_value_may_hold_an_equals_sign_or_be_empty()
    {
        var body = Body(Resolve("action send pbx-a Setvar Channel=PJSIP/100-0000002a Variable=DB_URL Value=a=b Value="));

        Assert.Equal("Setvar", body.GetProperty("action").GetString());
        Assert.Equal([["Channel", "PJSIP/100-0000002a"], ["Variable", "DB_URL"], ["Value", "a=b"], ["Value", ""]], Headers(body));
    }

    [Fact]
    public void An_Originate_sent_raw_still_goes_Async_unless_it_says_otherwise()
    {
        Assert.Equal(["Async", "true"], Headers(Body(Resolve("action send pbx-a Originate Channel=PJSIP/100 Application=Echo")))[^1]);
        // The endpoint refuses this one, naming headers.Async: pbm does not hide it.
        Assert.Equal(["Async", "false"], Headers(Body(Resolve("action send pbx-a Originate Channel=PJSIP/100 Application=Echo Async=false")))[^1]);
    }

    [Theory]
    [InlineData("action show pbx-a:17", "GET", "actions/pbx-a%3A17")]
    [InlineData("action cancel pbx-a:17", "DELETE", "actions/pbx-a%3A17")]
    [InlineData("action list", "GET", "actions?limit=50")]
    [InlineData("action list --node pbx-a --status queued --limit 5", "GET", "actions?limit=5&node=pbx-a&status=queued")]
    public void Show_cancel_and_list_are_one_request_each(string line, string method, string path)
    {
        var request = Resolve(line);

        Assert.Equal(method, request.Method.Method);
        Assert.Equal(path, request.Path);
        Assert.Null(request.Body);
    }

    [Theory]
    [InlineData("action", "unknown command 'action'")]
    [InlineData("action dial pbx-a", "unknown command 'action dial'")]
    [InlineData("action originate pbx-a", "action originate needs <node> <channel>")]
    [InlineData("action originate pbx-a PJSIP/100", "needs --context C --exten E (dialplan), or --application A")]
    [InlineData("action originate pbx-a PJSIP/100 --context c", "needs --context C --exten E")]
    [InlineData("action originate pbx-a PJSIP/100 --context c --exten s --application Echo", "--context/--exten or --application, not both")]
    [InlineData("action originate pbx-a PJSIP/100 --application Echo --priority 2", "--priority is the dialplan priority")]
    [InlineData("action originate pbx-a PJSIP/100 --context c --exten s --data x", "--data goes with --application")]
    [InlineData("action originate pbx-a PJSIP/100 --context c --exten s --variable NOVALUE", "--variable needs NAME=value, not 'NOVALUE'")]
    [InlineData("action originate pbx-a PJSIP/100 --context c --exten s --timeout soon", "--timeout needs a positive whole number")]
    [InlineData("action originate pbx-a PJSIP/100 --context c --exten s --queue-priority 10", "--queue-priority needs a whole number from 0 (first) to 9, not '10'")]
    [InlineData("action originate pbx-a PJSIP/100 --context c --exten s --expires-at 2025-06-01T10:00:00Z --expires-in 5m", "not both")]
    [InlineData("action originate pbx-a PJSIP/100 --context c --exten s --not-before tomorrow", "--not-before needs a time (2025-06-01T09:00:00Z) or a delay")]
    [InlineData("action originate pbx-a PJSIP/100 --context c --exten s --expires-in 2025-06-01T10:00:00Z", "--expires-in needs a delay")]
    [InlineData("action originate pbx-a PJSIP/100 --context c --exten s --status Queued", "action originate does not take --status")]
    [InlineData("action send pbx-a", "action send needs <node> <Action> [Key=Value ...]")]
    [InlineData("action send pbx-a Hangup PJSIP/100", "'PJSIP/100' is not Key=Value")]
    [InlineData("action send pbx-a Hangup =PJSIP/100", "'=PJSIP/100' is not Key=Value")]
    [InlineData("action send pbx-a Ping --variable A=1", "action send does not take --variable")]
    [InlineData("action show", "action show needs <id>")]
    [InlineData("action cancel a:1 b:2", "action cancel does not take 'b:2'")]
    [InlineData("action list --limit 0", "--limit needs a positive whole number, not '0'")]
    [InlineData("action list --key k", "action list does not take --key")]
    public void Bad_command_lines_are_usage_errors_naming_what_to_fix(string line, string message)
    {
        var e = Assert.Throws<UsageException>(() => Resolve(line));

        Assert.Contains(message, e.Message);
    }
}
