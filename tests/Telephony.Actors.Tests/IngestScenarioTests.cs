using Akka.Actor;
using Akka.Hosting;
using Akka.Persistence.Query;
using Telephony.Actors.Calls;
using Telephony.Actors.Hosting;
using Telephony.Actors.Nodes;
using Telephony.Ami.Client;
using Telephony.Simulator;
using Xunit.Abstractions;

namespace Telephony.Actors.Tests;

/// <summary>Simulator -> AsteriskNode -> Call entities -> journal, read back with Akka.Persistence.Query.</summary>
public class IngestScenarioTests(ITestOutputHelper output)
{
    private static AsteriskNodeSettings NodeFor(SimulatedNode sim, string name = "pbx1") => new()
    {
        Name = name,
        Host = "127.0.0.1",
        Port = sim.Port,
        Username = "admin",
        Secret = "secret",
        AuthType = AmiAuthType.Md5,
        TimeZone = TimeZoneInfo.Utc,
    };

    [Theory]
    [InlineData("sqlite")]
    [InlineData("mariadb")]
    public async Task Calls_on_the_simulator_are_journaled_once_and_completed_with_a_billing_record(string provider)
    {
        await using var sim = await AsteriskSimulator.StartAsync(new SimulatorOptions
        {
            Port = 0, TimeScale = 0.01, TimeZone = TimeZoneInfo.Utc, CdrLinkedIdAndSequence = true,
        });
        var journal = await TestJournal.CreateAsync(provider);
        await using var host = await TelephonyHost.StartAsync(TelephonyHost.OptionsFor(journal, NodeFor(sim.Node)));
        await WaitUntil(() => sim.Node.Sessions.LoggedInNow > 0, "the node logs in to the simulator");

        var scripts = new[] { "answered", "busy", "noanswer", "dial-answered" };
        foreach (var script in scripts) sim.Node.StartCall(script);

        try
        {
            await WaitUntil(async () => (await host.ReadTagAsync(CallTags.Billing)).Count >= scripts.Length, "every call is billed");
        }
        finally
        {
            var status = await host.Registry.Get<NodeRegion>().Ask<NodeStatus>(new NodeCommand("pbx1", NodeCommandKind.GetStatus), TimeSpan.FromSeconds(5));
            output.WriteLine(System.Text.Json.JsonSerializer.Serialize(status));
            output.WriteLine($"billing rows: {(await host.ReadTagAsync(CallTags.Billing)).Count}, cel rows: {(await host.ReadTagAsync(CallTags.Cel)).Count}");
        }
        var cel = Flatten(await host.ReadTagAsync(CallTags.Cel)).Where(e => e.Kind == RecordedEventKind.Cel).ToList();
        var cdr = Flatten(await host.ReadTagAsync(CallTags.Cdr)).Where(e => e.Kind == RecordedEventKind.Cdr).ToList();
        output.WriteLine($"{provider}: {cel.Count} CEL, {cdr.Count} Cdr journaled");

        Assert.Equal(cel.Count, cel.Select(e => e.Identity).Distinct().Count());
        Assert.Equal(cdr.Count, cdr.Select(e => e.Identity).Distinct().Count());
        Assert.Equal(scripts.Length, cel.Count(e => e.EventName == "LINKEDID_END"));
        var billing = (await host.ReadTagAsync(CallTags.Billing)).Select(e => (CallCompleted)e.Event).ToList();
        Assert.Equal(scripts.Length, billing.Select(b => b.LinkedId).Distinct().Count());
        Assert.All(billing, b => Assert.Single(b.Records));
    }

    internal static IEnumerable<RecordedEvent> Flatten(IEnumerable<EventEnvelope> envelopes) =>
        envelopes.Select(e => e.Event).OfType<CallEventsRecorded>().SelectMany(r => r.Events);

    internal static async Task WaitUntil(Func<Task<bool>> condition, string what, int seconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (DateTime.UtcNow < deadline)
        {
            if (await condition()) return;
            await Task.Delay(100);
        }
        Assert.Fail($"timed out after {seconds}s waiting until {what}");
    }

    internal static Task WaitUntil(Func<bool> condition, string what, int seconds = 30) =>
        WaitUntil(() => Task.FromResult(condition()), what, seconds);
}
