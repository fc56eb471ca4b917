using Akka.Actor;
using Akka.Persistence;
using Percentiles = Telephony.Benchmarks.ActionsBenchmark.Percentiles;

namespace Telephony.Benchmarks;

internal static partial class DistributionBenchmark
{
    /// <summary>
    /// One durable commit as an entity sees it, while the callers arrive: a persistent actor on the host's journal
    /// persists a small event at the arrivals' rate, from its command to its handler (the journal actor, the group
    /// writer's thread, the commit, the answer back), sharing the writer with the calls' and the queues' own writes.
    /// A decision makes three such persists one after the other, each for a reason: the agent's grant (so that a
    /// restarted agent still holds the reservation), the queue's offer (so that a restarted queue does not connect
    /// the caller twice), the action queue's Queued and Sent in one write (at most once on the wire). The queue's
    /// join is journaled meanwhile, not before the ask.
    /// </summary>
    internal sealed class PersistProbe : Probe
    {
        private readonly ActorSystem _system;
        private readonly IActorRef _actor;

        public PersistProbe(ActorSystem system, string id)
        {
            _system = system;
            _actor = system.ActorOf(Props.Create(() => new Writer($"probe/{id}", this)));
        }

        protected override ValueTask SendAsync(long stamp)
        {
            _actor.Tell(stamp);
            return ValueTask.CompletedTask;
        }

        /// <summary>Stops sending and returns what was measured: one persist, and the sums of three successive ones (a
        /// decision's three in series, as this machine served them at that moment).</summary>
        public async Task<(Percentiles One, Percentiles Three)> StopAsync()
        {
            var values = await StopSendingAsync(TimeSpan.FromMilliseconds(200)); // the last commits answer
            var threes = Enumerable.Range(0, values.Count / 3).Select(k => values[3 * k] + values[3 * k + 1] + values[3 * k + 2]);
            return (Percentiles.Of(values), Percentiles.Of(threes));
        }

        public override ValueTask DisposeAsync()
        {
            _system.Stop(_actor);
            return base.DisposeAsync();
        }

        private sealed class Writer : ReceivePersistentActor
        {
            public Writer(string id, PersistProbe probe)
            {
                PersistenceId = id;
                Command<long>(stamp => Persist(stamp.ToString(System.Globalization.CultureInfo.InvariantCulture), _ => probe.Arrived(stamp)));
                Recover<string>(_ => { });
            }

            public override string PersistenceId { get; }
        }
    }
}
