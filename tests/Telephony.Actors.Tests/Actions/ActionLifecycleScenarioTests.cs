using Akka.Actor;
using Telephony.Actors.Actions;
using Telephony.Actors.Hosting;
using Telephony.Domain.Actions;
using Telephony.Simulator;

namespace Telephony.Actors.Tests.Actions;

/// <summary>The lifecycle paths a client meets, each against the simulator over AMI.</summary>
public class ActionLifecycleScenarioTests
{
    private static readonly TimeSpan Ask = TimeSpan.FromSeconds(10);

    private static async Task<(AsteriskSimulator Sim, TelephonyHost Host, IActorRef Nodes)> StartAsync(double timeScale = 0.05, string? hocon = null)
    {
        var sim = await AsteriskSimulator.StartAsync(new SimulatorOptions { Port = 0, TimeScale = timeScale, TimeZone = TimeZoneInfo.Utc });
        var options = TelephonyHost.OptionsFor(await TestJournal.CreateAsync("sqlite"), TelephonyHost.NodeFor(sim.Node));
        var host = await TelephonyHost.StartAsync(options with { ExtraHocon = hocon });
        await IngestScenarioTests.WaitUntil(() => sim.Node.Sessions.LoggedInNow > 0, "the node logs in");
        return (sim, host, host.Registry.Get<NodeRegion>());
    }

    private static ActionRequest Request(string action, params (string Key, string Value)[] headers) =>
        new("pbx1", action, headers.Select(h => new KeyValuePair<string, string>(h.Key, h.Value)).ToList());

    [Theory]
    [InlineData("Local/busy@test", "busy")]
    [InlineData("Local/noanswer@test", "no answer")]
    public async Task An_originate_nobody_answers_fails_with_the_OriginateResponse_reason(string channel, string reason)
    {
        var (sim, host, nodes) = await StartAsync();
        await using var _ = sim;
        await using var __ = host;
        var submitted = await nodes.Ask<ActionSubmitted>(new SubmitAction(Request("Originate",
            ("Channel", channel), ("Context", "hold"), ("Exten", "s"), ("Priority", "1"))), Ask);

        var failed = await ActionQueueScenarioTests.WaitForStatus(nodes, submitted.Action.Id, ActionStatus.Failed);
        Assert.Equal(reason, failed.Reason);
        Assert.NotNull(failed.RespondedAt);
        Assert.Equal(1, sim.Node.Actions["Originate"]);
    }

    [Fact]
    public async Task A_hangup_of_a_live_channel_succeeds_and_a_redirect_of_it_afterwards_is_refused_without_being_sent()
    {
        var (sim, host, nodes) = await StartAsync(timeScale: 1);
        await using var _ = sim;
        await using var __ = host;
        sim.Node.StartCall("queue-hungup-by-ami"); // waits on music for an AMI Hangup
        await IngestScenarioTests.WaitUntil(() => sim.Node.LiveChannels.Count >= 2, "the caller waits on music");
        await Task.Delay(500); // the node reads the channels' start
        var caller = sim.Node.LiveChannels.First(l => l.Channel.EndsWith(";2", StringComparison.Ordinal)).Channel;

        var hangup = await nodes.Ask<ActionSubmitted>(new SubmitAction(Request("Hangup", ("Channel", caller))), Ask);
        var done = await ActionQueueScenarioTests.WaitForStatus(nodes, hangup.Action.Id, ActionStatus.Succeeded);
        Assert.Equal("Channel Hungup", done.Message);
        await IngestScenarioTests.WaitUntil(() => sim.Node.LiveChannels.All(l => l.Channel != caller), "the channel is gone");
        await Task.Delay(500); // the node reads its Hangup

        var redirects = sim.Node.Actions["Redirect"];
        var redirect = await nodes.Ask<ActionSubmitted>(new SubmitAction(Request("Redirect",
            ("Channel", caller), ("Context", "vq-connect"), ("Exten", "b-1001"), ("Priority", "1"))), Ask);
        var refused = await ActionQueueScenarioTests.WaitForStatus(nodes, redirect.Action.Id, ActionStatus.Refused);
        Assert.Contains("has ended", refused.Message);
        Assert.Null(refused.SentAt);
        Assert.Equal(redirects, sim.Node.Actions["Redirect"]);
    }

    [Fact]
    public async Task A_redirect_of_a_live_channel_succeeds_with_asterisks_message()
    {
        var (sim, host, nodes) = await StartAsync(timeScale: 1);
        await using var _ = sim;
        await using var __ = host;
        sim.Node.StartCall("queue-hungup-by-ami"); // waits on music for an AMI Hangup
        await IngestScenarioTests.WaitUntil(() => sim.Node.LiveChannels.Count >= 2, "the caller waits on music");
        var caller = sim.Node.LiveChannels.First(l => l.Channel.EndsWith(";2", StringComparison.Ordinal)).Channel;

        var redirect = await nodes.Ask<ActionSubmitted>(new SubmitAction(Request("Redirect",
            ("Channel", caller), ("Context", "vq-connect"), ("Exten", "b-1001"), ("Priority", "1"))), Ask);
        var done = await ActionQueueScenarioTests.WaitForStatus(nodes, redirect.Action.Id, ActionStatus.Succeeded);
        Assert.Equal("Redirect successful", done.Message);
        Assert.Equal(1, done.Attempts);
        Assert.Equal(1, sim.Node.Actions["Redirect"]);
    }

