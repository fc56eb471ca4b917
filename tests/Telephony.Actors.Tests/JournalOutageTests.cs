using Akka.Actor;
using Akka.Hosting;
using Microsoft.Data.Sqlite;
using Telephony.Actors.Calls;
using Telephony.Actors.Hosting;
using Telephony.Actors.Nodes;
using Telephony.Ami.Client;
using Telephony.Simulator;
using Xunit.Abstractions;

namespace Telephony.Actors.Tests;

/// <summary>When the journal cannot be written the node keeps reading Asterisk into its buffer and redelivers; once
/// the journal is back, everything that was buffered is journaled, once.</summary>
public class JournalOutageTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_journal_locked_for_several_seconds_loses_nothing_that_was_buffered_and_duplicates_nothing()
    {
        await using var sim = await AsteriskSimulator.StartAsync(new SimulatorOptions
        {
            Port = 0, TimeScale = 0.01, TimeZone = TimeZoneInfo.Utc, CdrLinkedIdAndSequence = true,
        });
        await using var observer = await AmiObserver.ConnectAsync(sim.Node);
        var journal = TestJournal.Sqlite();
        var options = TelephonyHost.OptionsFor(journal, new AsteriskNodeSettings
        {
            Name = "pbx1", Host = "127.0.0.1", Port = sim.Port, Username = "admin", Secret = "secret",
            AuthType = AmiAuthType.Md5, TimeZone = TimeZoneInfo.Utc,
        }) with
        {
            ExtraHocon = """
                akka.loglevel = WARNING
                telephony.nodes.delivery-timeout = 1s
                akka.persistence.journal.sql.circuit-breaker { call-timeout = 1s, max-failures = 3, reset-timeout = 1s }
                """,
        };
        await using var host = await TelephonyHost.StartAsync(options);
        var region = host.Registry.Get<NodeRegion>();
        async Task<NodeStatus> Status() =>
            await region.Ask<NodeStatus>(new NodeCommand("pbx1", NodeCommandKind.GetStatus), TimeSpan.FromSeconds(5));
        await IngestScenarioTests.WaitUntil(async () => (await Status()).AmiState == "Connected", "the node is connected");

        for (var i = 0; i < 10; i++) sim.Node.StartCall(i % 2 == 0 ? "answered" : "dial-busy");
        await IngestScenarioTests.WaitUntil(async () => (await Status()).EventsJournaled > 0, "the first events are journaled");

        // Take the write lock of the journal file away from the service for 6 seconds while calls keep coming.
        await using (var locker = new SqliteConnection(journal.ConnectionString + ";Default Timeout=1"))
        {
            await locker.OpenAsync();
            await using (var begin = locker.CreateCommand())
            {
                begin.CommandText = "BEGIN EXCLUSIVE";
                await begin.ExecuteNonQueryAsync();
            }
            for (var i = 0; i < 20; i++)
            {
                sim.Node.StartCall(i % 3 == 0 ? "queue-answered" : "answered");
                await Task.Delay(150);
            }
            var during = await Status();
            output.WriteLine($"during the outage: buffer {during.BufferUsed}, redeliveries {during.Redeliveries}, in flight {during.DeliveriesInFlight}");
            Assert.True(during.DeliveriesInFlight > 0 || during.BufferUsed > 0, "the node should be holding undelivered events");
            await using var rollback = locker.CreateCommand();
            rollback.CommandText = "ROLLBACK";
            await rollback.ExecuteNonQueryAsync();
        }

        var expected = observer.Cel.Count + observer.Cdr.Count;
        await IngestScenarioTests.WaitUntil(async () => (await host.ReadTagAsync(CallTags.Billing)).Select(e => ((CallCompleted)e.Event).LinkedId).Distinct().Count() >= 30,
            "all 30 calls are billed after the outage", 90);
        await IngestScenarioTests.WaitUntil(() => sim.Node.ActiveCalls == 0, "the simulator finished its calls");
        var journaled = IngestScenarioTests.Flatten(await host.ReadTagAsync(CallTags.Cel))
            .Concat(IngestScenarioTests.Flatten(await host.ReadTagAsync(CallTags.Cdr)))
            .DistinctBy(e => (e.Identity, e.ReceivedAt))
            .ToList();
        var status = await Status();
        output.WriteLine($"observer saw {observer.Cel.Count} CEL + {observer.Cdr.Count} Cdr; journaled {journaled.Count}; " +
                         $"redeliveries {status.Redeliveries}, duplicates ignored {status.DuplicatesIgnored}");

        Assert.True(status.Redeliveries > 0, "the outage should have forced redeliveries");
        Assert.Equal(journaled.Count, journaled.Select(e => e.Identity).Distinct().Count());
        var expectedIds = observer.Cel.Keys.Concat(observer.Cdr.Keys).OrderBy(x => x).ToList();
        Assert.Equal(expectedIds, journaled.Select(e => e.Identity).OrderBy(x => x).ToList());
        Assert.Equal(0, status.EventsDroppedOnOverflow);
    }

    [Fact]
    public async Task A_CEL_without_LinkedID_is_quarantined_with_its_reason_and_the_stream_goes_on()
    {
        await using var sim = await AsteriskSimulator.StartAsync(new SimulatorOptions
        {
            Port = 0, TimeScale = 0.01, TimeZone = TimeZoneInfo.Utc, CdrLinkedIdAndSequence = true,
        });
        await using var host = await StartLoggedInAsync(sim);
        Task<NodeStatus> Status() => host.Registry.Get<NodeRegion>()
            .Ask<NodeStatus>(new NodeCommand("pbx1", NodeCommandKind.GetStatus), TimeSpan.FromSeconds(5));

        sim.Node.Faults.WriteGarbage(
            "Event: CEL\r\nPrivilege: call,all\r\nEventName: CHAN_START\r\nChannel: SIP/100-00000001\r\nEventTime: 2026-11-22 22:31:16\r\nUniqueID: 1795386676.9\r\n\r\n"u8.ToArray());
        sim.Node.Faults.WriteGarbage(); // bytes that are not AMI at all
        sim.Node.StartCall("answered");

        await IngestScenarioTests.WaitUntil(async () => (await host.ReadTagAsync(CallTags.Billing)).Count == 1, "the call after the bad input is billed");
        var quarantined = (await host.ReadTagAsync(CallTags.Quarantine)).Select(e => (EventQuarantined)e.Event).ToList();
        var status = await Status();

        var entry = Assert.Single(quarantined);
        Assert.Contains("LinkedID", entry.Reason);
        Assert.Contains(entry.Headers, h => h.Key == "UniqueID" && h.Value == "1795386676.9");
        Assert.Equal(1, status.Quarantined);
        Assert.Equal(1, status.MalformedMessages);
    }

    [Fact]
    public async Task A_CEL_with_an_unreadable_EventTime_is_quarantined_when_it_leaves_and_the_stream_goes_on()
    {
        // Routing reads only the ids; the rest of a CEL is decoded when its call's delivery leaves the node. A CEL that
        // has its ids but cannot be placed in time must still end in quarantine, with its reason, not in a call.
        await using var sim = await AsteriskSimulator.StartAsync(new SimulatorOptions
        {
            Port = 0, TimeScale = 0.01, TimeZone = TimeZoneInfo.Utc, CdrLinkedIdAndSequence = true,
        });
        await using var host = await StartLoggedInAsync(sim);
        Task<NodeStatus> Status() => host.Registry.Get<NodeRegion>()
            .Ask<NodeStatus>(new NodeCommand("pbx1", NodeCommandKind.GetStatus), TimeSpan.FromSeconds(5));

        // Right behind it, a good CEL of as many headers (the node decodes into one scratch array per header count: the
        // quarantined entry must keep its own headers, not the next message's).
        sim.Node.Faults.WriteGarbage(
            ("Event: CEL\r\nPrivilege: call,all\r\nEventName: CHAN_START\r\nChannel: SIP/100-00000002\r\n" +
             "EventTime: yesterday at noon\r\nUniqueID: 1795386676.10\r\nLinkedID: 1795386676.10\r\n\r\n" +
             "Event: CEL\r\nPrivilege: call,all\r\nEventName: CHAN_START\r\nChannel: SIP/100-00000003\r\n" +
             "EventTime: 2026-11-22 22:31:16\r\nUniqueID: 1795386676.11\r\nLinkedID: 1795386676.11\r\n\r\n").Select(c => (byte)c).ToArray());
        sim.Node.StartCall("answered");

        await IngestScenarioTests.WaitUntil(async () => (await host.ReadTagAsync(CallTags.Billing)).Count == 1, "the call after the bad input is billed");
        var entry = Assert.Single((await host.ReadTagAsync(CallTags.Quarantine)).Select(e => (EventQuarantined)e.Event));
        Assert.Contains("'yesterday at noon' is neither", entry.Reason);
        Assert.Contains(entry.Headers, h => h.Key == "UniqueID" && h.Value == "1795386676.10");
        Assert.Contains(entry.Headers, h => h.Key == "EventTime" && h.Value == "yesterday at noon");
        Assert.DoesNotContain(await host.ReadTagAsync(CallTags.Cel), e => ((CallEventsRecorded)e.Event).LinkedId == "1795386676.10");
        Assert.Contains(await host.ReadTagAsync(CallTags.Cel), e => ((CallEventsRecorded)e.Event).LinkedId == "1795386676.11");
        var status = await Status();
        Assert.Equal(1, status.Quarantined);
        Assert.Equal(0, status.EventsHeld);
    }

    /// <summary>A host with node pbx1 on the simulator, once the node is logged in.</summary>
    private static async Task<TelephonyHost> StartLoggedInAsync(AsteriskSimulator sim)
    {
        var host = await TelephonyHost.StartAsync(TelephonyHost.OptionsFor(TestJournal.Sqlite(), new AsteriskNodeSettings
        {
            Name = "pbx1", Host = "127.0.0.1", Port = sim.Port, Username = "admin", Secret = "secret", TimeZone = TimeZoneInfo.Utc,
        }));
        try
        {
            await IngestScenarioTests.WaitUntil(() => sim.Node.Sessions.LoggedInNow > 0, "the node logs in");
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
        return host;
    }
}
