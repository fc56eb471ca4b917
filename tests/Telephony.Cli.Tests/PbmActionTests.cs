using System.Text.Json;

namespace Telephony.Cli.Tests;

/// <summary>
/// The action palette as an operator uses it: pbm against a real host in demo mode, whose simulated Asterisk answers
/// Originates through its dialplan (<c>Local/answer@test</c> into <c>hold,s</c> is answered, then hangs up).
/// </summary>
[Collection(ActionHost.Collection)]
public class PbmActionTests(DemoHost host)
{
    private Task<PbmRun> Run(params string[] args) => Pbm.RunAsync([host.Endpoint, .. args]);

    private string[] Ok(PbmRun run)
    {
        Assert.True(run.ExitCode == 0, $"{run}\nhost output (end):\n{HostTail}");
        Assert.Empty(run.Stderr);
        return run.Lines;
    }

    private string HostTail => host.Output[^Math.Min(host.Output.Length, 6000)..];

    private static string IdOf(string accepted) =>
        System.Text.RegularExpressions.Regex.Match(accepted, @"(demo-1:\d+) \(").Groups[1].Value is { Length: > 0 } id
            ? id : throw new Xunit.Sdk.XunitException($"no action id in '{accepted}'");

    /// <summary>Polls <c>action show --json</c> until the action's status is one of <paramref name="statuses"/>.</summary>
    private async Task<JsonElement> WaitFor(string id, params string[] statuses)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        JsonElement action = default;
        while (DateTime.UtcNow < deadline)
        {
            var run = await Run("action", "show", id, "--json");
            Assert.True(run.ExitCode == 0, run.ToString());
            action = JsonDocument.Parse(run.Stdout).RootElement;
            if (statuses.Contains(action.GetProperty("status").GetString())) return action;
            await Task.Delay(300);
        }
        throw new TimeoutException($"{id} did not become {string.Join(" or ", statuses)}: {action}\nhost output (end):\n{HostTail}");
    }

    [Fact]
    public async Task An_originate_is_accepted_then_answered_then_ended_and_show_list_and_node_show_tell_its_story()
    {
        var accepted = Assert.Single(Ok(await Run("action", "originate", "demo-1", "Local/answer@test", "--context", "hold", "--exten", "s",
            "--caller-id", "Sales <0201234567>", "--variable", "CRM_TICKET=4711")));
        Assert.Matches(@"^Accepted demo-1:\d+ \(Originate on demo-1\): Queued, queue priority 6, ChannelId [0-9a-f-]{36}$", accepted);
        var id = IdOf(accepted);

        var ended = await WaitFor(id, "Ended", "Failed", "Unknown");

        Assert.Equal("Ended", ended.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.String, ended.GetProperty("upAt").ValueKind);
        Assert.Equal(ended.GetProperty("channelId").GetString(), ended.GetProperty("uniqueId").GetString());
        var shown = Ok(await Run("action", "show", id));
        Assert.Contains($"Id:              {id}", shown);
        Assert.Contains("Status:          Ended", shown);
        // (pbm's lines come back trimmed: the headers are indented under "Headers:")
        Assert.Contains("CallerID: Sales <0201234567>", shown);
        Assert.Contains("Variable: CRM_TICKET=4711", shown);
        Assert.Contains("Async: true", shown);
        Assert.Contains(shown, l => l.StartsWith("Up:") && l.EndsWith('Z'));

        var listed = Ok(await Run("action", "list", "--node", "demo-1", "--status", "Ended"));
        Assert.StartsWith("ID ", listed[0]);
        Assert.Contains(listed, l => l.StartsWith(id + " ") && l.Contains(" Originate ") && l.Contains(" Ended "));
        Assert.Matches(@"^Count: \d+ shown; held by the queues: .*Ended \d+", listed[^1]);

        var node = Ok(await Run("node", "show", "demo-1"));
        Assert.Contains(node, l => l.StartsWith("Actions:") && l.Contains("Ended "));
    }

    [Fact]
    public async Task The_same_idempotency_key_twice_gives_the_same_action()
    {
        string[] originate = ["action", "originate", "demo-1", "Local/answer@test", "--context", "hold", "--exten", "s", "--key", "crm-ticket-4711"];

        var first = Assert.Single(Ok(await Run(originate)));
        var second = Assert.Single(Ok(await Run(originate)));

        Assert.StartsWith("Accepted ", first);
        Assert.StartsWith("Already submitted with idempotency key crm-ticket-4711: ", second);
        Assert.Equal(IdOf(first), IdOf(second));
    }

    [Fact]
    public async Task An_action_waiting_for_its_notBefore_can_be_cancelled_and_then_no_more()
    {
        var id = IdOf(Assert.Single(Ok(await Run("action", "originate", "demo-1", "Local/answer@test", "--context", "hold", "--exten", "s",
            "--not-before", "10m"))));

        var cancelled = Assert.Single(Ok(await Run("action", "cancel", id)));
        Assert.StartsWith($"Cancelled {id} (Originate on demo-1, queued ", cancelled);
        Assert.Equal("Cancelled", (await WaitFor(id, "Cancelled")).GetProperty("status").GetString());

        var again = await Run("action", "cancel", id);
        Assert.Equal(1, again.ExitCode);
        Assert.Contains($"409: {id} is Cancelled: only a queued action can be cancelled", Assert.Single(again.ErrorLines));
    }

    [Fact]
    public async Task Cancelling_an_action_that_has_run_is_a_conflict()
    {
        var id = IdOf(Assert.Single(Ok(await Run("action", "send", "demo-1", "Ping"))));
        await WaitFor(id, "Succeeded");

        var run = await Run("action", "cancel", id);

        Assert.Equal(1, run.ExitCode);
        Assert.Empty(run.Stdout);
        Assert.Contains($"409: {id} is Succeeded: only a queued action can be cancelled", Assert.Single(run.ErrorLines));
    }

    [Theory]
    [InlineData("headers.CallerID", "contains CR, LF or NUL", "action", "originate", "demo-1", "Local/answer@test", "--context", "hold", "--exten", "s",
        "--caller-id", "Bob\r\nAction: Command")]
    [InlineData("headers.Bad Header", "a header name is letters, digits", "action", "send", "demo-1", "UserEvent", "UserEvent=crm", "Bad Header=x")]
    // Command is refused twice over: not in the default allow-list, and root-equivalent even when listed.
    [InlineData("action", "Command is not in the allow-list", "action", "send", "demo-1", "Command", "Command=core show channels")]
    [InlineData("action", "Reload is not in the allow-list", "action", "send", "demo-1", "Reload")]
    [InlineData("headers.Async", "Originate is always sent with Async: true", "action", "send", "demo-1", "Originate", "Channel=Local/answer@test",
        "Application=Echo", "Async=false")]
    [InlineData("headers.Application", "System runs programs", "action", "originate", "demo-1", "Local/answer@test", "--application", "System",
        "--data", "rm -rf /")]
    [InlineData("status", "'Bogus' is not a status", "action", "list", "--status", "Bogus")]
    [InlineData("id", "'demo-1' is not an action id <node>:<number>", "action", "show", "demo-1")]
    public async Task What_the_endpoint_refuses_is_exit_code_2_naming_the_field(string field, string message, params string[] args)
    {
        var run = await Run(args);

        Assert.Equal(2, run.ExitCode);
        Assert.Empty(run.Stdout);
        var line = Assert.Single(run.ErrorLines);
        Assert.Contains($"{field}: {message}", line);
    }

    [Theory]
    [InlineData("no node 'pbx-nowhere' is configured (nodes: demo-1)", "action", "originate", "pbx-nowhere", "Local/answer@test", "--context", "hold", "--exten", "s")]
    [InlineData("no node 'pbx-nowhere' is configured (nodes: demo-1)", "action", "show", "pbx-nowhere:1")]
    [InlineData("no node 'pbx-nowhere' is configured (nodes: demo-1)", "action", "list", "--node", "pbx-nowhere")]
    [InlineData("no action demo-1:999999 on demo-1", "action", "show", "demo-1:999999")]
    [InlineData("no action demo-1:999999 on demo-1", "action", "cancel", "demo-1:999999")]
    public async Task An_unknown_node_or_action_is_404_and_exit_code_1(string message, params string[] args)
    {
        var run = await Run(args);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains($"404: {message}", Assert.Single(run.ErrorLines));
    }

    [Theory]
    [InlineData("action list", "actions")]
    [InlineData("action list --node demo-1 --limit 1", "counts")]
    [InlineData("node show demo-1", "actions")]
    public async Task Json_prints_the_endpoints_answer_which_parses(string command, string property)
    {
        await Run("action", "send", "demo-1", "Ping");
        var run = await Run([.. command.Split(' '), "--json"]);

        Assert.True(run.ExitCode == 0, run.ToString());
        using var json = JsonDocument.Parse(run.Stdout);
        Assert.True(json.RootElement.TryGetProperty(property, out _), run.Stdout);
    }
}
