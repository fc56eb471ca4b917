using Akka.Hosting;
using Telephony.Actors.Calls;
using Telephony.Ami.Client;
using Telephony.Domain.Billing;
using Telephony.Domain.Cdr;
using Telephony.Simulator;
using Xunit.Abstractions;

namespace Telephony.Actors.Tests;

/// <summary>
/// Simulated Asterisk with sub-second call clocks (its Cdr bill floor(ms/1000) of microsecond instants, its CEL print
/// whole seconds): each call's derived record bills exactly what the simulated Asterisk's Cdr of the originating
/// channel says — from the Timestamp headers when the server sends them, else from that Cdr — and says which.
/// </summary>
public class ExactBillingScenarioTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Every_simulated_call_bills_the_seconds_asterisk_billed(bool timestampEvents)
    {
        await using var sim = await AsteriskSimulator.StartAsync(new SimulatorOptions
        {
            Port = 0, TimeScale = 0.01, TimeZone = TimeZoneInfo.Utc, CdrLinkedIdAndSequence = true,
            TimestampEvents = timestampEvents, SubSecondTimes = true, Seed = 20261202,
        });
        var node = new Nodes.AsteriskNodeSettings
        {
            Name = "pbx1", Host = "127.0.0.1", Port = sim.Port, Username = "admin", Secret = "secret",
            AuthType = AmiAuthType.Md5, TimeZone = TimeZoneInfo.Utc,
        };
        await using var host = await TelephonyHost.StartAsync(TelephonyHost.OptionsFor(TestJournal.Sqlite(), node));
        await IngestScenarioTests.WaitUntil(() => sim.Node.Sessions.LoggedInNow > 0, "the node logs in to the simulator");

        string[] scripts = ["answered", "dial-answered", "busy", "noanswer", "originate-application", "queue-answered"];
        const int calls = 36;
        for (var i = 0; i < calls; i++) sim.Node.StartCall(scripts[i % scripts.Length]);
        await IngestScenarioTests.WaitUntil(async () => (await host.ReadTagAsync(CallTags.Billing))
            .Select(e => ((CallCompleted)e.Event).LinkedId).Distinct().Count() >= calls, "every call is billed", 90);
        var expected = timestampEvents ? SecondsPrecision.ManagerTimestamp : SecondsPrecision.AsteriskCdr;
        await IngestScenarioTests.WaitUntil(async () => (await Latest(host)).All(r => r.Precision == expected),
            "every call's latest revision has exact seconds (a Cdr raised after LINKEDID_END amends its call)");

        var cdrs = IngestScenarioTests.Flatten(await host.ReadTagAsync(CallTags.Cdr)).Where(e => e.Kind == RecordedEventKind.Cdr)
            .Select(e => CdrRecordFactory.Parse(e.Headers, TimeZoneInfo.Utc).GetValueOrThrow()).ToList();
        var latest = await Latest(host);
        var corrected = 0;
        foreach (var record in latest)
        {
            // The originating channel's own Cdr (one: these scripts do not split it).
            var asterisk = cdrs.Where(c => c.UniqueId == record.LinkedId).ToList();
            Assert.Single(asterisk);
            Assert.Equal(expected, record.Precision);
            Assert.Equal((asterisk[0].Duration, asterisk[0].BillableSeconds), (record.DurationSeconds, record.BillableSeconds));
            if (record.Answer is { } answer && AsteriskWholeSeconds(answer, record.End) != record.BillableSeconds) corrected++;
        }
        output.WriteLine($"timestamps {timestampEvents}: {latest.Count} calls, all exact; {corrected} of them one second " +
                         "shorter than whole-second times would have billed");
        // Without Timestamps the Cdr is what made these exact (with them, the simulator's own tests prove its clocks
        // have fractions; one starved run here saw none corrected, so that variant only reports the count).
        if (!timestampEvents) Assert.True(corrected > 0, "sub-second clocks should make whole-second billing wrong for some calls");
    }

    private static async Task<List<BillingRecord>> Latest(TelephonyHost host) =>
        (await host.ReadTagAsync(CallTags.Billing)).Select(e => (CallCompleted)e.Event)
            .GroupBy(c => c.LinkedId).Select(g => g.MaxBy(c => c.Revision)!.Records.Single()).ToList();

    private static int AsteriskWholeSeconds(DateTimeOffset from, DateTimeOffset to) =>
        (int)(Truncate(to) - Truncate(from)).TotalSeconds;

    private static DateTimeOffset Truncate(DateTimeOffset t) => new(t.Ticks - t.Ticks % TimeSpan.TicksPerSecond, t.Offset);
}
