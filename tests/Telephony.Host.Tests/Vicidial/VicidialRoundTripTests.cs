using System.Text.RegularExpressions;
using Akka.Actor;
using Akka.Hosting;
using Telephony.Host.Vicidial;
using Telephony.Simulator;
using Xunit.Abstractions;

namespace Telephony.Host.Tests.Vicidial;

/// <summary>VICIdial-style rows in a real MariaDB table, taken by the adapter in an in-process host, sent to the
/// simulated Asterisk through the node's action queue, and written back the way VICIdial's sender and listener do.</summary>
public class VicidialRoundTripTests(ITestOutputHelper output)
{
    private const string Server = "10.10.10.15";
    private const string OtherServer = "10.10.10.99";

    private static VicidialSettings SettingsFor(VicidialDatabase db) => new()
    {
        ConnectionString = db.ConnectionString,
        Servers = new Dictionary<string, string> { [Server] = "pbx1" },
        PollInterval = TimeSpan.FromMilliseconds(200),
        RetryInterval = TimeSpan.FromMilliseconds(500),
    };

    private static Task<TelephonyHost> StartHostAsync(SimulatedNode node, TestJournal journal, VicidialSettings settings) =>
        TelephonyHost.StartAsync(TelephonyHost.OptionsFor(journal, TelephonyHost.NodeFor(node)), akka => akka.AddVicidialAdapter(settings));

    private static Task<long> InsertOriginateAsync(VicidialDatabase db, string callerId) =>
        db.InsertAsync(Server, "Originate", callerId,
            "Channel: Local/answer@test", "Context: hold", "Exten: s", "Priority: 1", $"Callerid: {callerId}");

    [Fact]
    public async Task An_originate_goes_new_queue_sent_updated_a_failed_hangup_and_a_malformed_row_go_dead_each_sent_once()
    {
        var db = await VicidialDatabase.CreateAsync();
        await using var sim = await AsteriskSimulator.StartAsync(new SimulatorOptions { Port = 0, TimeScale = 0.05, TimeZone = TimeZoneInfo.Utc });
        var originate = await InsertOriginateAsync(db, "M3051234560000012345");
        var hangup = await db.InsertAsync(Server, "Hangup", "H3051234560000012346", "Channel: SIP/nobody-00000001");
        var malformed = await db.InsertAsync(Server, "Hangup", "H3051234560000012347", "Channel SIP/nobody-00000002");
        var elsewhere = await db.InsertAsync(OtherServer, "Hangup", "H3051234560000012348", "Channel: SIP/other-00000003");

        await using var host = await StartHostAsync(sim.Node, TestJournal.Sqlite(), SettingsFor(db));

        await db.WaitForStatusAsync(hangup, "DEAD");
        await db.WaitForStatusAsync(malformed, "DEAD");
        await db.WaitForStatusAsync(originate, "DEAD"); // the call ends: VICIdial's listener marks it DEAD at hangup
        var originateSteps = await db.StatusesAsync(originate);
        output.WriteLine($"originate: {string.Join(" -> ", originateSteps)}; hangup: {string.Join(" -> ", await db.StatusesAsync(hangup))}");
        Assert.Equal(["NEW", "QUEUE", "SENT", "UPDATED", "DEAD"], originateSteps);
        Assert.Equal(["NEW", "QUEUE", "SENT", "DEAD"], await db.StatusesAsync(hangup));
        Assert.Equal(["NEW", "QUEUE", "DEAD"], await db.StatusesAsync(malformed));
        Assert.Equal("NEW", (await db.RowAsync(elsewhere)).Status);

        // UPDATED carried the channel and the uniqueid Asterisk gave the call (its pre-assigned ChannelId), and they stay.
        Assert.Equal(1, await db.CountAsync(
            $"SELECT COUNT(*) FROM vicidial_manager_history WHERE man_id = {originate} AND new_status = 'UPDATED' AND channel LIKE 'Local/answer@test%' AND uniqueid <> ''"));
        var (_, channel, uniqueId, response) = await db.RowAsync(originate);
        output.WriteLine($"originate row: channel {channel}, uniqueid {uniqueId}");
        Assert.StartsWith("Local/answer@test", channel);
        Assert.Matches(new Regex(@"^\d{10}\.9\d{8}$"), uniqueId);
        Assert.Equal("N", response); // VICIdial's column, untouched

        Assert.Equal(1, sim.Node.Actions["Originate"]);
        Assert.Equal(1, sim.Node.Actions["Hangup"]);
        Assert.Equal(0, await db.CountAsync("SELECT COUNT(*) FROM telephony_vicidial_claims WHERE finished_at IS NULL"));
        var status = await host.Registry.Get<VicidialAdapter>().Ask<VicidialStatus>(GetVicidialStatus.Instance, TimeSpan.FromSeconds(5));
        output.WriteLine(status.ToString());
        Assert.Equal(3, status.Claimed);
        Assert.Equal(2, status.Submitted);
        Assert.Equal(1, status.Malformed);
    }

