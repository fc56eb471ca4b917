using System.Data.Common;
using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using MySqlConnector;

namespace Telephony.Billing.Sinks;

/// <summary>What differs between MySQL/MariaDB and SQLite for the billing tables: types, quoting, upserts, renames.</summary>
internal abstract class SqlDialect
{
    public static readonly SqlDialect MySql = new MySqlDialect();
    public static readonly SqlDialect Sqlite = new SqliteDialect();

    public abstract DbConnection Open(string connectionString);

    public abstract string Q(string identifier);

    /// <summary>Rows per INSERT statement (SQLite caps the number of parameters per statement).</summary>
    public abstract int RowsPerStatement(int columns);

    protected abstract string TypeOf(Column c);

    protected abstract string AutoIncrementKey { get; }

    /// <param name="keyIsPrimary">The natural key is the primary key; otherwise a surrogate auto-increment <c>id</c> is
    /// and the natural key is unique.</param>
    public virtual string CreateTable(string table, IReadOnlyList<Column> columns, IReadOnlyList<string> key, IReadOnlyList<string[]> indexes,
        bool keyIsPrimary = false)
    {
        var sb = new StringBuilder();
        sb.Append("CREATE TABLE IF NOT EXISTS ").Append(Q(table)).Append(" (\n  ");
        if (!keyIsPrimary) sb.Append(AutoIncrementKey).Append(",\n  ");
        sb.Append(string.Join(",\n  ", columns.Select(c => Q(c.Name) + " " + TypeOf(c))));
        sb.Append(",\n  ").Append(keyIsPrimary ? "PRIMARY KEY (" : "UNIQUE (").Append(string.Join(", ", key.Select(Q))).Append(')');
        AppendIndexes(sb, indexes);
        sb.Append(')').Append(TableOptions);
        return sb.ToString();
    }

    protected virtual void AppendIndexes(StringBuilder sb, IReadOnlyList<string[]> indexes) { }

    protected virtual string TableOptions => "";

    public abstract string CreateOffsetTable(string table);

    /// <summary>Adds a column to an existing table; a no-op where it is already there (see
    /// <see cref="IsColumnAlreadyThere"/> for SQLite, which has no IF NOT EXISTS here).</summary>
    public abstract string AddColumn(string table, Column column);

    /// <summary>True when a statement failed only because the column it adds exists.</summary>
    public virtual bool IsColumnAlreadyThere(Exception e) => false;

    public abstract string CreateVersionTable(string table);

    public abstract string InsertVersion(string table);

    /// <summary>The clause after <c>INSERT ... VALUES ...</c>: a row already there (same natural key) is left alone, or,
    /// for tables with a revision, replaced when the new <paramref name="version"/> is at least the stored one.</summary>
    public abstract string OnConflict(string table, IReadOnlyList<Column> columns, IReadOnlyList<string> key, bool update,
        string version = "revision");

    public abstract string UpsertOffset(string table);

    public abstract string TableExists { get; }

    /// <summary>Statements that swap each (live, rebuilt) pair atomically and drop the old tables.</summary>
    public abstract IEnumerable<string> Swap(IReadOnlyList<(string Live, string Rebuilt)> pairs, string oldSuffix);

    /// <summary>A value as bound to a parameter of the column (text cut to length, times as the database keeps them).</summary>
    public virtual object Value(object? value, Column c) => value switch
    {
        null => DBNull.Value,
        string s when c.Length > 0 && s.Length > c.Length => s[..c.Length],
        _ => value,
    };
}

internal sealed class MySqlDialect : SqlDialect
{
    public override DbConnection Open(string connectionString) => new MySqlConnection(connectionString);
    public override string Q(string identifier) => "`" + identifier.Replace("`", "``") + "`";
    public override int RowsPerStatement(int columns) => 1000;
    protected override string AutoIncrementKey => "`id` BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY";
    protected override string TableOptions => " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4";

