using System.Globalization;

namespace Telephony.Simulator.Sessions;

/// <summary>The security-class events of the manager itself, with headers in the order of the captures. EventTV is
/// the <c>now</c> given, the node's clock (the wall clock unless a sub-second node runs scaled).</summary>
internal static class SecurityEvents
{
    public static List<KeyValuePair<string, string>> SuccessfulAuth(AmiSession s, DateTimeOffset now)
    {
        var tv = Tv(now);
        return Headers(
            ("Event", "SuccessfulAuth"), ("Privilege", "security,all"), ("EventTV", tv), ("Severity", "Informational"),
            ("Service", "AMI"), ("EventVersion", "1"), ("AccountID", s.Username ?? ""), ("SessionID", s.SessionHandle),
            ("LocalAddress", s.LocalAddress), ("RemoteAddress", s.RemoteAddress), ("UsingPassword", "0"),
            ("SessionTV", Tv(s.LoggedInAt ?? DateTimeOffset.UtcNow)));
    }

    public static List<KeyValuePair<string, string>> RequestBadFormat(AmiSession s, string action, DateTimeOffset now)
    {
        var tv = Tv(now);
        return Headers(
            ("Event", "RequestBadFormat"), ("Privilege", "security,all"), ("EventTV", tv), ("Severity", "Error"),
            ("Service", "AMI"), ("EventVersion", "1"), ("SessionID", s.SessionHandle), ("LocalAddress", s.LocalAddress),
            ("RemoteAddress", s.RemoteAddress), ("RequestType", $"Action: {action}"),
            ("SessionTV", Tv(s.LoggedInAt ?? s.ConnectedAt)), ("AccountID", s.Username ?? ""));
    }

    private static List<KeyValuePair<string, string>> Headers(params (string Key, string Value)[] headers) =>
        headers.Select(h => new KeyValuePair<string, string>(h.Key, h.Value)).ToList();

    /// <summary><c>2026-11-22T22:31:10.436+0000</c>.</summary>
    public static string Tv(DateTimeOffset t) =>
        t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff", CultureInfo.InvariantCulture) + "+0000";
}
