using Microsoft.Data.Sqlite;
using Telephony.Actors.Calls;
using Telephony.Actors.Serialization;

namespace Telephony.Host.Tests;

/// <summary>Reads a service's SQLite journal straight from the file (WAL: readers never block the service) and
/// decodes every call event row with the real serializer.</summary>
public static class JournalReader
{
    public static (List<string> Identities, int BillingRows) Read(string databasePath)
    {
        var serializer = new TelephonySerializer(null!);
        var identities = new List<string>();
        var billing = 0;
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = databasePath, Mode = SqliteOpenMode.ReadOnly, Pooling = false,
        }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT manifest, message FROM journal WHERE identifier = @id ORDER BY ordering";
        command.Parameters.AddWithValue("@id", TelephonySerializer.SerializerId);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var payload = serializer.FromBinary((byte[])reader["message"], reader.GetString(0));
            if (payload is CallEventsRecorded recorded) identities.AddRange(recorded.Events.Select(e => e.Identity));
            else if (payload is CallCompleted) billing++;
        }
        return (identities, billing);
    }
}
