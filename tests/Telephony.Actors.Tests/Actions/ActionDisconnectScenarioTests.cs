using Akka.Actor;
using Telephony.Actors.Actions;
using Telephony.Actors.Hosting;
using Telephony.Domain.Actions;
using Telephony.Simulator;
using Xunit.Abstractions;

namespace Telephony.Actors.Tests.Actions;

/// <summary>An Asterisk node unreachable for 30 s while a dialer keeps submitting: the actions wait durably and go
/// after the reconnect, at the configured rate.</summary>
public class ActionDisconnectScenarioTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Ask = TimeSpan.FromSeconds(10);
    private const double Rate = 10;
    private const int Burst = 5;

    [Fact]
    public async Task Actions_submitted_while_the_node_is_down_for_30_s_are_all_sent_after_the_reconnect_within_the_rate_limit()
    {
        await using var sim = await AsteriskSimulator.StartAsync(new SimulatorOptions
            { Port = 0, TimeScale = 0.05, TimeZone = TimeZoneInfo.Utc, CdrLinkedIdAndSequence = true });
        var options = TelephonyHost.OptionsFor(await TestJournal.CreateAsync("sqlite"), TelephonyHost.NodeFor(sim.Node));
        await using var host = await TelephonyHost.StartAsync(options with
            { ExtraHocon = $"telephony.actions {{ rate-per-second = {Rate}, burst = {Burst} }}" });
        var nodes = host.Registry.Get<NodeRegion>();
        await IngestScenarioTests.WaitUntil(() => sim.Node.Sessions.LoggedInNow > 0, "the node logs in");

        var restart = sim.Node.Faults.RestartAsync(TimeSpan.FromSeconds(30));
        await IngestScenarioTests.WaitUntil(() => sim.Node.Sessions.LoggedInNow == 0, "the node is unreachable");
        var ids = new List<string>();
        for (var i = 0; i < 100; i++)
        {
            var request = new ActionRequest("pbx1", "Originate",
                [new("Channel", "Local/answer@test"), new("Context", "hold"), new("Exten", "s"), new("Priority", "1")],
                IdempotencyKey: $"outage-{i}");
            ids.Add((await nodes.Ask<ActionSubmitted>(new SubmitAction(request), Ask)).Action.Id);
            await Task.Delay(100); // a dialer trickling in over the outage
        }
        var waiting = await nodes.Ask<ActionList>(new ListActions("pbx1", ActionStatus.Queued, 1000), Ask);
        Assert.Equal(100, waiting.Counts[ActionStatus.Queued]); // nothing sent, nothing lost while down
        Assert.All(waiting.Actions, a => Assert.Contains(a.Id, ids)); // (the first page of them: ActionPages)
        Assert.Equal(0, sim.Node.Actions["Originate"]);

        await restart;
        var reconnected = DateTimeOffset.UtcNow;
        var final = new List<ActionRecord>();
        foreach (var id in ids) final.Add(await ActionQueueScenarioTests.WaitForStatus(nodes, id, ActionStatus.Ended, seconds: 90));

        Assert.All(final, a => Assert.True(a.SentAt >= reconnected.AddSeconds(-1), $"{a.Id} sent at {a.SentAt:O}, before the reconnect"));
        // One taken just as the connection dropped is requeued when the client proves it never wrote it (a second
        // attempt); what counts is what Asterisk received: each Originate once.
        Assert.Equal(100, sim.Node.Actions["Originate"]);
        Assert.Empty(sim.Node.OriginatesByChannelId.DuplicateChannelIds);
        // The limit holds where the queue writes; what Asterisk reads can bunch up behind a pause of its reader (the
        // simulator shares this process: a CI run read 19 in one second while the writes kept to the limit).
        var sent = final.Select(a => a.SentAt!.Value).Order().ToList();
        var peakSent = sent.Select((t, i) => sent.Skip(i).TakeWhile(u => u - t < TimeSpan.FromSeconds(1)).Count()).Max();
        var peak = sim.Node.ActionRate.Peak(TimeSpan.FromSeconds(1), "Originate");
        output.WriteLine($"peak Originates written in any 1 s: {peakSent}, received: {peak} (limit {Rate}/s, burst {Burst})");
        Assert.InRange(peakSent, 1, (int)Rate + Burst);
        Assert.InRange(peak, 1, 2 * ((int)Rate + Burst));
        var span = final.Max(a => a.SentAt!.Value) - final.Min(a => a.SentAt!.Value);
        Assert.True(span >= TimeSpan.FromSeconds((100 - Burst) / Rate - 1), $"100 sent in {span.TotalSeconds:F1} s: faster than {Rate}/s");
    }
}