    [Fact]
    public async Task After_a_restart_the_rows_it_had_taken_are_followed_again_and_none_is_sent_twice()
    {
        var db = await VicidialDatabase.CreateAsync();
        var journal = TestJournal.Sqlite();
        // TimeScale 1: the answered call lasts long enough to be up across the restart.
        await using var sim = await AsteriskSimulator.StartAsync(new SimulatorOptions { Port = 0, TimeScale = 1, TimeZone = TimeZoneInfo.Utc });
        var originate = await InsertOriginateAsync(db, "M3051234560000022345");
        // VICIdial's own sender left this one SENT: not the adapter's, so it is neither resumed nor sent again.
        var leftover = await db.InsertAsync(Server, "Hangup", "H3051234560000022346", "Channel: SIP/leftover-00000001");
        await db.ExecuteAsync($"UPDATE vicidial_manager SET status = 'SENT' WHERE man_id = {leftover}");

        await using (var first = await StartHostAsync(sim.Node, journal, SettingsFor(db)))
        {
            await db.WaitForStatusAsync(originate, "UPDATED");
        }
        Assert.Equal(1, await db.CountAsync($"SELECT COUNT(*) FROM telephony_vicidial_claims WHERE man_id = {originate} AND finished_at IS NULL"));

        // As if the adapter died right after taking a row and before the queue had it: QUEUE, claimed, never submitted.
        var taken = await db.InsertAsync(Server, "Hangup", "H3051234560000022347", "Channel: SIP/nobody-00000002");
        await db.ExecuteAsync($"UPDATE vicidial_manager SET status = 'QUEUE' WHERE man_id = {taken}");
        await db.ExecuteAsync("INSERT INTO telephony_vicidial_claims (idempotency_key, man_id, claimed_at) " +
                              $"SELECT CONCAT('vicidial_manager:', man_id, ':', DATE_FORMAT(entry_date, '%Y%m%d%H%i%s')), man_id, NOW(3) FROM vicidial_manager WHERE man_id = {taken}");

        await using var second = await StartHostAsync(sim.Node, journal, SettingsFor(db));
        await db.WaitForStatusAsync(taken, "DEAD");
        await db.WaitForStatusAsync(originate, "DEAD", seconds: 120);
        Assert.Equal(["NEW", "QUEUE", "SENT", "UPDATED", "DEAD"], await db.StatusesAsync(originate));
        Assert.Equal(["NEW", "QUEUE", "SENT", "DEAD"], await db.StatusesAsync(taken));
        Assert.Equal("SENT", (await db.RowAsync(leftover)).Status);
        Assert.Equal(1, sim.Node.Actions["Originate"]);
        Assert.Equal(1, sim.Node.Actions["Hangup"]);
        var status = await second.Registry.Get<VicidialAdapter>().Ask<VicidialStatus>(GetVicidialStatus.Instance, TimeSpan.FromSeconds(5));
        output.WriteLine(status.ToString());
        Assert.Equal(2, status.Resumed);
        Assert.Equal(0, status.Claimed);
    }
}
