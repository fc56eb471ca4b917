namespace Telephony.Actors.Persistence;

/// <summary>Where the journal and snapshots live. Each has its HOCON file in hocon/ (persistence-&lt;name&gt;.conf).</summary>
public enum JournalProvider
{
    Sqlite,
    MySql,
    PostgreSql,
}

public static class JournalProviders
{
    public static JournalProvider Parse(string? name) => (name ?? "sqlite").Trim().ToLowerInvariant() switch
    {
        "sqlite" => JournalProvider.Sqlite,
        "mysql" or "mariadb" => JournalProvider.MySql,
        "postgresql" or "postgres" => JournalProvider.PostgreSql,
        _ => throw new ArgumentException(
            $"unknown journal provider '{name}': use sqlite, mysql (MariaDB) or postgresql"),
    };

    public static string HoconFile(this JournalProvider p) => p switch
    {
        JournalProvider.Sqlite => "persistence-sqlite.conf",
        JournalProvider.MySql => "persistence-mysql.conf",
        _ => "persistence-postgresql.conf",
    };
}
