using Telephony.Simulator.Cli;

namespace Telephony.Simulator.Tests;

public sealed class CommandLineTests
{
    [Fact]
    public void The_documented_command_line_gives_the_matching_options()
    {
        var command = SimulatorCommandLine.Parse(["--port", "5038", "--user", "admin", "--secret", "s3cret",
            "--calls-per-second", "20", "--nodes", "4", "--time-scale", "0.5", "--cdr-mappings", "--script", "busy=2"]);

        var o = command.Options!;
        Assert.Null(command.Error);
        Assert.Equal((5038, 4, 0.5, true), (o.Port, o.Nodes, o.TimeScale, o.CdrLinkedIdAndSequence));
        Assert.Equal("s3cret", o.Users["admin"]);
        Assert.Equal(20, o.Load!.CallsPerSecond);
        Assert.Equal(new KeyValuePair<string, double>("busy", 2), Assert.Single(o.Load.Scripts));
    }

    [Fact]
    public void Help_describes_every_option()
    {
        var help = SimulatorCommandLine.Parse(["--help"]).Output!;

        foreach (var option in new[] { "--port", "--user", "--secret", "--calls-per-second", "--nodes", "--replay", "--time-scale",
                     "--timestamp-events", "--sub-second-times", "--whole-second-times", "--seed" })
            Assert.Contains(option, help);
    }

    [Theory]
    [InlineData("--port", "70000")]
    [InlineData("--nodes", "0")]
    [InlineData("--time-scale", "fast")]
    [InlineData("--replay", "/no/such/file.ami")]
    [InlineData("--script", "no-such-script")]
    [InlineData("--seed", "x")]
    [InlineData("--bogus", "1")]
    public void Bad_arguments_get_a_clear_error(string option, string value)
    {
        var args = option == "--script" ? new[] { "--calls-per-second", "1", option, value } : [option, value];

        var command = SimulatorCommandLine.Parse(args);

        Assert.Null(command.Options);
        Assert.Contains(option.TrimStart('-'), command.Error);
    }

    [Fact]
    public void Timestamp_events_are_off_by_default_and_bring_sub_second_times_unless_told_otherwise()
    {
        var plain = SimulatorCommandLine.Parse([]).Options!;
        var stamped = SimulatorCommandLine.Parse(["--timestamp-events", "--seed", "7", "--calls-per-second", "5"]).Options!;
        var wholeSeconds = SimulatorCommandLine.Parse(["--timestamp-events", "--whole-second-times"]).Options!;
        var subSecondOnly = SimulatorCommandLine.Parse(["--sub-second-times"]).Options!;

        Assert.Equal((false, false, null), (plain.TimestampEvents, plain.UsesSubSecondTimes, plain.Seed));
        Assert.Equal((true, true, 7, 7), (stamped.TimestampEvents, stamped.UsesSubSecondTimes, stamped.Seed, stamped.Load!.Seed));
        Assert.Equal((true, false), (wholeSeconds.TimestampEvents, wholeSeconds.UsesSubSecondTimes));
        Assert.Equal((false, true), (subSecondOnly.TimestampEvents, subSecondOnly.UsesSubSecondTimes));
    }

    [Fact]
    public void Timestamp_events_with_replay_is_an_error()
    {
        var file = Path.Combine(Fixtures.Capture.Directory, "ping.ami");

        var command = SimulatorCommandLine.Parse(["--replay", file, "--timestamp-events"]);

        Assert.Null(command.Options);
        Assert.Contains("--replay", command.Error);
    }

    [Fact]
    public void A_missing_value_is_an_error_not_a_crash()
    {
        Assert.Equal("--port needs a value", SimulatorCommandLine.Parse(["--port"]).Error);
    }

    [Fact]
    public void Replay_reads_the_capture_file()
    {
        var file = Path.Combine(Fixtures.Capture.Directory, "ping.ami");

        var o = SimulatorCommandLine.Parse(["--replay", file, "--replay-chunk", "10"]).Options!;

        Assert.Equal(File.ReadAllBytes(file), o.ReplayBytes!.Value.ToArray());
        Assert.Equal(10, o.ReplayChunkSize);
    }
}

/// <summary>--count-channel-ids: the process reports, when it stops, what an action-queue benchmark run must show.</summary>
public sealed class ExitReportTests
{
    [Fact]
    public async Task Count_channel_ids_reports_Originates_per_ChannelId_and_the_peak_rate_on_exit()
    {
        var command = SimulatorCommandLine.Parse(["--port", "0", "--count-channel-ids"]);
        await using var sim = await AsteriskSimulator.StartAsync(TestOptions.Fast);
        await using var client = await AmiTestClient.LoginAsync(sim.Port);
        foreach (var id in new[] { "x", "x" })
            await client.ActionAsync(("Action", "Originate"), ("ActionID", id), ("Channel", "Local/busy@test"),
                ("Context", "hold"), ("Exten", "s"), ("ChannelId", "job-x"), ("Async", "true"));

        var lines = ExitReport.Lines(sim.Nodes, command.CountChannelIds).ToList();

        Assert.True(command.CountChannelIds);
        Assert.Contains("--count-channel-ids", SimulatorCommandLine.Parse(["--help"]).Output);
        Assert.Contains(lines, l => l.Contains("1 ChannelIds") && l.Contains("1 received more than once: job-x×2"));
        Assert.Contains(lines, l => l.StartsWith("asterisk-1: peak ") && l.Contains(" actions in 1 s (window ending "));
        Assert.Single(ExitReport.Lines(sim.Nodes, countChannelIds: false));
    }
}
