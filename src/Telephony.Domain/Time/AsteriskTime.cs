using System.Globalization;

namespace Telephony.Domain.Time;

public enum AsteriskTimeError
{
    None,
    Empty,
    Unparsable,

    /// <summary>The local time falls in a daylight-saving gap of the zone: no instant has that wall-clock time.</summary>
    NonexistentLocalTime,
}

/// <summary>
/// Parses the times Asterisk writes. Accepted forms:
/// <list type="bullet">
/// <item><c>YYYY-MM-DD HH:MM:SS</c> — cel_manager's and cdr_manager's default (local time of the server);</item>
/// <item><c>YYYY-MM-DD HH:MM:SS.f…</c> — the same with a fraction of 1 to 7 digits (Asterisk writes 6);</item>
/// <item><c>SSSSSSSSSS[.ffffff]</c> — epoch seconds, what CEL backends write when no <c>dateformat</c> is set (found in
/// tube or file imports); epoch times are UTC and ignore the zone.</item>
/// </list>
/// Local times are converted with the node's zone. In the repeated hour of a daylight-saving change (e.g.
/// 2026-10-25 02:30 in Europe/Paris happens twice) the text cannot tell which occurrence was meant; we take the first
/// (the daylight-time offset) and flag it, since Asterisk's own Duration/BillableSeconds remain right either way.
/// A time inside the spring-forward gap cannot have been written by a server running in that zone, so it is refused
/// with <see cref="AsteriskTimeError.NonexistentLocalTime"/> rather than silently shifted.
/// </summary>
public static class AsteriskTime
{
    public static AsteriskTimeError TryParse(string? text, TimeZoneInfo zone, out AsteriskTimestamp? timestamp)
    {
        ArgumentNullException.ThrowIfNull(zone);
        timestamp = null;
        if (string.IsNullOrWhiteSpace(text)) return AsteriskTimeError.Empty;
        var s = text.AsSpan().Trim();

        if (TryParseEpoch(s, out var epoch, out var epochFraction))
        {
            timestamp = new AsteriskTimestamp(text, epoch, epochFraction, false);
            return AsteriskTimeError.None;
        }

        if (!TryParseLocal(s, out var local, out var hasFraction)) return AsteriskTimeError.Unparsable;

        if (zone.IsInvalidTime(local)) return AsteriskTimeError.NonexistentLocalTime;

        TimeSpan offset;
        var ambiguous = zone.IsAmbiguousTime(local);
        if (ambiguous)
        {
            // The first occurrence of the repeated hour is the one with the larger (daylight) offset.
            offset = zone.GetAmbiguousTimeOffsets(local).Max();
        }
        else
        {
            offset = zone.GetUtcOffset(local);
        }

        var utc = new DateTimeOffset(local, offset).ToUniversalTime();
        timestamp = new AsteriskTimestamp(text, utc, hasFraction, ambiguous);
        return AsteriskTimeError.None;
    }

    private static bool TryParseLocal(ReadOnlySpan<char> s, out DateTime local, out bool hasFraction)
    {
        local = default;
        hasFraction = false;
        // yyyy-MM-dd HH:mm:ss is 19 characters; a fraction adds '.' and 1..7 digits.
        if (s.Length < 19) return false;
        var whole = s[..19];
        if (!DateTime.TryParseExact(whole, "yyyy'-'MM'-'dd' 'HH':'mm':'ss", CultureInfo.InvariantCulture,
                DateTimeStyles.None, out var seconds))
            return false;

        long ticks = 0;
        if (s.Length > 19)
        {
            var frac = s[19..];
            if (frac[0] != '.' || frac.Length < 2 || frac.Length > 8) return false;
            var digits = frac[1..];
            foreach (var c in digits)
                if (c is < '0' or > '9') return false;
            var value = long.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture);
            for (var i = digits.Length; i < 7; i++) value *= 10;
            ticks = value;
            hasFraction = true;
        }

        local = DateTime.SpecifyKind(seconds.AddTicks(ticks), DateTimeKind.Unspecified);
        return true;
    }

    private static bool TryParseEpoch(ReadOnlySpan<char> s, out DateTimeOffset utc, out bool hasFraction)
    {
        utc = default;
        hasFraction = false;
        var dot = s.IndexOf('.');
        var secondsPart = dot < 0 ? s : s[..dot];
        // At least 9 digits keeps "2026-..." and short garbage out; epoch seconds have 10 digits until 2286.
        if (secondsPart.Length is < 9 or > 11) return false;
        foreach (var c in secondsPart)
            if (c is < '0' or > '9') return false;
        long ticks = 0;
        if (dot >= 0)
        {
            var digits = s[(dot + 1)..];
            if (digits.Length is 0 or > 7) return false;
            foreach (var c in digits)
                if (c is < '0' or > '9') return false;
            ticks = long.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture);
            for (var i = digits.Length; i < 7; i++) ticks *= 10;
            hasFraction = true;
        }
        var seconds = long.Parse(secondsPart, NumberStyles.None, CultureInfo.InvariantCulture);
        utc = DateTimeOffset.FromUnixTimeSeconds(seconds).AddTicks(ticks);
        return true;
    }
}
