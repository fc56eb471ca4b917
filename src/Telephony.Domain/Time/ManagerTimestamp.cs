namespace Telephony.Domain.Time;

/// <summary>
/// The <c>Timestamp</c> header Asterisk adds to every manager event when manager.conf has <c>timestampevents = yes</c>:
/// <c>"%ld.%06lu"</c> of <c>ast_tvnow()</c>, epoch seconds with microseconds, UTC (main/manager.c). Unlike CEL and Cdr
/// times it needs no zone and keeps the fraction Asterisk's own billsec is computed from.
/// </summary>
public static class ManagerTimestamp
{
    /// <summary>The instant, or null when the text is absent or not <c>digits[.digits]</c> (a bad header never refuses
    /// the event it came with: the whole-second time is still there).</summary>
    public static DateTimeOffset? Parse(string? text)
    {
        if (string.IsNullOrEmpty(text)) return null;
        var s = text.AsSpan().Trim();
        var dot = s.IndexOf('.');
        var whole = dot < 0 ? s : s[..dot];
        if (whole.Length is 0 or > 12) return null;
        long seconds = 0;
        foreach (var c in whole)
        {
            if (c is < '0' or > '9') return null;
            seconds = seconds * 10 + (c - '0');
        }
        long ticks = 0;
        if (dot >= 0)
        {
            var fraction = s[(dot + 1)..];
            if (fraction.Length is 0 or > 7) return null;
            long scale = TimeSpan.TicksPerSecond;
            foreach (var c in fraction)
            {
                if (c is < '0' or > '9') return null;
                scale /= 10;
                ticks += (c - '0') * scale;
            }
        }
        if (seconds > 253_402_300_799L) return null; // past year 9999
        return DateTimeOffset.UnixEpoch.AddTicks(seconds * TimeSpan.TicksPerSecond + ticks);
    }

    /// <summary>The text Asterisk writes for an instant (for simulators and tests).</summary>
    public static string Format(DateTimeOffset instant)
    {
        var ticks = (instant - DateTimeOffset.UnixEpoch).Ticks;
        return string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"{ticks / TimeSpan.TicksPerSecond}.{ticks % TimeSpan.TicksPerSecond / 10:D6}");
    }
}
