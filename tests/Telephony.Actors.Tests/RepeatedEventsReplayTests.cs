using System.Text;
using Akka.Actor;
using Akka.Hosting;
using Telephony.Actors.Hosting;
using Telephony.Actors.Calls;
using Telephony.Actors.Nodes;
using Telephony.Ami.Client;
using Telephony.Domain.Billing;
using Telephony.Simulator;
using Xunit.Abstractions;

namespace Telephony.Actors.Tests;

/// <summary>
/// A real call whose DTMF digits 1,1,2,2 were pressed inside one second (ts-dtmf-repeated): twelve CEL DTMF, the
/// repeats identical in every field but the manager's Timestamp header — identical outright once that header is gone.
/// Replayed to a node (and replayed again after the node reconnects), every DTMF CEL is journaled exactly once: none
/// taken for a copy of its twin, none journaled twice by the replay.
/// </summary>
public class RepeatedEventsReplayTests(ITestOutputHelper output)
{
    public static TheoryData<string, bool> Variants() => new()
    {
        { "sqlite", true }, { "sqlite", false }, { "mariadb", true }, { "mariadb", false },
    };

    [Theory]
    [MemberData(nameof(Variants))]
    public async Task Every_repeated_dtmf_digit_is_journaled_once_even_when_the_call_is_replayed_again(string provider, bool timestamps)
    {
        var bytes = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "fixtures", "ami-captures", "timestamps", "ts-dtmf-repeated.ami"));
        if (!timestamps) bytes = WithoutTimestampHeaders(bytes);
        var expected = CaptureReplayTests.ExpectedIdentities(bytes);
        await using var sim = await AsteriskSimulator.StartAsync(new SimulatorOptions
        {
            Port = 0, ReplayBytes = bytes, ReplayAnswersLogin = true, ReplayCloseAtEnd = true,
        });
        var node = new AsteriskNodeSettings
        {
            Name = "pbx1", Host = "127.0.0.1", Port = sim.Port, Username = "admin", Secret = "secret",
            AuthType = AmiAuthType.Md5, TimeZone = TimeZoneInfo.Utc,
        };
        await using var host = await TelephonyHost.StartAsync(TelephonyHost.OptionsFor(await TestJournal.CreateAsync(provider), node));
        var region = host.Registry.Get<NodeRegion>();
        async Task<NodeStatus> Status() =>
            await region.Ask<NodeStatus>(new NodeCommand("pbx1", NodeCommandKind.GetStatus), TimeSpan.FromSeconds(5));

        await IngestScenarioTests.WaitUntil(async () => (await Status()).DuplicatesIgnored >= expected.Count,
            "the call was journaled, then replayed again after a reconnect", 60);

        var journaled = IngestScenarioTests.Flatten(await host.ReadTagAsync(CallTags.Cel)).Where(e => e.Kind == RecordedEventKind.Cel).ToList();
        var dtmf = journaled.Where(e => e.EventName == "DTMF").ToList();
        output.WriteLine($"{provider}, timestamps {timestamps}: {journaled.Count} CEL journaled, {dtmf.Count} DTMF, " +
                         $"digits {string.Concat(dtmf.Select(e => e.Header("Extra")![10]))}, {(await Status()).DuplicatesIgnored} copies ignored");

        Assert.Equal(12, dtmf.Count);
        Assert.Equal(12, dtmf.Select(e => e.Identity).Distinct().Count());
        Assert.Equal("111111222222", string.Concat(dtmf.Select(e => e.Header("Extra")![10])));
        Assert.Equal(journaled.Count, journaled.Select(e => e.Identity).Distinct().Count());
        Assert.Subset(expected, journaled.Select(e => e.Identity).ToHashSet());

        var billing = (await host.ReadTagAsync(CallTags.Billing)).Select(e => (CallCompleted)e.Event).ToList();
        var record = Assert.Single(Assert.Single(billing).Records);
        Assert.Equal(timestamps ? SecondsPrecision.ManagerTimestamp : SecondsPrecision.AsteriskCdr, record.Precision);
    }

    /// <summary>The capture as a server without <c>timestampevents</c> would have sent it.</summary>
    internal static byte[] WithoutTimestampHeaders(byte[] capture)
    {
        var text = Encoding.UTF8.GetString(capture);
        return Encoding.UTF8.GetBytes(System.Text.RegularExpressions.Regex.Replace(text, "(?<=\r\n)Timestamp: [0-9.]+\r\n", ""));
    }
}
