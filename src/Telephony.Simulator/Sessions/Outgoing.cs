namespace Telephony.Simulator.Sessions;

internal enum OutgoingKind
{
    Data,
    /// <summary>Write what is queued before, then close (Logoff, failed login, restart).</summary>
    Close,
    /// <summary>Write the first <see cref="Outgoing.CutAt"/> bytes of <see cref="Outgoing.Bytes"/>, then close:
    /// a connection dropped mid-message.</summary>
    Cut,
}

internal readonly record struct Outgoing(OutgoingKind Kind, byte[] Bytes, int CutAt = 0, string? Reason = null)
{
    public static Outgoing Data(byte[] bytes) => new(OutgoingKind.Data, bytes);
}
