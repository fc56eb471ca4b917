using System.Diagnostics;

namespace Telephony.Actors.Hosting;

/// <summary>How long this member has been up in its cluster (zero until it is).</summary>
public sealed class MemberUpClock
{
    private long _upAt;

    public void MarkUp() => Interlocked.CompareExchange(ref _upAt, Stopwatch.GetTimestamp(), 0);

    public TimeSpan UpFor => Interlocked.Read(ref _upAt) is var at and > 0 ? Stopwatch.GetElapsedTime(at) : TimeSpan.Zero;
}