    protected override string TypeOf(Column c) => c.Type switch
    {
        ColumnType.Text => $"VARCHAR({c.Length}) NOT NULL DEFAULT ''",
        ColumnType.LongText => "TEXT NOT NULL",
        ColumnType.Int => "INT NOT NULL DEFAULT 0",
        ColumnType.NullableInt => "INT NULL",
        ColumnType.BigInt => "BIGINT NOT NULL DEFAULT 0",
        ColumnType.Bool => "TINYINT(1) NOT NULL DEFAULT 0",
        ColumnType.DateTime => "DATETIME NOT NULL",
        ColumnType.DateTime6 => "DATETIME(6) NOT NULL",
        ColumnType.NullableDecimal3 => "DECIMAL(12,3) NULL",
        _ => "DATETIME(6) NULL",
    };

    protected override void AppendIndexes(StringBuilder sb, IReadOnlyList<string[]> indexes)
    {
        foreach (var index in indexes)
            sb.Append(",\n  KEY ").Append(Q("ix_" + string.Join("_", index))).Append(" (").Append(string.Join(", ", index.Select(Q))).Append(')');
    }

    public override string AddColumn(string table, Column column) =>
        $"ALTER TABLE {Q(table)} ADD COLUMN IF NOT EXISTS {Q(column.Name)} {TypeOf(column)}";

    public override string CreateOffsetTable(string table) =>
        $"CREATE TABLE IF NOT EXISTS {Q(table)} (`name` VARCHAR(200) NOT NULL PRIMARY KEY, `offset` BIGINT NOT NULL, " +
        "`updated` DATETIME(6) NOT NULL) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4";

    public override string CreateVersionTable(string table) =>
        $"CREATE TABLE IF NOT EXISTS {Q(table)} (`version` INT NOT NULL PRIMARY KEY, `description` VARCHAR(255) NOT NULL, " +
        "`applied` DATETIME(6) NOT NULL) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4";

    public override string InsertVersion(string table) =>
        $"INSERT IGNORE INTO {Q(table)} (`version`, `description`, `applied`) VALUES (@v, @d, @a)";

    public override string OnConflict(string table, IReadOnlyList<Column> columns, IReadOnlyList<string> key, bool update,
        string version = "revision")
    {
        if (!update) return $" ON DUPLICATE KEY UPDATE {Q(key[0])} = {Q(key[0])}";
        // MySQL assigns left to right: every column compares with the stored revision, which is assigned last.
        var v = Q(version);
        var sets = columns.Where(c => !key.Contains(c.Name) && c.Name != version)
            .Select(c => $"{Q(c.Name)} = IF(VALUES({v}) >= {v}, VALUES({Q(c.Name)}), {Q(c.Name)})")
            .Append($"{v} = GREATEST({v}, VALUES({v}))");
        return " ON DUPLICATE KEY UPDATE " + string.Join(", ", sets);
    }

    public override string UpsertOffset(string table) =>
        $"INSERT INTO {Q(table)} (`name`, `offset`, `updated`) VALUES (@name, @offset, @updated) " +
        "ON DUPLICATE KEY UPDATE `offset` = GREATEST(`offset`, VALUES(`offset`)), `updated` = VALUES(`updated`)";

    public override string TableExists =>
        "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = @name";

    public override IEnumerable<string> Swap(IReadOnlyList<(string Live, string Rebuilt)> pairs, string oldSuffix)
    {
        // One RENAME TABLE statement is atomic: readers see the old tables or the new ones, never a mix.
        yield return "RENAME TABLE " + string.Join(", ", pairs.SelectMany(p => new[]
        {
            $"{Q(p.Live)} TO {Q(p.Live + oldSuffix)}",
            $"{Q(p.Rebuilt)} TO {Q(p.Live)}",
        }));
        foreach (var p in pairs) yield return $"DROP TABLE IF EXISTS {Q(p.Live + oldSuffix)}";
    }
}

internal sealed class SqliteDialect : SqlDialect
{
    public override DbConnection Open(string connectionString) => new SqliteConnection(connectionString);
    public override string Q(string identifier) => "\"" + identifier.Replace("\"", "\"\"") + "\"";
    public override int RowsPerStatement(int columns) => Math.Max(1, 30000 / columns);
    protected override string AutoIncrementKey => "\"id\" INTEGER PRIMARY KEY AUTOINCREMENT";

