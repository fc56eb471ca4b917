using System.Net;
using System.Net.Sockets;

namespace Telephony.Cli.Tests;

/// <summary>Where the management endpoint may listen is decided at start, with one line naming the key to fix.</summary>
public class ManagementBindTests
{
    [Theory]
    [InlineData("http://0.0.0.0:9110")]
    [InlineData("http://*:9110")]
    [InlineData("http://10.1.2.3:9110")]
    public void Binding_beyond_loopback_without_a_token_is_refused_at_start(string url)
    {
        var work = Directory.CreateTempSubdirectory("telephony-pbm-bind-");
        using var host = HostProcess.Start(work.FullName, new Dictionary<string, string> { ["TELEPHONY__MANAGEMENT__URL"] = url });

        Assert.True(host.WaitForExit(TimeSpan.FromSeconds(60)), "the host should stop by itself");
        Assert.Equal(2, host.ExitCode);
        var line = Assert.Single(host.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.StartsWith($"telephony: configuration error: Telephony:Management:Url: {url} is not a loopback address", line);
        Assert.Contains("Telephony:Management:Token", line);
        work.Delete(recursive: true);
    }

    [Fact]
    public void A_management_url_that_is_not_http_is_refused_at_start()
    {
        var work = Directory.CreateTempSubdirectory("telephony-pbm-bind-");
        using var host = HostProcess.Start(work.FullName, new Dictionary<string, string> { ["TELEPHONY__MANAGEMENT__URL"] = "ftp://127.0.0.1:21" });

        Assert.True(host.WaitForExit(TimeSpan.FromSeconds(60)));
        Assert.Equal(2, host.ExitCode);
        Assert.StartsWith("telephony: configuration error: Telephony:Management:Url: 'ftp://127.0.0.1:21' is not http://address:port",
            Assert.Single(host.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)));
        work.Delete(recursive: true);
    }

    [Fact]
    public void A_port_already_taken_stops_the_host_with_a_line_naming_the_key()
    {
        using var squatter = new TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        var port = ((IPEndPoint)squatter.LocalEndpoint).Port;
        var work = Directory.CreateTempSubdirectory("telephony-pbm-bind-");
        using var host = HostProcess.Start(work.FullName, new Dictionary<string, string> { ["TELEPHONY__MANAGEMENT__URL"] = $"http://127.0.0.1:{port}" });

        Assert.True(host.WaitForExit(TimeSpan.FromSeconds(90)), "the host should stop by itself");
        Assert.Equal(2, host.ExitCode);
        var last = host.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[^1];
        Assert.StartsWith("telephony: configuration error: Telephony:Management:Url: ", last);
        Assert.Contains("address already in use", last);
        work.Delete(recursive: true);
    }
}
