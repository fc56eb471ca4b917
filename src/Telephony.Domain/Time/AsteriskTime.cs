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
        if (!TryParseSeconds(s[..19], out var seconds)) return false;

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

    /// <summary><c>yyyy-MM-dd HH:mm:ss</c> exactly, a valid date and time of day (what
    /// <c>DateTime.TryParseExact</c> with that format accepts), read by position: every CEL and Cdr carries one or
    /// more, and the general parser was a tenth of the cost of decoding a CEL.</summary>
    private static bool TryParseSeconds(ReadOnlySpan<char> s, out DateTime value)
    {
        value = default;
        if (s[4] != '-' || s[7] != '-' || s[10] != ' ' || s[13] != ':' || s[16] != ':') return false;
        if (!Digits(s, 0, 4, out var year) || !Digits(s, 5, 2, out var month) || !Digits(s, 8, 2, out var day) ||
            !Digits(s, 11, 2, out var hour) || !Digits(s, 14, 2, out var minute) || !Digits(s, 17, 2, out var second))
            return false;
        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 ||
            minute > 59 || second > 59)
            return false;
        value = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Unspecified);
        return true;
    }

    private static bool Digits(ReadOnlySpan<char> s, int at, int count, out int value)
    {
        value = 0;
        for (var i = at; i < at + count; i++)
        {
            var d = s[i] - '0';
            if ((uint)d > 9) return false;
            value = value * 10 + d;
        }
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
