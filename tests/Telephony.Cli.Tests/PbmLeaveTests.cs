namespace Telephony.Cli.Tests;

/// <summary><c>pbm cluster leave</c> on a member alone: it leaves, runs its coordinated shutdown and the process ends
/// by itself with exit code 0.</summary>
public class PbmLeaveTests
{
    [Fact]
    public async Task Cluster_leave_without_an_address_makes_this_member_leave_and_the_host_stop_gracefully()
    {
        var work = Directory.CreateTempSubdirectory("telephony-pbm-leave-");
        using var host = HostProcess.Start(work.FullName, new Dictionary<string, string> { ["TELEPHONY__MANAGEMENT__URL"] = "http://127.0.0.1:0" });
        var endpoint = await host.ManagementEndpointAsync(TimeSpan.FromSeconds(90));
        var deadline = DateTime.UtcNow.AddSeconds(60);
        string self;
        while (true)
        {
            var show = await Pbm.RunAsync(endpoint, "cluster", "show");
            if (show.ExitCode == 0 && show.Lines[0].Contains("| Up |"))
            {
                self = show.Lines[0].Split(" | ")[0];
                break;
            }
            Assert.True(DateTime.UtcNow < deadline, $"the member never came up:\n{show}\n{host.Output}");
            await Task.Delay(500);
        }

        var leave = await Pbm.RunAsync(endpoint, "cluster", "leave");

        Assert.True(leave.ExitCode == 0, leave.ToString());
        Assert.Equal([$"leave requested: {self}"], leave.Lines);
        Assert.True(host.WaitForExit(TimeSpan.FromSeconds(60)), $"the host should stop after leaving:\n{host.Output}");
        Assert.Equal(0, host.ExitCode);
        work.Delete(recursive: true);
    }
}
