using Telephony.Ami.Protocol;
using Telephony.Simulator.Tests.Fixtures;

namespace Telephony.Simulator.Tests;

/// <summary>
/// manager.conf <c>timestampevents = yes</c> as recorded in tests/fixtures/ami-captures/timestamps: every event raised
/// through the manager carries <c>Timestamp: sec.usec</c> as its third header; FullyBooted, responses (but for Ping's
/// own line) and the events of an action's list do not. One session over TCP exercises every path: login, an
/// answered call torn down by an AMI Hangup, a queue call hung up while it waits, listings, Ping and a bad action.
/// </summary>
public sealed class TimestampHeaderTests
{
    private static readonly string[] ListActionIds = ["csc", "qs"];

    [Fact]
    public async Task With_timestamp_events_every_raised_event_has_a_Timestamp_as_its_third_header()
    {
        var received = await PlaySessionAsync(TestOptions.Fast with { TimeScale = 1, TimestampEvents = true });

        var raised = received.Where(m => m.IsEvent && m.EventName != "FullyBooted" && !ListActionIds.Contains(m.ActionId)).ToList();
        Assert.All(raised, m =>
        {
            Assert.Equal(["Event", "Privilege", "Timestamp"], m.Headers.Take(3).Select(h => h.Key));
            Assert.Matches(ManagerTimes.TimestampFormat(), m["Timestamp"]!);
            Assert.Single(m.Headers, h => h.Key == "Timestamp");
        });
        // The session covered scripted, torn-down, node-level (security) and Originate events.
        Assert.Superset(new HashSet<string> { "CEL", "Cdr", "Hangup", "OriginateResponse", "QueueCallerJoin",
            "SuccessfulAuth", "RequestBadFormat" }, raised.Select(m => m.EventName!).ToHashSet());
        AssertNoTimestampOnFullyBootedResponsesAndLists(received);
    }

    [Fact]
    public async Task Without_the_option_only_the_Ping_response_has_a_Timestamp()
    {
        var received = await PlaySessionAsync(TestOptions.Fast with { TimeScale = 1 });

        Assert.Equal(["ping"], received.Where(m => m.Has("Timestamp")).Select(m => m.ActionId));
        Assert.Contains(received, m => m.EventName == "Cdr");
        AssertNoTimestampOnFullyBootedResponsesAndLists(received);
    }

    [Fact]
    public async Task A_torn_down_call_reports_each_channel_end_once_in_its_Hangup_CEL_and_Cdr()
    {
        var received = await PlaySessionAsync(TestOptions.Fast with { TimeScale = 1, TimestampEvents = true });

        // The answered call (Local channel pair 0) was hung up by AMI during its first wait: generic teardown events.
        var torn = received.Where(m => m.IsEvent && m["Channel"]?.StartsWith("Local/answer@test-00000000;") == true).ToList();
        foreach (var channel in torn.Where(m => m.EventName == "Cdr").Select(m => m["Channel"]!))
        {
            var cel = torn.Where(m => m.EventName == "CEL" && m["Channel"] == channel).GroupBy(m => m["EventName"]!)
                .ToDictionary(g => g.Key, g => g.Single());
            var cdr = torn.Single(m => m.EventName == "Cdr" && m["Channel"] == channel);
            Assert.Equal(cel["HANGUP"]["EventTime"], cdr["EndTime"]);
            Assert.Equal(cel["ANSWER"]["EventTime"], cdr["AnswerTime"]);
            Assert.Equal(ManagerTimes.AsteriskSeconds(ManagerTimes.Micros(cel["HANGUP"]), ManagerTimes.Micros(cel["ANSWER"])),
                long.Parse(cdr["BillableSeconds"]!));
            Assert.Equal(ManagerTimes.AsteriskSeconds(ManagerTimes.Micros(cel["HANGUP"]), ManagerTimes.Micros(cel["CHAN_START"])),
                long.Parse(cdr["Duration"]!));
        }
        Assert.Equal(2, torn.Count(m => m.EventName == "Cdr"));
    }

