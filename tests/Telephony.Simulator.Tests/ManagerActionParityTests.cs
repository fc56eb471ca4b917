using Telephony.Ami.Protocol;
using Telephony.Simulator.Tests.Fixtures;

namespace Telephony.Simulator.Tests;

/// <summary>
/// The single-action captures sent as they are: the simulator must answer with the same responses (status, message,
/// header layout), the same event lists and the same asynchronous events (FullyBooted, SuccessfulAuth,
/// RequestBadFormat; their position varies in real Asterisk too), and close the connection when Asterisk did.
/// </summary>
public sealed class ManagerActionParityTests
{
    private static readonly HashSet<string> FloatingEvents = ["FullyBooted", "SuccessfulAuth", "RequestBadFormat"];

    public static TheoryData<string> Captures =>
    [
        "ping", "corestatus", "coresettings", "coreshowchannels-idle", "queuestatus-idle", "queuesummary-idle",
        "command-core-show-version", "command-bad", "unknown-action", "bad-login", "no-auth-action", "logoff-only",
    ];

    [Theory]
    [MemberData(nameof(Captures))]
    public async Task Answers_like_the_capture(string name)
    {
        var capture = Capture.Load(name);
        await using var sim = await AsteriskSimulator.StartAsync(TestOptions.Fast);
        await using var client = await AmiTestClient.ConnectAsync(sim.Port);

        await client.SendRawAsync(capture.SentBytes);
        await client.UntilClosedAsync();

        Assert.Equal(Ordered(capture.Received), Ordered(client.Received));
        Assert.Equal(Floating(capture.Received), Floating(client.Received));
        Assert.Equal(capture.Received[0].BannerText, client.Received[0].BannerText);
    }

    [Fact]
    public async Task A_bad_CLI_command_gets_Asterisks_own_words()
    {
        var capture = Capture.Load("command-bad");
        await using var sim = await AsteriskSimulator.StartAsync(TestOptions.Fast);
        await using var client = await AmiTestClient.LoginAsync(sim.Port);

        var reply = await client.ActionAsync(("Action", "Command"), ("Command", "no such cli command"), ("ActionID", "cmd-2"));

        var real = capture.Received.Single(m => m.ActionId == "cmd-2");
        Assert.Equal("Error", reply.ResponseStatus);
        Assert.Equal(real.OutputLines, reply.OutputLines);
    }

    [Fact]
    public async Task Core_show_version_says_Asterisk_20()
    {
        await using var sim = await AsteriskSimulator.StartAsync(TestOptions.Fast);
        await using var client = await AmiTestClient.LoginAsync(sim.Port);

        var reply = await client.ActionAsync(("Action", "Command"), ("Command", "core show version"), ("ActionID", "v"));

        Assert.Equal("Command output follows", reply.MessageText);
        Assert.StartsWith("Asterisk 20.20.1 built by", Assert.Single(reply.OutputLines));
    }

    [Fact]
    public async Task Ping_returns_Pong_and_a_microsecond_timestamp()
    {
        await using var sim = await AsteriskSimulator.StartAsync(TestOptions.Fast);
        await using var client = await AmiTestClient.LoginAsync(sim.Port);

        var reply = await client.ActionAsync(("Action", "Ping"), ("ActionID", "p"));

        Assert.Equal("Pong", reply["Ping"]);
        Assert.Matches(@"^\d{10}\.\d{6}$", reply["Timestamp"]!);
    }

    /// <summary>Responses and list events in order, by ActionID, status, message and header layout.</summary>
    private static List<string> Ordered(IEnumerable<AmiMessage> messages) =>
        messages.Where(m => m.Kind != AmiMessageKind.Banner && !FloatingEvents.Contains(m.EventName ?? ""))
            .Select(Shape).ToList();

    private static List<string> Floating(IEnumerable<AmiMessage> messages) =>
        messages.Where(m => FloatingEvents.Contains(m.EventName ?? "")).Select(Shape).Order().ToList();

    private static string Shape(AmiMessage m)
    {
        var stable = new[] { "Response", "Event", "ActionID", "Message", "EventList", "ListItems", "Ping", "Queue",
            "Name", "Location", "Strategy", "Status", "AMIversion", "AsteriskVersion", "Severity", "Service", "RequestType",
            "AccountID", "UsingPassword", "CoreCurrentCalls", "Calls", "Callers", "LoggedIn", "Available" };
        var values = m.Headers.Where(h => stable.Contains(h.Key)).Select(h => $"{h.Key}={h.Value}");
        var output = m.OutputLines.Select(o => o.StartsWith("Asterisk 20.20.1 built by") ? "Asterisk 20.20.1 built by ..." : o);
        return $"[{string.Join(",", m.Headers.Select(h => h.Key))}] {string.Join(" ", values)} {string.Join("|", output)}";
    }
}
