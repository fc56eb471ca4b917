namespace Telephony.Simulator.Model;

/// <summary>A queue as configured (queues.conf): name, strategy and static members.</summary>
public sealed record QueueDefinition(string Name, string Strategy, IReadOnlyList<QueueMemberDefinition> Members)
{
    /// <summary>The <c>support</c> queue of the captures' asterisk-config/queues.conf.</summary>
    public static QueueDefinition Support { get; } = new("support", "ringall",
    [
        new("Agent One", "Local/agent1@agents/n"),
        new("Agent Two", "Local/agent2@agents/n"),
    ]);
}

public sealed record QueueMemberDefinition(string Name, string Location);
