using System.Globalization;
using Telephony.Simulator.Actions;

namespace Telephony.Simulator.Sessions;

/// <summary>The security-class events of the manager itself, with headers in the order of the captures.</summary>
internal static class SecurityEvents
{
    public static (EventClass, byte[]) SuccessfulAuth(AmiSession s)
    {
        var tv = Tv(DateTimeOffset.UtcNow);
        return (EventClass.Security, Reply.Event(
            ("Event", "SuccessfulAuth"), ("Privilege", "security,all"), ("EventTV", tv), ("Severity", "Informational"),
            ("Service", "AMI"), ("EventVersion", "1"), ("AccountID", s.Username ?? ""), ("SessionID", s.SessionHandle),
            ("LocalAddress", s.LocalAddress), ("RemoteAddress", s.RemoteAddress), ("UsingPassword", "0"),
            ("SessionTV", Tv(s.LoggedInAt ?? DateTimeOffset.UtcNow))));
    }

    public static (EventClass, byte[]) RequestBadFormat(AmiSession s, string action)
    {
        var tv = Tv(DateTimeOffset.UtcNow);
        return (EventClass.Security, Reply.Event(
            ("Event", "RequestBadFormat"), ("Privilege", "security,all"), ("EventTV", tv), ("Severity", "Error"),
            ("Service", "AMI"), ("EventVersion", "1"), ("SessionID", s.SessionHandle), ("LocalAddress", s.LocalAddress),
            ("RemoteAddress", s.RemoteAddress), ("RequestType", $"Action: {action}"),
            ("SessionTV", Tv(s.LoggedInAt ?? s.ConnectedAt)), ("AccountID", s.Username ?? "")));
    }

    /// <summary><c>2026-11-22T22:31:10.436+0000</c>.</summary>
    public static string Tv(DateTimeOffset t) =>
        t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff", CultureInfo.InvariantCulture) + "+0000";
}
