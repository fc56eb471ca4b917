using Telephony.Ami.Protocol;
using Telephony.Simulator.Load;
using Telephony.Simulator.Tests.Fixtures;
using Xunit.Abstractions;

namespace Telephony.Simulator.Tests;

/// <summary>
/// Sub-second call clocks, read the way a client reads them: per channel, the Timestamp headers of CEL CHAN_START /
/// ANSWER / HANGUP give Asterisk's own Cdr Duration and BillableSeconds, while whole-second EventTimes often give one
/// second more (as in tests/fixtures/ami-captures/timestamps, where 49 of 80 real calls were off by +1).
/// </summary>
public sealed class SubSecondTimeTests(ITestOutputHelper output)
{
    private const int Calls = 200;

    [Fact]
    public async Task Under_load_Timestamps_give_the_Cdr_seconds_exactly_and_whole_seconds_are_often_one_more()
    {
        var received = await PlayLoadAsync(TestOptions.Fast with
        {
            TimeScale = 0.001,
            TimestampEvents = true,
            Seed = 16,
            Load = new LoadOptions
            {
                CallsPerSecond = 400,
                MaxConcurrent = 40,
                Duration = DurationDistribution.Uniform(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(9)),
                Scripts = [new("answered", 3), new("dial-answered", 3), new("queue-answered", 2), new("queue-abandoned", 1),
                    new("originate-application", 1), new("noanswer", 1), new("dial-noanswer", 1), new("busy", 1)],
                Seed = 16,
            },
        });
        var events = received.Where(m => m.IsEvent).ToList();
        var seen = events.Where(m => m["EventName"] == "CHAN_START").Select(m => m["UniqueID"]!).ToHashSet();
        var moments = events.Where(m => m.EventName == "CEL" && m["EventName"] is "CHAN_START" or "ANSWER" or "HANGUP")
            .ToLookup(m => m["UniqueID"]!);
        var linkedids = events.Where(m => m["EventName"] == "CHAN_START").ToDictionary(m => m["UniqueID"]!, m => m["LinkedID"]!);

        var failures = new List<string>();
        int durations = 0, durationsPlusOne = 0, billsecs = 0, billsecsPlusOne = 0;
        var answeredCalls = new HashSet<string>();
        var nearest = long.MaxValue; // µs between a talk time and a whole second, closest over all channels
        foreach (var channel in events.Where(m => m.EventName == "Cdr").GroupBy(m => m["UniqueID"]!))
        {
            // Channels whose start we saw and with one Cdr (a second Cdr is a fork that starts mid-channel).
            if (!seen.Contains(channel.Key) || channel.Count() != 1) continue;
            var cdr = channel.Single();
            var cel = moments[channel.Key].ToDictionary(m => m["EventName"]!);
            var start = cel["CHAN_START"];
            var end = cel["HANGUP"];
            Check("StartTime", cdr["StartTime"], start["EventTime"]);
            Check("EndTime", cdr["EndTime"], end["EventTime"]);
            var duration = long.Parse(cdr["Duration"]!);
            Check("Duration from Timestamps", $"{duration}",
                $"{ManagerTimes.AsteriskSeconds(ManagerTimes.Micros(end), ManagerTimes.Micros(start))}");
            var wholeDuration = ManagerTimes.Seconds(end["EventTime"]!) - ManagerTimes.Seconds(start["EventTime"]!);
            Check("whole-second duration is the Cdr's or one more", "0 or 1", wholeDuration - duration is 0 or 1 ? "0 or 1" : $"{wholeDuration - duration}");
            durations++;
            if (wholeDuration == duration + 1) durationsPlusOne++;

            if (cdr["AnswerTime"]!.Length == 0 || !cel.TryGetValue("ANSWER", out var answer)) continue;
            Check("AnswerTime", cdr["AnswerTime"], answer["EventTime"]);
            var billsec = long.Parse(cdr["BillableSeconds"]!);
            var talk = ManagerTimes.Micros(end) - ManagerTimes.Micros(answer);
            Check("BillableSeconds from Timestamps", $"{billsec}", $"{ManagerTimes.AsteriskSeconds(ManagerTimes.Micros(end), ManagerTimes.Micros(answer))}");
            var wholeBillsec = ManagerTimes.Seconds(end["EventTime"]!) - ManagerTimes.Seconds(answer["EventTime"]!);
            Check("whole-second billsec is the Cdr's or one more", "0 or 1", wholeBillsec - billsec is 0 or 1 ? "0 or 1" : $"{wholeBillsec - billsec}");
            billsecs++;
            if (wholeBillsec == billsec + 1) billsecsPlusOne++;
            if (cdr["Disposition"] == "ANSWERED") answeredCalls.Add(start["LinkedID"]!);
            nearest = Math.Min(nearest, Math.Min(talk % 1_000_000, 1_000_000 - talk % 1_000_000));

            void Check(string what, string? simulated, string? expected)
            {
                if (simulated != expected) failures.Add($"{channel.Key} {cdr["Channel"]}: {what} {simulated}, expected {expected}");
            }
        }

        var answeredSeen = events.Where(m => m.EventName == "Cdr" && m["Disposition"] == "ANSWERED" && seen.Contains(m["UniqueID"]!))
            .Select(m => linkedids[m["UniqueID"]!]).ToHashSet();
        output.WriteLine($"{seen.Count} channels started while connected; {durations} single-Cdr channels, " +
                         $"{billsecs} of them answered ({answeredCalls.Count} answered calls); whole seconds +1: " +
                         $"duration {durationsPlusOne} of {durations}, billsec {billsecsPlusOne} of {billsecs}; " +
                         $"closest talk time to a whole second {nearest} µs");
        Assert.Empty(failures);
        Assert.InRange(answeredCalls.Count, 100, int.MaxValue);
        Assert.Equal(answeredSeen.Order(), answeredCalls.Order()); // every answered call had a channel checked
        // The fractions are real: a good share of whole-second results are one more, and many are not.
        Assert.InRange(billsecsPlusOne, billsecs / 4, billsecs * 3 / 4);
        Assert.InRange(durationsPlusOne, durations / 4, durations * 3 / 4);
    }

