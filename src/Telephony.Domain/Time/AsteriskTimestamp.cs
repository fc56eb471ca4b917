namespace Telephony.Domain.Time;

/// <summary>
/// A time as Asterisk wrote it, and the instant it denotes. Asterisk formats CEL <c>EventTime</c> and Cdr
/// <c>StartTime</c>/<c>AnswerTime</c>/<c>EndTime</c> in the server's local time without a zone, so the instant depends
/// on the node's configured <see cref="TimeZoneInfo"/>; we keep <see cref="Text"/> verbatim so nothing is lost when a
/// zone was misconfigured and a record must be reinterpreted.
/// </summary>
/// <param name="Text">The header value exactly as received (not trimmed).</param>
/// <param name="Utc">The instant, offset zero.</param>
/// <param name="HasSubSecondPrecision">True when the text carried a fraction (<c>.ffffff</c> or an epoch fraction):
/// durations computed from two such times match Asterisk's own to the second; from whole-second times they can be one
/// second longer (see <see cref="AsteriskDurations"/>).</param>
/// <param name="WasAmbiguous">True when the local time fell in a daylight-saving overlap (the repeated hour) and was
/// resolved to its first occurrence, see <see cref="AsteriskTime"/>.</param>
public sealed record AsteriskTimestamp(string Text, DateTimeOffset Utc, bool HasSubSecondPrecision, bool WasAmbiguous)
{
    public override string ToString() => $"{Text} ({Utc:yyyy-MM-dd'T'HH:mm:ss.FFFFFF'Z'})";
}
