using Akka.Actor;
using Telephony.Actors.Hosting;
using Telephony.Actors.Queues;
using Telephony.Ami.Protocol;

namespace Telephony.Actors.Nodes;

/// <summary>The node's side of the call queues: callers joining and leaving, connect outcomes and agents' phone
/// commands go to their queue and agent entities as they are read, in the node's order.</summary>
public sealed partial class AsteriskNodeActor
{
    private readonly NodeQueueLinks? _queueLinks;
    private readonly QueueSignalReader? _queueSignals;

    private void ReadForQueues(AmiMessage message, DateTimeOffset now)
    {
        if (_queueSignals is null || _queueLinks is null) return;
        if (message.EventName == "Shutdown")
        {
            foreach (var restarted in _queueSignals.Restarted(now)) Queues.Tell(restarted);
            return;
        }
        switch (_queueSignals.Read(message, now))
        {
            case IQueueMessage toQueue:
                Queues.Tell(toQueue);
                break;
            case IAgentMessage toAgent:
                MemberShutdown.RegionWhileUp(_queueLinks.Agents, Context.System).Tell(toAgent);
                break;
        }
    }

    // Looked up only when there is a signal to send (not per AMI event). While the member shuts down its queue signals
    // would only wait in the handing-off regions until their stop drops them; its call events are still journaled.
    private IActorRef Queues => MemberShutdown.RegionWhileUp(_queueLinks!.Queues, Context.System);
}
