namespace Telephony.Cli.Tests;

/// <summary>The agent palette as a supervisor uses it: pbm against a real host (see <see cref="QueueHost"/>). Agent
/// 1001 (Alice) is this class's alone: logged out at start, a member of support.</summary>
[Collection(QueueHostCollection.Collection)]
public class AgentPbmTests(QueueHost host)
{
    private Task<PbmRun> Run(params string[] args) => Pbm.RunAsync(host.PbmVariables, [host.Endpoint, .. args]);

    private string[] Ok(PbmRun run)
    {
        Assert.True(run.ExitCode == 0, $"{run}\nhost output (end):\n{host.Output[^Math.Min(host.Output.Length, 6000)..]}");
        Assert.Empty(run.Stderr);
        return run.Lines;
    }

    /// <summary>Polls <c>queue show support</c> until Alice's row there satisfies <paramref name="condition"/>: the
    /// queue learns her state from her, after she has journaled it.</summary>
    private async Task<string> AliceInSupport(Func<string, bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        var row = "";
        while (DateTime.UtcNow < deadline)
        {
            row = Ok(await Run("queue", "show", "support")).FirstOrDefault(l => l.StartsWith("1001 ")) ?? "";
            if (condition(row)) return row;
            await Task.Delay(300);
        }
        throw new TimeoutException($"queue show support never showed Alice {what}; last: '{row}'");
    }

    [Fact]
    public async Task Login_pause_with_a_reason_unpause_and_logout_each_show_in_agent_show_and_in_queue_show()
    {
        Assert.Equal(["Agent 1001 (Alice): Available, state Idle"], Ok(await Run("agent", "login", "1001")));
        var shown = Ok(await Run("agent", "show", "1001"));
        Assert.Contains("Agent:         1001", shown);
        Assert.Contains("Name:          Alice", shown);
        Assert.Contains("Node:          demo-1", shown);
        Assert.Contains("Status:        Available", shown);
        Assert.Contains("Queues:        support:0", shown);
        Assert.Contains("Current call:  -", shown);
        Assert.DoesNotContain(shown, l => l.StartsWith("Break reason:"));
        await AliceInSupport(r => r.Contains(" Available ") && r.Contains(" Idle "), "Available");

        Assert.Equal(["Agent 1001 (Alice): OnBreak (lunch), state OnBreak"], Ok(await Run("agent", "pause", "1001", "--reason", "lunch")));
        shown = Ok(await Run("agent", "show", "1001"));
        Assert.Contains("Status:        OnBreak", shown);
        Assert.Contains("Break reason:  lunch", shown);
        Assert.Contains(shown, l => l.StartsWith("State:         OnBreak ("));
        Assert.Contains(shown, l => l.StartsWith("OnBreak:"));
        var row = await AliceInSupport(r => r.Contains(" OnBreak (lunch) "), "on break for lunch");
        // (The queue's activity column says whether it may offer her a call now, not what she is doing.)
        Assert.Matches(@"^1001 +Alice +0 +OnBreak \(lunch\) +\S+ +demo-1 +0 +0s$", row);

        Assert.Equal(["Agent 1001 (Alice): Available, state Idle"], Ok(await Run("agent", "unpause", "1001")));
        Assert.DoesNotContain(Ok(await Run("agent", "show", "1001")), l => l.StartsWith("Break reason:"));
        await AliceInSupport(r => r.Contains(" Available "), "back from her break");

        Assert.Equal(["Agent 1001 (Alice): LoggedOut, state LoggedOut"], Ok(await Run("agent", "logout", "1001", "--reason", "end of shift")));
        var listed = Ok(await Run("agent", "list", "--queue", "support"));
        Assert.Matches(@"^AGENT +NAME +NODE +STATUS +STATE +IN STATE +CALLS +CURRENT CALL +QUEUES$", listed[0]);
        Assert.Matches(@"^1001 +Alice +demo-1 +LoggedOut +LoggedOut +\d+[smh]\S* +0 +- +support:0$", listed[1]);
        Assert.Matches(@"^1002 +Bob +demo-1 +Available +Idle +\d+[smh]\S* +0 +- +support:1$", listed[2]);
        Assert.Equal("Count: 2 agents", listed[^1]);
        await AliceInSupport(r => r.Contains(" LoggedOut "), "logged out");
    }

    [Fact]
    public async Task Agent_list_without_a_queue_lists_every_configured_agent()
    {
        var lines = Ok(await Run("agent", "list"));

        Assert.Equal(["1001", "1002", "1003"], lines[1..^1].Select(l => l.Split(' ')[0]));
        Assert.Matches(@"^1003 +- +demo-1 +LoggedOut +LoggedOut +", lines[3]);
        Assert.Equal("Count: 3 agents", lines[^1]);
    }

    [Fact]
    public async Task A_reason_with_a_line_break_is_refused_with_exit_code_2_naming_the_field()
    {
        var run = await Run("agent", "pause", "1001", "--reason", "lunch\r\nAction: Command");

        Assert.Equal(2, run.ExitCode);
        Assert.Empty(run.Stdout);
        Assert.Contains("reason: contains CR, LF or NUL", Assert.Single(run.ErrorLines));
    }
}
