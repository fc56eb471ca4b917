using Akka.Actor;
using Akka.Persistence;
using Telephony.Testing;

namespace Telephony.Actors.Tests;

/// <summary>A member that takes over thousands of entities at once (the fleet soak: a member downed, its agents
/// rebalanced to one that had just joined) must recover every one, however small its connection pool.</summary>
public sealed class MassRecoveryTests
{
    private sealed record Count;

    /// <summary>An entity with a history, recovered through the plugin's replay as agents and queues are.</summary>
    private sealed class Ledger : ReceivePersistentActor
    {
        private int _events;

        public Ledger(string persistenceId)
        {
            PersistenceId = persistenceId;
            Recover<string>(_ => _events++);
            Command<string>(e => Persist(e, _ => Sender.Tell(++_events)));
            Command<Count>(_ => Sender.Tell(_events));
        }

        public override string PersistenceId { get; }
    }

    [Fact]
    public async Task A_member_that_takes_over_hundreds_of_agents_at_once_recovers_every_one_through_a_small_connection_pool()
    {
        var journal = await TestJournal.MariaDbAsync();
        // Far fewer connections than entities recovering at once, and a short wait for one: the shape of a member taking
        // over 2,000 agents with MySqlConnector's default pool of 100 and its 15 s wait.
        // (5 s, not 1: MySqlConnector's timeout also bounds opening a connection, which took over a second at CI's load.)
        var small = journal with { ConnectionString = journal.ConnectionString + ";Maximum Pool Size=4;Connection Timeout=5" };
        const int agents = 1000;
        Props Agent(int i) => Props.Create(() => new Ledger($"agent/mass-{i}"));

        // The history is written through the ordinary pool: the writes are not what this is about.
        await using (var host = await TelephonyHost.StartAsync(TelephonyHost.OptionsFor(journal)))
        {
            foreach (var chunk in Enumerable.Range(0, agents).Chunk(50))
                await Task.WhenAll(chunk.Select(async i =>
                {
                    var agent = host.System.ActorOf(Agent(i));
                    foreach (var e in new[] { "login", "reserved", "released" })
                        await agent.Ask<int>(e, TimeSpan.FromSeconds(30));
                }));
        }

        await using (var host = await TelephonyHost.StartAsync(TelephonyHost.OptionsFor(small)))
        {
            // All at once, as sharding starts the entities of the shards a member is given.
            var recovered = await Task.WhenAll(Enumerable.Range(0, agents)
                .Select(i => host.System.ActorOf(Agent(i)).Ask<int>(new Count(), TimeSpan.FromSeconds(90))));
            Assert.All(recovered, events => Assert.Equal(3, events));
        }
    }
}
