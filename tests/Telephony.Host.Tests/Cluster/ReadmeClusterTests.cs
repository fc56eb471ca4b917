using System.Diagnostics;
using System.Text;

namespace Telephony.Host.Tests.Cluster;

/// <summary>
/// The README's "Running a cluster" commands, pasted into bash as they stand (build, MariaDB, simulator, three
/// members): they form one cluster of three; the first seed, made to leave and started again with its own command,
/// joins the two that kept running instead of forming a cluster of its own beside them (what the one-seed version of
/// the section did to a new user), also when the seed list names only the first member (the formation lease).
/// </summary>
[Collection(SingleHostProcesses.Name)] // three members and two builds: alone, so they add nothing to the others' load
public class ReadmeClusterTests
{
    /// <param name="everySeed">false: the section's old setup, with only the first member as a seed. Then only the
    /// formation lease in the journal database keeps the restarted first seed from forming a cluster of its own (it
    /// did, before the lease: checked by hand).</param>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task The_readme_cluster_commands_form_one_cluster_and_a_restarted_first_seed_joins_it_again(bool everySeed)
    {
        var root = Binaries.RepositoryRoot;
        var block = ClusterBlock(File.ReadAllText(Path.Combine(root, "README.md")));
        var lines = block.Split('\n');
        var last = Array.FindLastIndex(lines, l => l.Contains("scripts/pbm", StringComparison.Ordinal));
        Assert.True(last > 0, "the block ends by asking a member for the cluster");
        var firstSeed = Assert.Single(lines, l => l.Contains("TELEPHONY__CLUSTER__PORT=4053", StringComparison.Ordinal));
        Assert.Equal(3, lines.Count(l => l.StartsWith("export TELEPHONY__CLUSTER__SEEDS__", StringComparison.Ordinal)));

        var script = new StringBuilder();
        script.AppendLine("set -uo pipefail");
        script.AppendLine($"cd '{root}'");
        foreach (var l in lines.Take(last))
            if (everySeed || !(l.StartsWith("export TELEPHONY__CLUSTER__SEEDS__", StringComparison.Ordinal) && !l.Contains("SEEDS__0", StringComparison.Ordinal)))
                script.AppendLine(l);
        script.AppendLine("""
            up() { scripts/pbm "127.0.0.1:$1" cluster show 2>/dev/null | grep -c '| Up |' || true; }
            wait_for() { for _ in $(seq 150); do [ "$(up "$1")" = "$2" ] && return 0; sleep 1; done; return 1; }
            wait_for 9110 3; echo "formed: $(up 9110) up as seen from 4053"
            scripts/pbm 127.0.0.1:9111 cluster leave akka.tcp://telephony@127.0.0.1:4053
            wait_for 9111 2; echo "after leave: $(up 9111) up as seen from 4054"
            # As the README says: the left member's process exits (hand-overs done) before it is started again.
            for _ in $(seq 60); do (echo > /dev/tcp/127.0.0.1/9110) 2>/dev/null || break; sleep 1; done
            """);
        script.AppendLine(firstSeed);
        script.AppendLine("""
            wait_for 9110 3; wait_for 9111 3
            echo "restarted: $(up 9110) up as seen from 4053, $(up 9111) as seen from 4054"
            scripts/pbm 127.0.0.1:9110 cluster show
            """);
        var file = Path.Combine(Directory.CreateTempSubdirectory("telephony-readme-").FullName, "cluster.sh");
        await File.WriteAllTextAsync(file, script.ToString());

        var info = new ProcessStartInfo("setsid") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = root };
        info.ArgumentList.Add("bash");
        info.ArgumentList.Add(file);
        using var bash = Process.Start(info)!;
        var stdout = bash.StandardOutput.ReadToEndAsync();
        var stderr = bash.StandardError.ReadToEndAsync();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(8));
            await bash.WaitForExitAsync(timeout.Token);
        }
        finally
        {
            // The members and the simulator run in the background of the script's process group: stop them all.
            Process.Start("kill", ["-TERM", "--", "-" + bash.Id])?.WaitForExit();
            await Task.Delay(TimeSpan.FromSeconds(5));
            Process.Start("kill", ["-KILL", "--", "-" + bash.Id])?.WaitForExit();
        }
        var output = await stdout;
        var log = $"script output:\n{output}\n{await stderr}\nfirst member's log tail:\n{Tail(Path.Combine(root, "member-4053.log"))}";
        Assert.True(output.Contains("formed: 3 up", StringComparison.Ordinal), log);
        Assert.True(output.Contains("after leave: 2 up", StringComparison.Ordinal), log);
        Assert.True(output.Contains("restarted: 3 up as seen from 4053, 3 as seen from 4054", StringComparison.Ordinal), log);
        foreach (var port in new[] { 4053, 4054, 4055 })
            Assert.True(output.Contains($"akka.tcp://telephony@127.0.0.1:{port} |", StringComparison.Ordinal), log);
    }

    /// <summary>The first sh block of the README's "Running a cluster" section.</summary>
    private static string ClusterBlock(string readme)
    {
        var section = readme.IndexOf("\n## Running a cluster", StringComparison.Ordinal);
        Assert.True(section >= 0, "README has a 'Running a cluster' section");
        var start = readme.IndexOf("```sh\n", section, StringComparison.Ordinal) + "```sh\n".Length;
        var end = readme.IndexOf("\n```", start, StringComparison.Ordinal);
        return readme[start..end];
    }

    private static string Tail(string path) =>
        File.Exists(path) ? string.Join('\n', File.ReadLines(path).TakeLast(30)) : "(none)";
}
