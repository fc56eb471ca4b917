namespace Telephony.Domain.Time;

/// <summary>
/// Seconds between two instants, the way Asterisk's cdr.c counts them: <c>ast_tvdiff_ms(end, start) / 1000</c>,
/// i.e. whole elapsed seconds, truncated (cdr.conf <c>initiatedseconds</c> is off by default and not modelled).
/// <para>
/// Rounding, explicitly: Asterisk works from microsecond start/end times; the AMI CEL and Cdr events we receive carry
/// whole seconds (<c>YYYY-MM-DD HH:MM:SS</c>). Truncating both ends to the second and subtracting gives
/// <c>floor(end) - floor(start)</c>, which is Asterisk's <c>floor(end - start)</c> or one more (e.g. start 16.8 s,
/// end 19.3 s: Asterisk says 2, whole-second times say 3). So a duration derived from whole-second CEL times is
/// Asterisk's value or one second above it, never below; with fractional times (<c>.ffffff</c>) it is exact.
/// </para>
/// </summary>
public static class AsteriskDurations
{
    public static int WholeSecondsBetween(DateTimeOffset start, DateTimeOffset end)
    {
        if (end <= start) return 0;
        var ms = (long)Math.Floor((end - start).TotalMilliseconds); // ast_tvdiff_ms truncates to the millisecond
        return (int)Math.Min(int.MaxValue, ms / 1000);
    }

    /// <summary>Whether <paramref name="asterisk"/> (a Cdr's Duration or BillableSeconds) can be Asterisk's figure for a
    /// span we computed as <paramref name="fromWholeSeconds"/> from whole-second times: equal, or one less.</summary>
    public static bool CouldBeAsterisksFigure(int asterisk, int fromWholeSeconds) =>
        asterisk <= fromWholeSeconds && asterisk >= fromWholeSeconds - 1;
}
