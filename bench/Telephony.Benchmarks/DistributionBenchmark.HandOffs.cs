using System.Collections.Concurrent;
using System.Diagnostics;
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
    internal sealed class HandOffProbe : IAsyncDisposable
    {
        public const int HandOffs = 25;
        private readonly ConcurrentQueue<double> _ms = new();
        private readonly IActorRef _first;
        private readonly CancellationTokenSource _stop = new();
        private Task _loop = Task.CompletedTask;
        private readonly ActorSystem _system;
        private readonly List<IActorRef> _chain = [];

        public HandOffProbe(ActorSystem system)
        {
            _system = system;
            IActorRef next = system.ActorOf(Props.Create(() => new Last(_ms)));
            _chain.Add(next);
            for (var i = HandOffs - 1; i >= 1; i--)
            {
                next = system.ActorOf(Props.Create(() => new Relay(next)));
                _chain.Add(next);
            }
            _first = next;
        }

        /// <summary>Sends one stamped message every <paramref name="every"/> until stopped.</summary>
        public void Start(TimeSpan every)
        {
            _loop = Task.Run(async () =>
            {
                using var timer = new PeriodicTimer(every);
                while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false) is true)
                    _first.Tell(Stopwatch.GetTimestamp());
            });
        }

        /// <summary>Stops sending and returns what was measured.</summary>
        public async Task<Percentiles> StopAsync()
        {
            await _stop.CancelAsync();
            try { await _loop; } catch (OperationCanceledException) { }
            await Task.Delay(100); // the last ones arrive
            var values = new List<double>();
            while (_ms.TryDequeue(out var v)) values.Add(v);
            return Percentiles.Of(values);
        }

        public ValueTask DisposeAsync()
        {
            foreach (var actor in _chain) _system.Stop(actor);
            _stop.Dispose();
            return ValueTask.CompletedTask;
        }

        private sealed class Relay : UntypedActor
        {
            private readonly IActorRef _next;
            public Relay(IActorRef next) => _next = next;
            protected override void OnReceive(object message) => _next.Tell(message);
        }

        private sealed class Last : UntypedActor
        {
            private readonly ConcurrentQueue<double> _ms;
            public Last(ConcurrentQueue<double> ms) => _ms = ms;

            protected override void OnReceive(object message)
            {
                if (message is long stamp) _ms.Enqueue(Stopwatch.GetElapsedTime(stamp).TotalMilliseconds);
            }
        }
    }
}
