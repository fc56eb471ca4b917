using System.Text.Json;

namespace Telephony.Cli.Tests;

/// <summary>The queue palette (and what the queue and agent palettes share) as an operator uses it: pbm against a real
/// host in demo mode with queues and agents configured through environment variables (see <see cref="QueueHost"/>).</summary>
[Collection(QueueHostCollection.Collection)]
public class QueuePbmTests(QueueHost host)
{
    private Task<PbmRun> Run(params string[] args) => Pbm.RunAsync(host.PbmVariables, [host.Endpoint, .. args]);

    private string[] Ok(PbmRun run)
    {
        Assert.True(run.ExitCode == 0, $"{run}\nhost output (end):\n{host.Output[^Math.Min(host.Output.Length, 6000)..]}");
        Assert.Empty(run.Stderr);
        return run.Lines;
    }

    /// <summary>Runs the command until its output satisfies <paramref name="condition"/> (agents tell their queues
    /// their state after they journal it, so a queue learns it a moment later).</summary>
    private async Task<string[]> Eventually(Func<string[], bool> condition, string what, params string[] args)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        string[] lines = [];
        while (DateTime.UtcNow < deadline)
        {
            lines = Ok(await Run(args));
            if (condition(lines)) return lines;
            await Task.Delay(300);
        }
        throw new TimeoutException($"{string.Join(' ', args)} never showed {what}:\n{string.Join('\n', lines)}");
    }

    [Fact]
    public async Task Queue_list_has_a_line_per_configured_queue_with_its_strategy_and_counts()
    {
        var lines = Ok(await Run("queue", "list"));

        Assert.Matches(@"^QUEUE +STRATEGY +WAITING +CONNECTED +LONGEST WAIT +SL +LOGGED IN +AVAILABLE$", lines[0]);
        Assert.Matches(@"^closed +Linear +0 +0 +0s +- +\d+ +\d+$", lines[1]);
        Assert.Matches(@"^sales +RingAll +\d+ +0 +\d+[smh]", lines[2]);
        Assert.Matches(@"^support +LongestIdle +0 +0 +0s +- +\d+ +\d+$", lines[3]);
        Assert.Equal("Count: 3 queues", lines[^1]);
    }

    [Fact]
    public async Task Queue_show_prints_the_queue_its_callers_its_agents_and_its_statistics()
    {
        // Bob is logged in at start (LoggedIn=true); the queue hears it from him once it runs.
        var lines = await Eventually(l => l.Any(x => x.StartsWith("1002 ") && x.Contains(" Available ")), "agent 1002 Available",
            "queue", "show", "support");

        Assert.Equal("Queue:         support", lines[0]);
        Assert.Equal("Strategy:      LongestIdle", lines[1]);
        Assert.Equal("Connect:       Redirect", lines[2]);
        Assert.Equal("Waiting:       0 (longest 0s)", lines[3]);
        Assert.Contains("Waiting callers:", lines);
        Assert.Matches(@"^AGENT +NAME +PENALTY +STATUS +ACTIVITY +NODE +CALLS +TALK$", lines.Single(l => l.StartsWith("AGENT ")));
        Assert.Matches(@"^1002 +Bob +1 +Available +Idle +demo-1 +0 +0s$", lines.Single(l => l.StartsWith("1002 ")));
        Assert.Contains(lines, l => l.StartsWith("1001 ") && l.Contains(" Alice ") && l.Contains("demo-1"));
        Assert.Contains("Statistics:", lines);
        Assert.Contains("Offered:          0", lines);
        Assert.Contains("SL:               - (0 answered within the threshold)", lines);
        Assert.Contains("Avg wait:         -", lines);
    }

    [Theory]
    [InlineData("no such queue 'nowhere' (configured: closed, sales, support)", "queue", "show", "nowhere")]
    [InlineData("no such queue 'nowhere' (configured: closed, sales, support)", "agent", "list", "--queue", "nowhere")]
    [InlineData("no such agent '9999' (configured: 1001, 1002, 1003)", "agent", "show", "9999")]
    [InlineData("no such agent '9999' (configured: 1001, 1002, 1003)", "agent", "login", "9999")]
    [InlineData("no such agent '9999' (configured: 1001, 1002, 1003)", "agent", "pause", "9999", "--reason", "lunch")]
    public async Task An_unknown_queue_or_agent_is_404_and_exit_code_1_naming_the_configured_ones(string message, params string[] args)
    {
        var run = await Run(args);

        Assert.Equal(1, run.ExitCode);
        Assert.Empty(run.Stdout);
        Assert.Equal($"pbm: {host.Endpoint} answered 404: {message}", Assert.Single(run.ErrorLines));
    }

    [Theory]
    [InlineData("queue list", "queues")]
    [InlineData("queue show sales", "waiting")]
    [InlineData("queue show support", "statistics")]
    [InlineData("agent list", "agents")]
    [InlineData("agent list --queue support", "unanswered")]
    [InlineData("agent show 1002", "secondsInState")]
    public async Task Json_prints_the_endpoints_answer_which_parses(string command, string property)
    {
        var run = await Run([.. command.Split(' '), "--json"]);

        Assert.True(run.ExitCode == 0, run.ToString());
        using var json = JsonDocument.Parse(run.Stdout);
        Assert.True(json.RootElement.TryGetProperty(property, out _), run.Stdout);
    }

    [Fact]
    public async Task Usage_lists_the_queue_and_agent_commands()
    {
        var run = await Pbm.RunAsync("--help");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("queue show <name>", run.Stdout);
        Assert.Contains("agent list [--queue Q]", run.Stdout);
        Assert.Contains("agent login|logout|pause|unpause <id> [--reason R]", run.Stdout);
    }
}
