using Akka.Actor;
using Percentiles = Telephony.Benchmarks.ActionsBenchmark.Percentiles;

namespace Telephony.Benchmarks;

internal static partial class DistributionBenchmark
{
    /// <summary>
    /// The hand-offs under a decision. From the join on the wire to the Redirect read back, a decision passes about 25
    /// times from one mailbox to the next (node, queue region, shard, queue, its dispatch to itself, agent region,
    /// shard, agent, the journal actor and its answer, back to the queue, its journal round, node region, shard, node,
    /// action queue and its journal round, the AMI client), besides its journal writes and its socket. The probe sends
    /// a stamped message through a chain of that many plain actors on the same dispatcher, doing nothing else, at the
    /// arrivals' rate and while they run: what the mailbox hand-offs alone cost on this machine at this moment.
    /// </summary>
    internal sealed class HandOffProbe : Probe
    {
        public const int HandOffs = 25;
        private readonly IActorRef _first;
        private readonly ActorSystem _system;
        private readonly List<IActorRef> _chain = [];

        public HandOffProbe(ActorSystem system)
        {
            _system = system;
            IActorRef next = system.ActorOf(Props.Create(() => new Last(this)));
            _chain.Add(next);
            for (var i = HandOffs - 1; i >= 1; i--)
            {
                next = system.ActorOf(Props.Create(() => new Relay(next)));
                _chain.Add(next);
            }
            _first = next;
        }

        protected override ValueTask SendAsync(long stamp)
        {
            _first.Tell(stamp);
            return ValueTask.CompletedTask;
        }

        /// <summary>Stops sending and returns what was measured.</summary>
        public async Task<Percentiles> StopAsync() => Percentiles.Of(await StopSendingAsync(TimeSpan.FromMilliseconds(100)));

        public override ValueTask DisposeAsync()
        {
            foreach (var actor in _chain) _system.Stop(actor);
            return base.DisposeAsync();
        }

        private sealed class Relay(IActorRef next) : UntypedActor
        {
            protected override void OnReceive(object message) => next.Tell(message);
        }

        private sealed class Last(HandOffProbe probe) : UntypedActor
        {
            protected override void OnReceive(object message)
            {
                if (message is long stamp) probe.Arrived(stamp);
            }
        }
    }
}