    protected override string TypeOf(Column c) => c.Type switch
    {
        ColumnType.Text => "TEXT NOT NULL DEFAULT ''",
        ColumnType.LongText => "TEXT NOT NULL DEFAULT ''",
        ColumnType.Int or ColumnType.BigInt or ColumnType.Bool => "INTEGER NOT NULL DEFAULT 0",
        ColumnType.NullableInt => "INTEGER NULL",
        ColumnType.DateTime or ColumnType.DateTime6 => "TEXT NOT NULL",
        ColumnType.NullableDecimal3 => "REAL NULL",
        _ => "TEXT NULL",
    };

    public override string AddColumn(string table, Column column) =>
        $"ALTER TABLE {Q(table)} ADD COLUMN {Q(column.Name)} {TypeOf(column)}";

    public override bool IsColumnAlreadyThere(Exception e) =>
        e is SqliteException && e.Message.Contains("duplicate column name", StringComparison.OrdinalIgnoreCase);

    public override string CreateOffsetTable(string table) =>
        $"CREATE TABLE IF NOT EXISTS {Q(table)} (\"name\" TEXT NOT NULL PRIMARY KEY, \"offset\" INTEGER NOT NULL, \"updated\" TEXT NOT NULL)";

    public override string CreateVersionTable(string table) =>
        $"CREATE TABLE IF NOT EXISTS {Q(table)} (\"version\" INTEGER NOT NULL PRIMARY KEY, \"description\" TEXT NOT NULL, \"applied\" TEXT NOT NULL)";

    public override string InsertVersion(string table) =>
        $"INSERT OR IGNORE INTO {Q(table)} (\"version\", \"description\", \"applied\") VALUES (@v, @d, @a)";

    public override string OnConflict(string table, IReadOnlyList<Column> columns, IReadOnlyList<string> key, bool update,
        string version = "revision")
    {
        var target = string.Join(", ", key.Select(Q));
        if (!update) return $" ON CONFLICT ({target}) DO NOTHING";
        var sets = columns.Where(c => !key.Contains(c.Name)).Select(c => $"{Q(c.Name)} = excluded.{Q(c.Name)}");
        return $" ON CONFLICT ({target}) DO UPDATE SET {string.Join(", ", sets)} WHERE excluded.{Q(version)} >= {Q(table)}.{Q(version)}";
    }

    public override string UpsertOffset(string table) =>
        $"INSERT INTO {Q(table)} (\"name\", \"offset\", \"updated\") VALUES (@name, @offset, @updated) " +
        "ON CONFLICT (\"name\") DO UPDATE SET \"offset\" = max(\"offset\", excluded.\"offset\"), \"updated\" = excluded.\"updated\"";

    public override string TableExists => "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = @name";

    public override IEnumerable<string> Swap(IReadOnlyList<(string Live, string Rebuilt)> pairs, string oldSuffix)
    {
        // Run inside one transaction by the caller: SQLite DDL is transactional.
        foreach (var p in pairs)
        {
            yield return $"ALTER TABLE {Q(p.Live)} RENAME TO {Q(p.Live + oldSuffix)}";
            yield return $"ALTER TABLE {Q(p.Rebuilt)} RENAME TO {Q(p.Live)}";
        }
        foreach (var p in pairs) yield return $"DROP TABLE IF EXISTS {Q(p.Live + oldSuffix)}";
    }

    /// <summary>Times as text in Asterisk's format (what cdr_sqlite3_custom writes), sortable and readable.</summary>
    public override object Value(object? value, Column c) => value switch
    {
        DateTime t when c.Type == ColumnType.DateTime => t.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
        DateTime t => t.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture),
        bool b => b ? 1 : 0,
        // Microsoft.Data.Sqlite binds a decimal as text; the REAL column would convert it, but say what is meant.
        decimal d => (double)d,
        _ => base.Value(value, c),
    };
}
