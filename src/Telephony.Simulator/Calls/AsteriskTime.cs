using System.Globalization;

namespace Telephony.Simulator.Calls;

/// <summary>
/// Asterisk's time arithmetic on microsecond clocks (<c>struct timeval</c>), kept in one place so the simulator's Cdr
/// fields and Timestamp headers follow the same rules as <c>main/cdr.c</c> and <c>main/manager.c</c>.
/// </summary>
internal static class AsteriskTime
{
    public const long MicrosPerSecond = 1_000_000;

    /// <summary>Microseconds since the Unix epoch.</summary>
    public static long ToMicros(DateTimeOffset t) => (t.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;

    public static DateTimeOffset FromMicros(long micros) => DateTimeOffset.UnixEpoch.AddTicks(micros * 10);

    /// <summary><c>ast_tvdiff_ms(end, start)</c>: whole milliseconds, rounded down (its +1,000,000 offset makes the
    /// microsecond part floor rather than truncate towards zero).</summary>
    public static long TvDiffMs(long endMicros, long startMicros)
    {
        var micros = endMicros - startMicros;
        return micros >= 0 ? micros / 1000 : -((-micros + 999) / 1000);
    }

    /// <summary>Cdr <c>Duration</c> / <c>BillableSeconds</c>: <c>ast_tvdiff_ms(end, x) / 1000</c>
    /// (<c>cdr_object_get_duration</c>, <c>cdr_object_get_billsec</c> without <c>initiatedseconds</c>), never below 0.</summary>
    public static long CdrSeconds(long endMicros, long startMicros) => Math.Max(0, TvDiffMs(endMicros, startMicros) / 1000);

    /// <summary>The manager's <c>"Timestamp: %ld.%06lu"</c> value of <c>ast_tvnow()</c>.</summary>
    public static string Timestamp(long micros) =>
        string.Create(CultureInfo.InvariantCulture, $"{Math.DivRem(micros, MicrosPerSecond, out var usec)}.{usec:D6}");
}
