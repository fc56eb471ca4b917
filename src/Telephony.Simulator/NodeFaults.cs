namespace Telephony.Simulator;

/// <summary>
/// Faults a test can inject into one node, each aimed at a client's recovery path: a connection dropped in the
/// middle of a message, a stalled server (no reads, no writes, sockets open), garbage on the wire, and a restart
/// (every session closed, connections refused for a while, a new uniqueid epoch afterwards).
/// </summary>
public sealed class NodeFaults
{
    /// <summary>Bytes that are not AMI (no colon, control bytes), ended by a blank line so a parser can resync.</summary>
    public static readonly byte[] DefaultGarbage = "\u0001\u0002 garbage line without a separator \u007f\r\n\r\n"u8.ToArray();

    private static readonly KeyValuePair<string, string>[] InterruptedEvent = new (string Key, string Value)[]
    {
        ("Event", "Newexten"), ("Privilege", "dialplan,all"), ("Channel", "Local/answer@test-00000000;2"),
        ("ChannelState", "6"), ("ChannelStateDesc", "Up"), ("CallerIDNum", "5551000"), ("CallerIDName", "AMI Probe"),
        ("Context", "test"), ("Exten", "answer"), ("Priority", "4"), ("Extension", "answer"), ("Application", "Wait"),
        ("AppData", "2"),
    }.Select(h => new KeyValuePair<string, string>(h.Key, h.Value)).ToArray();

    private readonly SimulatedNode _node;

    internal NodeFaults(SimulatedNode node) => _node = node;

    public bool IsStalled => _node.Stall.IsStalled;

    /// <summary>Every open session gets what is queued for it plus half of an event, then the connection closes.</summary>
    public void DropConnectionsMidMessage()
    {
        var bytes = _node.WriteEvent(InterruptedEvent, _node.ClockMicros);
        _node.ForEachSession(s => s.CutMidMessage(bytes, "fault: dropped mid-message"));
    }

    /// <summary>Stops reading and writing on every session of the node (sockets stay open) until
    /// <see cref="EndStall"/>. Events produced meanwhile are queued and flow once the stall ends.</summary>
    public void BeginStall() => _node.Stall.Close();

    public void EndStall() => _node.Stall.Open();

    /// <summary>Stalls for <paramref name="duration"/>; the task completes when the node flows again.</summary>
    public async Task StallAsync(TimeSpan duration)
    {
        BeginStall();
        try
        {
            await Task.Delay(duration).ConfigureAwait(false);
        }
        finally
        {
            EndStall();
        }
    }

    /// <summary>Writes bytes that are not AMI to every open session, between two messages.</summary>
    public void WriteGarbage(byte[]? garbage = null)
    {
        var bytes = (garbage ?? DefaultGarbage).ToArray();
        _node.ForEachSession(s => s.Send(bytes));
    }

    /// <summary>See <see cref="SimulatedNode.RestartAsync"/>.</summary>
    public Task RestartAsync(TimeSpan downtime) => _node.RestartAsync(downtime);
}
