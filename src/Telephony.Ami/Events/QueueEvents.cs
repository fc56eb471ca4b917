using Telephony.Ami.Protocol;

namespace Telephony.Ami.Events;

/// <summary>A queue event about a waiting caller (the channel block is the caller's).</summary>
public abstract class QueueCallerEvent(AmiMessage message) : ChannelEvent(message)
{
    public string? Queue => Get("Queue");

    /// <summary>1-based position in the queue.</summary>
    public int? Position => GetInt("Position");
}

public sealed class QueueCallerJoinEvent(AmiMessage message) : QueueCallerEvent(message)
{
    /// <summary>Callers in the queue after this one joined.</summary>
    public int? Count => GetInt("Count");
}

public sealed class QueueCallerLeaveEvent(AmiMessage message) : QueueCallerEvent(message)
{
    /// <summary>Callers left in the queue.</summary>
    public int? Count => GetInt("Count");
}

/// <summary>The caller hung up (or timed out) before an agent answered.</summary>
public sealed class QueueCallerAbandonEvent(AmiMessage message) : QueueCallerEvent(message)
{
    public int? OriginalPosition => GetInt("OriginalPosition");

    /// <summary>Seconds waited.</summary>
    public int? HoldTime => GetInt("HoldTime");
}

/// <summary>A queue event about an agent (member) and a caller: the channel block is the caller's,
/// <see cref="Destination"/> the agent's leg.</summary>
public abstract class AgentEvent(AmiMessage message) : ChannelEvent(message)
{
    public AmiChannelSnapshot Destination => new(Message, "Dest");
    public string? Queue => Get("Queue");

    /// <summary>The member's interface, e.g. <c>Local/agent1@agents/n</c>.</summary>
    public string? Interface => Get("Interface");

    public string? MemberName => Get("MemberName");
}

public sealed class AgentCalledEvent(AmiMessage message) : AgentEvent(message);

public sealed class AgentConnectEvent(AmiMessage message) : AgentEvent(message)
{
    public int? HoldTime => GetInt("HoldTime");
    public int? RingTime => GetInt("RingTime");
}

public sealed class AgentCompleteEvent(AmiMessage message) : AgentEvent(message)
{
    public int? HoldTime => GetInt("HoldTime");
    public int? TalkTime => GetInt("TalkTime");

    /// <summary>Who hung up: <c>caller</c>, <c>agent</c> or <c>transfer</c>.</summary>
    public string? Reason => Get("Reason");
}
