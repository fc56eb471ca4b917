using System.Net;
using System.Net.Sockets;

namespace Telephony.Cli.Tests;

/// <summary>Bad arguments and an endpoint nobody serves: one line on stderr, nothing on stdout, a non-zero exit code.</summary>
public class PbmUsageTests
{
    [Theory]
    [InlineData("", "the management endpoint (host:port) is missing")]
    [InlineData("127.0.0.1:9110", "a command is missing")]
    [InlineData("127.0.0.1:9110 cluster explode", "unknown command 'cluster explode'")]
    [InlineData("127.0.0.1:9110 node show", "node show needs <name>")]
    [InlineData("127.0.0.1:9110 node show a b", "node show does not take 'b'")]
    [InlineData("127.0.0.1:9110 cluster show --verbose", "unknown option --verbose")]
    [InlineData("127.0.0.1:9110 cluster show -d 2", "cluster show does not take -d")]
    [InlineData("127.0.0.1:9110 actor hierarchy -d deep", "-d needs a positive whole number, not 'deep'")]
    [InlineData("127.0.0.1:9110 cluster-sharding region-stats", "cluster-sharding region-stats needs -r <type>")]
    [InlineData("127.0.0.1:9110 call show 1700000000.12", "'1700000000.12' is not node/linkedid")]
    [InlineData("127.0.0.1:9110 cluster tail -n", "-n needs a value")]
    [InlineData("http:// cluster show", "is not a management endpoint")]
    public async Task Bad_arguments_are_one_line_and_exit_code_2(string arguments, string message)
    {
        // No arguments at all prints the help; an option alone still lacks the endpoint.
        var args = arguments.Length == 0 ? new[] { "--json" } : arguments.Split(' ');
        var run = await Pbm.RunAsync(args);

        Assert.Equal(2, run.ExitCode);
        Assert.Empty(run.Stdout);
        var line = Assert.Single(run.ErrorLines);
        Assert.StartsWith("pbm: ", line);
        Assert.Contains(message, line);
    }

    [Fact]
    public async Task Help_lists_the_palette_and_exits_0()
    {
        var run = await Pbm.RunAsync("--help");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("cluster show", run.Stdout);
        Assert.Contains("actor hierarchy [-d depth] [-s path]", run.Stdout);
    }

    [Fact]
    public async Task An_endpoint_nobody_serves_is_one_line_and_exit_code_1()
    {
        var port = FreePort();

        var run = await Pbm.RunAsync($"127.0.0.1:{port}", "cluster", "show");

        Assert.Equal(1, run.ExitCode);
        Assert.Empty(run.Stdout);
        var line = Assert.Single(run.ErrorLines);
        Assert.StartsWith($"pbm: cannot reach the management endpoint at 127.0.0.1:{port}: ", line);
    }

    public static int FreePort() => Telephony.Testing.TestPorts.Free();
}