    [Fact]
    public async Task Every_CEL_is_raised_in_the_second_of_its_EventTime_or_just_after_and_no_Cdr_before_its_end()
    {
        var received = await PlayLoadAsync(TestOptions.Fast with
        {
            TimeScale = 0.001, TimestampEvents = true,
            Load = new LoadOptions
            {
                CallsPerSecond = 400, MaxConcurrent = 40, Scripts = [new("dial-answered", 1), new("queue-answered", 1)],
            },
        });

        var cel = received.Where(m => m.EventName == "CEL").ToList();
        Assert.All(cel, m => Assert.InRange(ManagerTimes.Micros(m) - ManagerTimes.Seconds(m["EventTime"]!) * 1_000_000,
            0, 1_000_000 + 100)); // a raise may cross into the next second by its few µs of delay, never precede
        Assert.All(received.Where(m => m.EventName == "Cdr"),
            m => Assert.True(ManagerTimes.Micros(m) >= ManagerTimes.Seconds(m["EndTime"]!) * 1_000_000, m.ToString()));
        // Within one moment events are microseconds apart, not all on one instant.
        var byCall = cel.GroupBy(m => m["LinkedID"]).Select(g => g.Select(ManagerTimes.Micros).Distinct().Count());
        Assert.All(byCall, distinct => Assert.True(distinct > 1));
        output.WriteLine($"{cel.Count} CEL, {received.Count(m => m.EventName == "Cdr")} Cdr checked");
    }

    [Fact]
    public async Task The_same_seed_gives_every_call_the_same_instants_relative_to_its_start()
    {
        var first = await OffsetsAsync(seed: 7);
        var again = await OffsetsAsync(seed: 7);
        var other = await OffsetsAsync(seed: 8);

        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
    }

    /// <summary>Three calls one after the other; per event: its call, name and µs since the call's first Timestamp
    /// (the start itself is the wall clock), plus each Cdr's seconds.</summary>
    private static async Task<List<string>> OffsetsAsync(int seed)
    {
        await using var sim = await AsteriskSimulator.StartAsync(TestOptions.Fast with { TimestampEvents = true, CdrLinkedIdAndSequence = true, Seed = seed });
        await using var client = await AmiTestClient.LoginAsync(sim.Port);
        foreach (var script in new[] { "dial-answered", "queue-answered", "answered" })
            await sim.Node.StartCall(script)!.Completion.WaitAsync(AmiTestClient.Patience);
        await client.ActionAsync(("Action", "Ping"), ("ActionID", "flush"));

        var calls = client.Received.Where(m => m.IsEvent && m.Has("Linkedid")).GroupBy(m => m["Linkedid"]).ToList();
        Assert.Equal(3, calls.Count);
        return calls.SelectMany((call, i) =>
        {
            var first = ManagerTimes.Micros(call.First());
            return call.Select(m => $"call {i} {m.EventName} {m["EventName"]} +{ManagerTimes.Micros(m) - first} µs" +
                                    (m.EventName == "Cdr" ? $" {m["Duration"]}/{m["BillableSeconds"]} s" : ""));
        }).ToList();
    }

    /// <summary>Runs the load until <see cref="Calls"/> calls have started while connected, stops it, lets every call
    /// finish and returns what one session received (a Ping answered last proves nothing is still queued).</summary>
    private static async Task<IReadOnlyList<AmiMessage>> PlayLoadAsync(SimulatorOptions options)
    {
        await using var sim = await AsteriskSimulator.StartAsync(options);
        await using var client = await AmiTestClient.LoginAsync(sim.Port);
        var started = new HashSet<string?>();
        await client.NextAsync(m => m["EventName"] == "CHAN_START" && started.Add(m["LinkedID"]) && started.Count >= Calls,
            TimeSpan.FromSeconds(60));
        await sim.Node.Load!.DisposeAsync();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (sim.Node.ActiveCalls > 0)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{sim.Node.ActiveCalls} calls still up");
            await Task.Delay(10);
        }
        await client.ActionAsync(("Action", "Ping"), ("ActionID", "flush"));
        Assert.Equal(0, sim.Node.CallFaults);
        return client.Received;
    }
}
