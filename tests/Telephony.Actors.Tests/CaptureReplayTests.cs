using Akka.Actor;
using Akka.Hosting;
using Telephony.Actors.Calls;
using Telephony.Actors.Hosting;
using Telephony.Actors.Nodes;
using Telephony.Ami.Client;
using Telephony.Ami.Protocol;
using Telephony.Domain.Cdr;
using Telephony.Domain.Cel;
using Telephony.Domain.Identity;
using Telephony.Simulator;
using Xunit.Abstractions;

namespace Telephony.Actors.Tests;

/// <summary>
/// Each real capture is replayed by the simulator to a node (the simulator answers the node's login, then sends the
/// capture's bytes as Asterisk sent them and hangs up). Every CEL and Cdr of the capture must be in the journal exactly
/// once; the node then reconnects and gets the same capture again — a reconnect replay — which must add nothing.
/// </summary>
public class CaptureReplayTests(ITestOutputHelper output)
{
    public static TheoryData<string, string> CallCaptures()
    {
        var data = new TheoryData<string, string>();
        foreach (var provider in new[] { "sqlite", "mariadb" })
        foreach (var capture in new[]
                 {
                     "answered.ami", "busy.ami", "noanswer.ami", "dial-answered.ami", "dial-busy.ami", "dial-noanswer.ami",
                     "originate-application.ami", "queue-answered.ami", "queue-abandoned.ami", "queue-hungup-by-ami.ami",
                 })
            data.Add(provider, capture);
        return data;
    }

    [Theory]
    [MemberData(nameof(CallCaptures))]
    public async Task Every_CEL_and_Cdr_of_a_capture_is_journaled_exactly_once_even_when_replayed_again(string provider, string capture)
    {
        var bytes = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "fixtures", "ami-captures", capture));
        var expected = ExpectedIdentities(bytes);
        await using var sim = await AsteriskSimulator.StartAsync(new SimulatorOptions
        {
            Port = 0, ReplayBytes = bytes, ReplayAnswersLogin = true, ReplayCloseAtEnd = true,
        });
        var journal = await TestJournal.CreateAsync(provider);
        var node = new AsteriskNodeSettings
        {
            Name = "pbx1", Host = "127.0.0.1", Port = sim.Port, Username = "admin", Secret = "secret",
            AuthType = AmiAuthType.Md5, TimeZone = TimeZoneInfo.Utc,
        };
        await using var host = await TelephonyHost.StartAsync(TelephonyHost.OptionsFor(journal, node));
        var region = host.Registry.Get<NodeRegion>();
        async Task<NodeStatus> Status() =>
            await region.Ask<NodeStatus>(new NodeCommand("pbx1", NodeCommandKind.GetStatus), TimeSpan.FromSeconds(5));

        await IngestScenarioTests.WaitUntil(async () => (await Status()).DuplicatesIgnored >= expected.Count,
            "the capture was journaled and then replayed again after a reconnect", 60);

        var status = await Status();
        var journaled = IngestScenarioTests.Flatten(await host.ReadTagAsync(CallTags.Cel))
            .Concat(IngestScenarioTests.Flatten(await host.ReadTagAsync(CallTags.Cdr)))
            .DistinctBy(e => (e.Identity, e.ReceivedAt)) // a row with both CEL and Cdr comes back under both tags
            .ToList();
        output.WriteLine($"{capture} on {provider}: {expected.Count} expected, {journaled.Count} journaled, " +
                         $"{status.DuplicatesIgnored} duplicates ignored, {status.Reconnects} reconnects, {status.Quarantined} quarantined");

        Assert.Equal(journaled.Count, journaled.Select(e => e.Identity).Distinct().Count()); // nothing twice
        Assert.Equal(expected.OrderBy(x => x), journaled.Select(e => e.Identity).OrderBy(x => x)); // nothing missing
        Assert.Equal(0, status.Quarantined);
        Assert.True(status.Reconnects >= 1);
        var billing = await host.ReadTagAsync(CallTags.Billing);
        Assert.NotEmpty(billing);
        Assert.All(billing, e => Assert.Equal(1, ((CallCompleted)e.Event).Revision)); // the replay amended nothing
    }

    [Fact]
    public async Task A_capture_without_calls_journals_nothing_and_quarantines_nothing()
    {
        var bytes = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "fixtures", "ami-captures", "status-during-queue-call.ami"));
        await using var sim = await AsteriskSimulator.StartAsync(new SimulatorOptions
        {
            Port = 0, ReplayBytes = bytes, ReplayAnswersLogin = true, ReplayCloseAtEnd = true,
        });
        var node = new AsteriskNodeSettings
        {
            Name = "pbx1", Host = "127.0.0.1", Port = sim.Port, Username = "admin", Secret = "secret", TimeZone = TimeZoneInfo.Utc,
        };
        await using var host = await TelephonyHost.StartAsync(TelephonyHost.OptionsFor(TestJournal.Sqlite(), node));
        var region = host.Registry.Get<NodeRegion>();
        await IngestScenarioTests.WaitUntil(async () =>
            (await region.Ask<NodeStatus>(new NodeCommand("pbx1", NodeCommandKind.GetStatus), TimeSpan.FromSeconds(5))).Reconnects >= 1,
            "the capture was replayed and the node reconnected");

        Assert.Empty(await host.ReadTagAsync(CallTags.Cel));
        Assert.Empty(await host.ReadTagAsync(CallTags.Quarantine));
    }

    /// <summary>The identities a node gives the capture's CEL and Cdr: content, numbered by occurrence in the stream.</summary>
    internal static HashSet<string> ExpectedIdentities(byte[] capture)
    {
        var set = new HashSet<string>();
        var numbering = new RepeatNumbering();
        foreach (var m in new AmiParser().ParseAll(capture))
        {
            if (m.EventName == "CEL")
                set.Add(numbering.Number(1, EventIdentity.ForCel(CelEventFactory.Parse(m.Headers, TimeZoneInfo.Utc).GetValueOrThrow())).Value);
            if (m.EventName == "Cdr")
                set.Add(numbering.Number(1, EventIdentity.ForCdr(CdrRecordFactory.Parse(m.Headers, TimeZoneInfo.Utc).GetValueOrThrow())).Value);
        }
        return set;
    }
}
