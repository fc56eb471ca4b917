using Akka.Actor;
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
        // A member shutting down hands the queues off: what it reads now would only wait in their regions until their
        // stop drops it (see RegionWhileUp). Its call events are still journaled.
        if (CoordinatedShutdown.Get(Context.System).ShutdownReason is not null) return;
        if (message.EventName == "Shutdown")
        {
            foreach (var restarted in _queueSignals.Restarted(now)) _queueLinks.Queues.Tell(restarted);
            return;
        }
        switch (_queueSignals.Read(message, now))
        {
            case IQueueMessage toQueue:
                _queueLinks.Queues.Tell(toQueue);
                break;
            case IAgentMessage toAgent:
                _queueLinks.Agents.Tell(toAgent);
                break;
        }
    }
}
