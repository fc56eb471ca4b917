using Microsoft.Data.Sqlite;
using Telephony.Actors.Calls;
using Telephony.Actors.Serialization;

namespace Telephony.Host.Tests;

/// <summary>Reads a service's SQLite journal straight from the file (WAL: readers never block the service) and
/// decodes every call event row with the real serializer.</summary>
public static class JournalReader
{
    /// <summary>The identities of the Asterisk Cdr records in the journal.</summary>
    public static List<string> CdrIdentities(string databasePath) => ReadEvents(databasePath)
        .Where(e => e.Kind == RecordedEventKind.Cdr).Select(e => e.Identity).ToList();

    /// <summary>The <c>record_id</c> of every <c>asterisk-cdr</c> row of a SQLite billing sink.</summary>
    public static List<string> BilledCdrRecordIds(string billingPath)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = billingPath, Mode = SqliteOpenMode.ReadOnly, Pooling = false,
        }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT record_id FROM cdr WHERE origin = 'asterisk-cdr'";
        using var reader = command.ExecuteReader();
        var ids = new List<string>();
        while (reader.Read()) ids.Add(reader.GetString(0));
        return ids;
    }

    public static (List<string> Identities, int BillingRows) Read(string databasePath)
    {
        var identities = new List<string>();
        var billing = 0;
        foreach (var payload in ReadPayloads(databasePath))
        {
            if (payload is CallEventsRecorded recorded) identities.AddRange(recorded.Events.Select(e => e.Identity));
            else if (payload is CallCompleted) billing++;
        }
        return (identities, billing);
    }

    /// <summary>The gaps the node journals hold, and the times of their heartbeats.</summary>
    public static (List<Telephony.Actors.Nodes.GapRecorded> Gaps, List<DateTimeOffset> Heartbeats) ReadNodeJournals(string databasePath)
    {
        var payloads = ReadPayloads(databasePath);
        return (payloads.OfType<Telephony.Actors.Nodes.GapRecorded>().ToList(),
            payloads.OfType<Telephony.Actors.Nodes.NodeSeen>().Select(s => s.At).ToList());
    }

    private static IEnumerable<RecordedEvent> ReadEvents(string databasePath) =>
        ReadPayloads(databasePath).OfType<CallEventsRecorded>().SelectMany(r => r.Events);

    /// <summary>Every payload our serializer wrote into the journal, in journal order.</summary>
    private static List<object> ReadPayloads(string databasePath)
    {
        var serializer = new TelephonySerializer(null!);
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = databasePath, Mode = SqliteOpenMode.ReadOnly, Pooling = false,
        }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT manifest, message FROM journal WHERE identifier = @id ORDER BY ordering";
        command.Parameters.AddWithValue("@id", TelephonySerializer.SerializerId);
        using var reader = command.ExecuteReader();
        var payloads = new List<object>();
        while (reader.Read()) payloads.Add(serializer.FromBinary((byte[])reader["message"], reader.GetString(0)));
        return payloads;
    }
}