    [Fact]
    public async Task Simulated_CEL_and_Cdr_have_the_header_layout_of_the_timestamped_capture()
    {
        var real = Capture.Load("timestamps/ts-dtmf-repeated").Received;
        await using var sim = await AsteriskSimulator.StartAsync(TestOptions.Fast with
        {
            TimestampEvents = true, CdrLinkedIdAndSequence = true, // the capture's cdr_manager.conf [mappings]
        });
        await using var client = await AmiTestClient.LoginAsync(sim.Port);

        foreach (var script in new[] { "dial-answered", "queue-answered" })
            await sim.Node.StartCall(script)!.Completion.WaitAsync(AmiTestClient.Patience);
        await client.ActionAsync(("Action", "Ping"), ("ActionID", "flush"));

        Assert.Equal(Layouts(real), Layouts(client.Received));

        static string[] Layouts(IEnumerable<AmiMessage> messages) =>
            messages.Where(m => m.EventName is "CEL" or "Cdr").Select(m => string.Join(",", m.Headers.Select(h => h.Key)))
                .Distinct().Order(StringComparer.Ordinal).ToArray();
    }

    private static void AssertNoTimestampOnFullyBootedResponsesAndLists(IReadOnlyList<AmiMessage> received)
    {
        Assert.False(received.Single(m => m.EventName == "FullyBooted").Has("Timestamp"));
        var lists = received.Where(m => m.IsEvent && ListActionIds.Contains(m.ActionId)).ToList();
        Assert.Contains(lists, m => m.EventName == "CoreShowChannel");
        Assert.Contains(lists, m => m.EventName == "QueueEntry");
        Assert.All(lists, m => Assert.False(m.Has("Timestamp"), m.ToString()));
        var responses = received.Where(m => m.IsResponse).ToList();
        Assert.All(responses.Where(m => m.ActionId != "ping"), m => Assert.False(m.Has("Timestamp"), m.ToString()));
        // Ping answers as the capture's ping.ami does, whatever the option.
        var ping = responses.Single(m => m.ActionId == "ping");
        Assert.Equal(["Response", "ActionID", "Ping", "Timestamp"], ping.Headers.Select(h => h.Key));
        Assert.Matches(ManagerTimes.TimestampFormat(), ping["Timestamp"]!);
    }

    /// <summary>Login; an answered call hung up by AMI in its first wait; a queue call listed while it waits, then
    /// hung up; Ping; an unknown action; Logoff. Returns everything the session received.</summary>
    private static async Task<IReadOnlyList<AmiMessage>> PlaySessionAsync(SimulatorOptions options)
    {
        await using var sim = await AsteriskSimulator.StartAsync(options);
        await using var client = await AmiTestClient.LoginAsync(sim.Port);

        await client.ActionAsync(("Action", "Originate"), ("Channel", "Local/answer@test"), ("Context", "hold"),
            ("Exten", "s"), ("Priority", "1"), ("CallerID", "\"Ann\" <200>"), ("Async", "true"), ("ActionID", "o1"));
        var answered = await client.NextAsync(m => m.EventName == "OriginateResponse");
        await client.ActionAsync(("Action", "Hangup"), ("Channel", answered["Channel"]!), ("ActionID", "h1"));
        await client.SeenAsync(m => m["EventName"] == "LINKEDID_END");

        await client.ActionAsync(("Action", "Originate"), ("Channel", "Local/queue-abandon@test"), ("Context", "hold"),
            ("Exten", "s"), ("Priority", "1"), ("Async", "true"), ("ActionID", "o2"));
        var join = await client.NextAsync(m => m.EventName == "QueueCallerJoin");

        await client.ActionAsync(("Action", "CoreShowChannels"), ("ActionID", "csc"));
        await client.NextAsync(m => m.EventName == "CoreShowChannelsComplete");
        await client.ActionAsync(("Action", "QueueStatus"), ("ActionID", "qs"));
        await client.NextAsync(m => m.EventName == "QueueStatusComplete");
        await client.ActionAsync(("Action", "Ping"), ("ActionID", "ping"));
        await client.ActionAsync(("Action", "NoSuchAction"), ("ActionID", "bad"));

        await client.ActionAsync(("Action", "Hangup"), ("Channel", join["Channel"]!), ("ActionID", "h2"));
        await client.WaitUntilAsync(r => r.Count(m => m["EventName"] == "LINKEDID_END") == 2);
        await client.WaitUntilAsync(r => r.Count(m => m.EventName == "Cdr") == 2 + 5);
        await client.SendAsync(("Action", "Logoff"), ("ActionID", "bye"));
        await client.UntilClosedAsync();
        return client.Received;
    }
}
