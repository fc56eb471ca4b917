using Akka.Actor;
using Akka.Event;
using Telephony.Actors.Hosting;
using Telephony.Actors.Queues;
using Telephony.Ami.Protocol;
using Telephony.Domain.Queues;

namespace Telephony.Actors.Nodes;

/// <summary>The node's side of the call queues: callers joining and leaving, connect outcomes and agents' phone
/// commands go to their queue and agent entities as they are read, in the node's order; joins, hang-ups and connect
/// outcomes again until their queue says it has them.</summary>
public sealed partial class AsteriskNodeActor
{
    private readonly NodeQueueLinks? _queueLinks;
    private readonly QueueSignalReader? _queueSignals;
    private readonly PendingQueueJoins _pendingJoins = new(JoinResendAfter);
    private readonly PendingCallerSignals _pendingSignals = new(JoinResendAfter, TimeSpan.FromMinutes(10));
    private static readonly TimeSpan JoinResendAfter = TimeSpan.FromSeconds(3);

    private sealed class ResendQueueJoins
    {
        public static readonly ResendQueueJoins Instance = new();
    }

    /// <summary>Registered in every state (<see cref="Always"/>).</summary>
    private void QueueCommands()
    {
        Receive<JoinAnswer>(a => _pendingJoins.Answered(a.Queue, a.Caller));
        Receive<QueueSignalTaken>(t => _pendingSignals.Taken(t));
        Receive<ResendQueueJoins>(_ =>
        {
            var now = DateTimeOffset.UtcNow;
            var due = _pendingJoins.Due(now);
            if (due.Count > 0)
            {
                _log.Info("node {0}: {1} queue join(s) unanswered for {2} s sent again (a queue's member may have died)",
                    _settings.Name, due.Count, JoinResendAfter.TotalSeconds);
                foreach (var join in due) Queues.Tell(join);
            }
            var signals = _pendingSignals.Due(now);
            if (signals.Count > 0)
            {
                _log.Info("node {0}: {1} caller hang-up(s) or connect outcome(s) untaken for {2} s sent again", _settings.Name,
                    signals.Count, JoinResendAfter.TotalSeconds);
                foreach (var signal in signals) Queues.Tell(signal);
            }
            if (_pendingJoins.Count == 0 && _pendingSignals.Count == 0) Timers.Cancel(nameof(ResendQueueJoins));
        });
    }

    private void ReadForQueues(AmiMessage message, DateTimeOffset now)
    {
        if (_queueSignals is null || _queueLinks is null) return;
        if (message.EventName == "Shutdown")
        {
            foreach (var restarted in _queueSignals.Restarted(now)) Queues.Tell(restarted);
            return;
        }
        if (message.EventName == "Hangup" && _pendingJoins.Count > 0 && message["Uniqueid"] is { } gone)
            _pendingJoins.Gone(new CallerKey(_settings.Name, gone));
        switch (_queueSignals.Read(message, now))
        {
            case JoinQueue join:
                Queues.Tell(join);
                _pendingJoins.Sent(join, now);
                EnsureResendTimer();
                break;
            case IQueueMessage toQueue:
                Queues.Tell(toQueue);
                if (PendingCallerSignals.IsTracked(toQueue))
                {
                    _pendingSignals.Sent(toQueue, now);
                    EnsureResendTimer();
                }
                break;
            case IAgentMessage toAgent:
                MemberShutdown.RegionWhileUp(_queueLinks.Agents, Context.System).Tell(toAgent);
                break;
        }
    }

    private void EnsureResendTimer()
    {
        if (!Timers.IsTimerActive(nameof(ResendQueueJoins)))
            Timers.StartPeriodicTimer(nameof(ResendQueueJoins), ResendQueueJoins.Instance, JoinResendAfter);
    }

    // Looked up only when there is a signal to send (not per AMI event). While the member shuts down its queue signals
    // would only wait in the handing-off regions until their stop drops them; its call events are still journaled.
    private IActorRef Queues => MemberShutdown.RegionWhileUp(_queueLinks!.Queues, Context.System);
}
