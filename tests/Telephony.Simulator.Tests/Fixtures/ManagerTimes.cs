using System.Globalization;
using System.Text.RegularExpressions;
using Telephony.Ami.Protocol;

namespace Telephony.Simulator.Tests.Fixtures;

/// <summary>The times a client reads off the wire, computed here independently of the simulator's own code.</summary>
internal static partial class ManagerTimes
{
    [GeneratedRegex(@"^\d+\.\d{6}$")]
    public static partial Regex TimestampFormat();

    /// <summary><c>Timestamp: 1796209636.051953</c> in µs since the epoch.</summary>
    public static long Micros(string timestamp)
    {
        Assert.Matches(TimestampFormat(), timestamp);
        var dot = timestamp.IndexOf('.');
        return long.Parse(timestamp[..dot], CultureInfo.InvariantCulture) * 1_000_000 +
               long.Parse(timestamp[(dot + 1)..], CultureInfo.InvariantCulture);
    }

    public static long Micros(AmiMessage m) => Micros(m["Timestamp"] ?? throw new InvalidOperationException($"no Timestamp in {m}"));

    /// <summary>A CEL/Cdr time (<c>2026-12-02 11:07:16</c>, UTC in these tests) in seconds since the epoch.</summary>
    public static long Seconds(string asteriskTime) =>
        new DateTimeOffset(DateTime.ParseExact(asteriskTime, "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal)).ToUnixTimeSeconds();

    /// <summary>What Asterisk's cdr.c does with two instants: whole milliseconds rounded down, then / 1000.</summary>
    public static long AsteriskSeconds(long endMicros, long startMicros) =>
        (long)Math.Floor((endMicros - startMicros) / 1000.0) / 1000;
}