    [Fact]
    public async Task A_redirect_of_a_channel_asterisk_does_not_know_fails_with_asterisks_message()
    {
        var (sim, host, nodes) = await StartAsync();
        await using var _ = sim;
        await using var __ = host;
        var redirect = await nodes.Ask<ActionSubmitted>(new SubmitAction(Request("Redirect",
            ("Channel", "Local/nobody@test-00000099;2"), ("Context", "vq-connect"), ("Exten", "b-1001"), ("Priority", "1"))), Ask);
        var failed = await ActionQueueScenarioTests.WaitForStatus(nodes, redirect.Action.Id, ActionStatus.Failed);
        Assert.Equal("Channel does not exist: Local/nobody@test-00000099;2", failed.Message);
    }

    [Fact]
    public async Task A_queued_action_can_be_cancelled_once_and_never_sent()
    {
        var (sim, host, nodes) = await StartAsync();
        await using var _ = sim;
        await using var __ = host;
        var later = await nodes.Ask<ActionSubmitted>(new SubmitAction(Request("Originate", ("Channel", "Local/answer@test"),
            ("Context", "hold"), ("Exten", "s")) with { NotBefore = DateTimeOffset.UtcNow.AddMinutes(5) }), Ask);
        var cancelled = await nodes.Ask<ActionFound>(new CancelAction("pbx1", later.Action.Id), Ask);
        Assert.Equal(ActionStatus.Cancelled, cancelled.Action.Status);

        var state = await nodes.Ask<ActionFound>(new GetAction("pbx1", later.Action.Id), Ask);
        Assert.Equal(ActionStatus.Cancelled, state.Action.Status);
        var again = await nodes.Ask<object>(new CancelAction("pbx1", later.Action.Id), Ask);
        Assert.Equal(ActionRefusalKind.Conflict, Assert.IsType<ActionRefused>(again).Kind);
        Assert.Equal(0, sim.Node.Actions["Originate"]);
    }

    [Fact]
    public async Task An_action_held_back_by_the_rate_limit_past_its_deadline_expires_unsent()
    {
        var (sim, host, nodes) = await StartAsync(hocon: "telephony.actions { rate-per-second = 0.01, burst = 1 }");
        await using var _ = sim;
        await using var __ = host;
        var first = await nodes.Ask<ActionSubmitted>(new SubmitAction(Request("CoreStatus")), Ask);
        await ActionQueueScenarioTests.WaitForStatus(nodes, first.Action.Id, ActionStatus.Succeeded);

        var late = await nodes.Ask<ActionSubmitted>(new SubmitAction(Request("CoreStatus") with
            { ExpiresAt = DateTimeOffset.UtcNow.AddSeconds(1) }), Ask);
        var expired = await ActionQueueScenarioTests.WaitForStatus(nodes, late.Action.Id, ActionStatus.Expired);
        Assert.Null(expired.SentAt);
        Assert.Equal(0, expired.Attempts);
        Assert.Equal(1, sim.Node.Actions["CoreStatus"]);
    }

    [Fact]
    public async Task Bad_requests_are_refused_with_the_field_named_and_nothing_is_journaled()
    {
        var (sim, host, nodes) = await StartAsync();
        await using var _ = sim;
        await using var __ = host;
        async Task<ActionRefused> Refused(ActionRequest r) => await nodes.Ask<ActionRefused>(new SubmitAction(r), Ask);

        var injected = await Refused(Request("Originate", ("Channel", "Local/answer@test"), ("Context", "hold"), ("Exten", "s"),
            ("CallerID", "\"Evil\r\nAction: Command\r\nCommand: core stop now\" <1>")));
        Assert.Contains(injected.Errors, e => e.Field == "headers.CallerID");
        var command = await Refused(Request("Command", ("Command", "core stop now")));
        Assert.Contains(command.Errors, e => e.Field == "action");
        var system = await Refused(Request("Originate", ("Channel", "Local/answer@test"), ("Application", "System"), ("Data", "rm -rf /")));
        Assert.Contains(system.Errors, e => e.Field == "headers.Application");
        var missing = await Refused(Request("Redirect", ("Channel", "SIP/1-1")));
        Assert.Contains(missing.Errors, e => e.Field == "headers.Exten");

        var list = await nodes.Ask<ActionList>(new ListActions("pbx1", null, 100), Ask);
        Assert.Empty(list.Actions);
        Assert.Equal(0, sim.Node.Actions["Originate"] + sim.Node.Actions["Command"] + sim.Node.Actions["Redirect"]);
    }

    [Fact]
    public async Task Clients_submitting_one_idempotency_key_at_once_get_one_action_and_asterisk_one_originate()
    {
        var (sim, host, nodes) = await StartAsync();
        await using var _ = sim;
        await using var __ = host;
        var request = Request("Originate", ("Channel", "Local/answer@test"), ("Context", "hold"), ("Exten", "s")) with { IdempotencyKey = "crm-4711" };
        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => nodes.Ask<ActionSubmitted>(new SubmitAction(request), Ask)));

        Assert.Single(answers.Select(a => a.Action.Id).Distinct());
        Assert.Single(answers, a => !a.Existing);
        await ActionQueueScenarioTests.WaitForStatus(nodes, answers[0].Action.Id, ActionStatus.Ended);
        Assert.Equal(1, sim.Node.Actions["Originate"]);
        var later = await nodes.Ask<ActionSubmitted>(new SubmitAction(request), Ask);
        Assert.Equal(answers[0].Action.Id, later.Action.Id);
        Assert.Equal(1, sim.Node.Actions["Originate"]);
    }
}
