using System.Data.Common;
using Telephony.Actors.Persistence;
using Telephony.Domain.Cluster;

namespace Telephony.Actors.Hosting;

/// <summary>The formation lease's row in the journal database (table <c>cluster_lease</c>, made here if missing).
/// Writes are compare-and-set on the row as it was read, so two members renewing at once cannot undo each other.</summary>
public sealed class LeaseStore(JournalProvider provider, string connectionString, string name)
{
    private bool _ensured;

    public async Task<LeaseRow?> ReadAsync(CancellationToken cancel = default)
    {
        await using var connection = await OpenAsync(cancel);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT holder, members, expires_at FROM cluster_lease WHERE name = @name";
        Add(command, "@name", name);
        await using var reader = await command.ExecuteReaderAsync(cancel);
        if (!await reader.ReadAsync(cancel)) return null;
        return new LeaseRow(reader.GetString(0), LeaseRow.ParseMembers(reader.GetString(1)),
            DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2)));
    }

    /// <summary>Writes <paramref name="next"/> if the row is still <paramref name="read"/> (null: absent). False when
    /// someone else wrote in between.</summary>
    public async Task<bool> TryWriteAsync(LeaseRow? read, LeaseRow next, CancellationToken cancel = default)
    {
        await using var connection = await OpenAsync(cancel);
        await using var command = connection.CreateCommand();
        Add(command, "@name", name);
        Add(command, "@holder", next.Holder);
        Add(command, "@members", next.MembersText);
        Add(command, "@expires", next.ExpiresAt.ToUnixTimeMilliseconds());
        if (read is null)
        {
            command.CommandText = "INSERT INTO cluster_lease (name, holder, members, expires_at) VALUES (@name, @holder, @members, @expires)";
            try
            {
                return await command.ExecuteNonQueryAsync(cancel) == 1;
            }
            catch (DbException)
            {
                return false; // inserted by another member in between (primary key)
            }
        }
        command.CommandText = "UPDATE cluster_lease SET holder = @holder, members = @members, expires_at = @expires " +
                              "WHERE name = @name AND holder = @oldHolder AND members = @oldMembers AND expires_at = @oldExpires";
        Add(command, "@oldHolder", read.Holder);
        Add(command, "@oldMembers", read.MembersText);
        Add(command, "@oldExpires", read.ExpiresAt.ToUnixTimeMilliseconds());
        return await command.ExecuteNonQueryAsync(cancel) == 1;
    }

    private async Task<DbConnection> OpenAsync(CancellationToken cancel)
    {
        var connection = JournalSchema.Open(provider, connectionString);
        await connection.OpenAsync(cancel);
        if (!_ensured)
        {
            await using var create = connection.CreateCommand();
            create.CommandText = "CREATE TABLE IF NOT EXISTS cluster_lease (name VARCHAR(64) NOT NULL PRIMARY KEY, " +
                                 "holder VARCHAR(255) NOT NULL, members TEXT NOT NULL, expires_at BIGINT NOT NULL)";
            await create.ExecuteNonQueryAsync(cancel);
            _ensured = true;
        }
        return connection;
    }

    private static void Add(DbCommand command, string parameter, object value)
    {
        var p = command.CreateParameter();
        p.ParameterName = parameter;
        p.Value = value;
        command.Parameters.Add(p);
    }
}
