namespace Telephony.Domain.Queues.Strategies;

/// <summary>How a queue picks the agents to offer its head caller to. The first seven mirror app_queue's strategies
/// (see <see cref="AgentChooser.TryParse"/> for the names); <see cref="LeastTalkTime"/> has no app_queue equivalent.</summary>
public enum QueueStrategy
{
    /// <summary>Every agent of the lowest penalty tier is rung at once (app_queue <c>ringall</c>).</summary>
    RingAll,

    /// <summary>The agent whose last call ended longest ago first (app_queue <c>leastrecent</c>).</summary>
    LongestIdle,

    /// <summary>The agent who answered the fewest calls in this queue first (app_queue <c>fewestcalls</c>).</summary>
    FewestCalls,

    /// <summary>Member-list order, starting just after the agent last offered to (app_queue <c>rrmemory</c>).</summary>
    RoundRobin,

    /// <summary>Member-list order, always from the top (app_queue <c>linear</c>).</summary>
    Linear,

    /// <summary>A uniform shuffle of each penalty tier (app_queue <c>random</c>).</summary>
    Random,

    /// <summary>Random, with the chance of going first shrinking as the penalty grows (app_queue <c>wrandom</c>).</summary>
    WeightedRandom,

    /// <summary>The agent with the least total talk time in this queue first.</summary>
    LeastTalkTime,
}
