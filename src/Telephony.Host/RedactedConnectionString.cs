using System.Data.Common;

namespace Telephony.Host;

/// <summary>
/// A connection string as a log line may show it: where it points (server, port, user, database, file) and never a
/// password. Keys holding one (<c>Password</c>, <c>Pwd</c>, <c>SSL Password</c>, <c>Password2</c>...) keep their name
/// with <c>***</c> for a value; a string that does not parse is not shown at all, since its password cannot be found.
/// Parsed and written back by <see cref="DbConnectionStringBuilder"/> (quoting understood; keys come out in lower case).
/// </summary>
public static class RedactedConnectionString
{
    public const string Hidden = "***";

    public static string Of(string connectionString)
    {
        var parsed = new DbConnectionStringBuilder();
        try
        {
            parsed.ConnectionString = connectionString;
        }
        catch (ArgumentException)
        {
            return "(a connection string that does not parse; not shown)";
        }
        var redacted = new DbConnectionStringBuilder();
        foreach (string key in parsed.Keys)
            redacted[key] = IsSecret(key) ? Hidden : parsed[key];
        return redacted.ConnectionString;
    }

    private static bool IsSecret(string key) =>
        key.Contains("password", StringComparison.OrdinalIgnoreCase) || key.Replace(" ", "").Equals("pwd", StringComparison.OrdinalIgnoreCase);
}
