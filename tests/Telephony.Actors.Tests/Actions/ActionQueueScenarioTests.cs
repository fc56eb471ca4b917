using Akka.Actor;
using Telephony.Actors.Actions;
using Telephony.Actors.Hosting;
using Telephony.Domain.Actions;
using Telephony.Simulator;
using Xunit.Abstractions;

namespace Telephony.Actors.Tests.Actions;

/// <summary>Actions submitted in the cluster, journaled, sent to the simulator over AMI, followed to their end.</summary>
public class ActionQueueScenarioTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Ask = TimeSpan.FromSeconds(10);

    private static ActionRequest Originate(string channel, params (string Key, string Value)[] more) =>
        new("pbx1", "Originate",
        [
            new("Channel", channel), new("Context", "hold"), new("Exten", "s"), new("Priority", "1"),
            new("CallerID", "\"Dialer\" <5550100>"), .. more.Select(m => new KeyValuePair<string, string>(m.Key, m.Value)),
        ]);

    [Fact]
    public async Task An_answered_originate_goes_queued_sent_succeeded_up_ended_with_its_channel_found_by_ChannelId()
    {
        await using var sim = await AsteriskSimulator.StartAsync(new SimulatorOptions { Port = 0, TimeScale = 0.05, TimeZone = TimeZoneInfo.Utc });
        await using var host = await TelephonyHost.StartAsync(TelephonyHost.OptionsFor(await TestJournal.CreateAsync("sqlite"), TelephonyHost.NodeFor(sim.Node)));
        var nodes = host.Registry.Get<NodeRegion>();
        await IngestScenarioTests.WaitUntil(() => sim.Node.Sessions.LoggedInNow > 0, "the node logs in");

        var submitted = await nodes.Ask<ActionSubmitted>(new SubmitAction(Originate("Local/answer@test")), Ask);
        Assert.Equal(ActionStatus.Queued, submitted.Action.Status);
        Assert.NotNull(submitted.Action.ChannelId);

        var ended = await WaitForStatus(nodes, submitted.Action.Id, ActionStatus.Ended);
        output.WriteLine(System.Text.Json.JsonSerializer.Serialize(ended));
        Assert.Equal(submitted.Action.ChannelId, ended.UniqueId);
        Assert.Equal(submitted.Action.ChannelId, ended.LinkedId);
        Assert.NotNull(ended.SentAt);
        Assert.NotNull(ended.UpAt);
        Assert.NotNull(ended.HangupCause);
        Assert.True(ended.SentAt <= ended.RespondedAt && ended.RespondedAt <= ended.UpAt && ended.UpAt <= ended.EndedAt);
        Assert.Equal(1, sim.Node.Actions["Originate"]);
    }

    [Fact]
    public async Task An_action_queue_that_stopped_is_started_again_by_its_node_and_takes_the_next_action()
    {
        await using var sim = await AsteriskSimulator.StartAsync(new SimulatorOptions { Port = 0, TimeScale = 0.05, TimeZone = TimeZoneInfo.Utc });
        await using var host = await TelephonyHost.StartAsync(TelephonyHost.OptionsFor(await TestJournal.CreateAsync("sqlite"), TelephonyHost.NodeFor(sim.Node)));
        var nodes = host.Registry.Get<NodeRegion>();
        await IngestScenarioTests.WaitUntil(() => sim.Node.Sessions.LoggedInNow > 0, "the node logs in");
        var first = await nodes.Ask<ActionSubmitted>(new SubmitAction(Originate("Local/answer@test")), Ask);
        await WaitForStatus(nodes, first.Action.Id, ActionStatus.Ended);

        // The queue stops, as one whose recovery failed while the journal was down (its circuit breaker open) does.
        var path = host.System.ActorSelection("/system/sharding/asterisk-node*/*/pbx1/actions");
        var stopped = await path.ResolveOne(Ask);
        stopped.Tell(PoisonPill.Instance);

        IActorRef? again = null;
        await IngestScenarioTests.WaitUntil(() =>
        {
            try
            {
                again = path.ResolveOne(TimeSpan.FromSeconds(1)).GetAwaiter().GetResult();
                return !again.Equals(stopped);
            }
            catch (ActorNotFoundException)
            {
                return false;
            }
        }, "the node starts its action queue again");
        var second = await nodes.Ask<ActionSubmitted>(new SubmitAction(Originate("Local/answer@test")), Ask);
        await WaitForStatus(nodes, second.Action.Id, ActionStatus.Ended);
        Assert.False(second.Existing);
        Assert.Equal(2, sim.Node.Actions["Originate"]);
    }

    internal static async Task<ActionRecord> WaitForStatus(IActorRef nodes, string id, ActionStatus status, int seconds = 30)
    {
        var node = ActionBook.NodeOf(id)!;
        ActionRecord? last = null;
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (DateTime.UtcNow < deadline)
        {
            last = (await nodes.Ask<ActionFound>(new GetAction(node, id), Ask)).Action;
            if (last.Status == status) return last;
            await Task.Delay(50);
        }
        Assert.Fail($"{id} did not reach {status} within {seconds}s; it is {last?.Status} ({last?.Message}, {last?.Reason})");
        return null!;
    }
}
