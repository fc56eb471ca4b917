using Akka.Actor;
using Microsoft.Data.Sqlite;
using Telephony.Actors.Hosting;
using Telephony.Actors.Queues;
using Telephony.Domain.Queues;
using Telephony.Domain.Queues.Agents;
using Telephony.Testing;

namespace Telephony.Actors.Tests.Queues;

/// <summary>An agent's day of events is snapshotted as it goes, so that the member that takes it over late in the day
/// recovers it from the last snapshot: the same agent, without replaying every offer since the morning.</summary>
public sealed class AgentSnapshotTests
{
    private static readonly TimeSpan Ask = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task An_agent_restarted_after_many_events_recovers_from_its_snapshot_as_it_was()
    {
        var journal = TestJournal.Sqlite();
        var agent = new AgentSettings
        {
            Id = "1001", Name = "Agent 1001", Route = new AgentRoute("pbx-b", "b-1001"),
            Queues = new Dictionary<string, int> { ["sales"] = 2 }, LoggedInAtStart = true,
        };
        var options = TelephonyHost.OptionsFor(journal) with
        {
            QueueDirectory = new QueueDirectory([new QueueSettings { Name = "sales" }], [agent]),
            ExtraHocon = TelephonyHost.OptionsFor(journal).ExtraHocon + "\ntelephony.queues.agent-snapshot-every = 4\n",
        };

        AgentInfo before;
        await using (var host = await TelephonyHost.StartAsync(options))
        {
            var agents = host.Registry.Get<AgentRegion>();
            // A morning of breaks: 2 events at start (membership, login), then 10 more.
            foreach (var reason in new[] { "coffee", "lunch", "meeting", "training", "coffee" })
            {
                await agents.Ask<AgentInfo>(new AgentCommand("1001", AgentCommandKind.Pause, reason), Ask);
                await agents.Ask<AgentInfo>(new AgentCommand("1001", AgentCommandKind.Unpause), Ask);
            }
            before = await agents.Ask<AgentInfo>(new AgentCommand("1001", AgentCommandKind.Pause, "end of shift"), Ask);
            await agents.Ask<AgentInfo>(new SetAgentMembership("1001", "support", 5), Ask);
            before = await agents.Ask<AgentInfo>(new GetAgent("1001"), Ask);
            await Task.Delay(500); // the last snapshot's write
        }

        var snapshots = SnapshotsOf(journal, "agent/1001");
        Assert.NotEmpty(snapshots);
        Assert.True(snapshots.Max() >= 12, $"a snapshot after the 12th event at least (have {string.Join(", ", snapshots)})");
        Assert.Single(snapshots); // older ones deleted once a newer one is written

        await using (var host = await TelephonyHost.StartAsync(options))
        {
            var after = await host.Registry.Get<AgentRegion>().Ask<AgentInfo>(new GetAgent("1001"), Ask);
            Assert.Equal((before.Status, before.BreakReason, before.Calls, before.NoAnswers),
                (after.Status, after.BreakReason, after.Calls, after.NoAnswers));
            Assert.Equal(before.Queues.OrderBy(q => q.Key), after.Queues.OrderBy(q => q.Key));
            Assert.Equal("OnBreak", after.Status);
            Assert.Equal("end of shift", after.BreakReason);

            // And it goes on from there: unpaused, it is available again.
            var unpaused = await host.Registry.Get<AgentRegion>().Ask<AgentInfo>(new AgentCommand("1001", AgentCommandKind.Unpause), Ask);
            Assert.Equal("Available", unpaused.Status);
        }
    }

    private static List<long> SnapshotsOf(TestJournal journal, string persistenceId)
    {
        using var connection = new SqliteConnection(journal.ConnectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT sequence_number FROM snapshot WHERE persistence_id = $id";
        command.Parameters.AddWithValue("$id", persistenceId);
        var rows = new List<long>();
        using var reader = command.ExecuteReader();
        while (reader.Read()) rows.Add(reader.GetInt64(0));
        return rows;
    }
}
