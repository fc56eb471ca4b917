using System.Text.Json;

namespace Telephony.Cli.Tests;

/// <summary>The queue and agent palettes' command lines, read into the request pbm sends (no endpoint needed).</summary>
public class AgentCommandTests
{
    private static PbmRequest Resolve(params string[] words) => Palette.Resolve(PbmArguments.Parse(["127.0.0.1:9110", .. words], null));

    [Theory]
    [InlineData("GET", "queues", "queue", "list")]
    [InlineData("GET", "queues/sales", "queue", "show", "sales")]
    [InlineData("GET", "queues/sales%201", "queue", "show", "sales 1")]
    [InlineData("GET", "agents", "agent", "list")]
    [InlineData("GET", "agents?queue=sales", "agent", "list", "--queue", "sales")]
    [InlineData("GET", "agents/1001", "agent", "show", "1001")]
    [InlineData("POST", "agents/1001/login", "agent", "login", "1001")]
    [InlineData("POST", "agents/1001/logout", "agent", "logout", "1001")]
    [InlineData("POST", "agents/1001/unpause", "agent", "unpause", "1001")]
    public void Each_command_is_one_request(string method, string path, params string[] words)
    {
        var request = Resolve(words);

        Assert.Equal(new HttpMethod(method), request.Method);
        Assert.Equal(path, request.Path);
        Assert.Null(request.Body);
    }

    [Fact]
    public void A_reason_goes_in_the_body_as_it_was_typed()
    {
        var request = Resolve("agent", "pause", "1001", "--reason", "lunch \"break\"");

        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal("agents/1001/pause", request.Path);
        Assert.Equal("lunch \"break\"", JsonDocument.Parse(request.Body!).RootElement.GetProperty("reason").GetString());
    }

    [Theory]
    [InlineData("queue show needs <name>", "queue", "show")]
    [InlineData("queue show does not take 'support'", "queue", "show", "sales", "support")]
    [InlineData("queue list does not take --queue", "queue", "list", "--queue", "sales")]
    [InlineData("unknown command 'queue drop' (queue list|show)", "queue", "drop")]
    [InlineData("agent pause needs <id>", "agent", "pause")]
    [InlineData("agent show does not take --reason", "agent", "show", "1001", "--reason", "x")]
    [InlineData("unknown command 'agent kick' (agent list|show|login|logout|pause|unpause)", "agent", "kick", "1001")]
    [InlineData("--reason needs a value", "agent", "pause", "1001", "--reason")]
    public void Bad_command_lines_are_usage_errors(string message, params string[] words)
    {
        var e = Assert.Throws<UsageException>(() => Resolve(words));

        Assert.Equal(message, e.Message);
    }
}
