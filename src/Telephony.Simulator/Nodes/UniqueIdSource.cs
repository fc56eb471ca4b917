namespace Telephony.Simulator.Nodes;

/// <summary>
/// Asterisk's channel identities: Uniqueid <c>epoch.seq</c> (epoch = the second the channel was created, seq = a
/// counter from 0 since start) and the Local channel counter (<c>Local/x@y-0000000a;1</c>). A restart resets both
/// counters and moves the epoch floor past every id already issued, so ids never repeat across restarts.
/// Used under the node's emission lock.
/// </summary>
public sealed class UniqueIdSource
{
    private long _seq;
    private long _local;
    private long _maxIssuedEpoch;

    public UniqueIdSource(DateTimeOffset start) => EpochFloor = start.ToUnixTimeSeconds();

    /// <summary>No id is issued with an epoch below this: the start (or restart) second.</summary>
    public long EpochFloor { get; private set; }

    public string Next(DateTimeOffset now)
    {
        var epoch = Math.Max(now.ToUnixTimeSeconds(), EpochFloor);
        _maxIssuedEpoch = Math.Max(_maxIssuedEpoch, epoch);
        return $"{epoch}.{_seq++}";
    }

    public string NextLocal() => (_local++ & 0xffffffff).ToString("x8");

    public void Restart(DateTimeOffset now)
    {
        EpochFloor = Math.Max(now.ToUnixTimeSeconds(), Math.Max(EpochFloor, _maxIssuedEpoch) + 1);
        _seq = 0;
        _local = 0;
    }
}
