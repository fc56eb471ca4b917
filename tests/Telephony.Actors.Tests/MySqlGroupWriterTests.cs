using System.Collections.Immutable;
using Akka.Actor;
using Akka.Configuration;
using Akka.Persistence;
using Akka.Persistence.Journal;
using MySqlConnector;
using Telephony.Actors.Persistence;

namespace Telephony.Actors.Tests;

/// <summary>The MariaDB journal's direct writer: a group of writes is one transaction, however many statements it
/// takes, and its rows are the plugin's rows.</summary>
public class MySqlGroupWriterTests
{
    private static async Task<(TestJournal Journal, Config Config)> JournalAsync(string extra = "")
    {
        var journal = await TestJournal.MariaDbAsync();
        await JournalSchema.EnsureAsync(journal.Provider, journal.ConnectionString);
        var config = ConfigurationFactory.ParseString($$"""
            akka.actor.serializers.refusing = "{{typeof(RefusingSerializer).AssemblyQualifiedName}}"
            akka.actor.serialization-bindings { "{{typeof(Unserializable).AssemblyQualifiedName}}" = refusing }
            journal { connection-string = "{{journal.ConnectionString}}"
            {{extra}} }
            """);
        return (journal, config);
    }

    private static AtomicWrite Write(string pid, int from, params object[] payloads) => new(payloads
        .Select((p, i) => (IPersistentRepresentation)new Persistent(p, from + i, pid, writerGuid: "writer-1")).ToImmutableList());

    private static async Task<List<string>> RowsAsync(TestJournal journal)
    {
        await using var connection = new MySqlConnection(journal.ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT CONCAT(persistence_id, ':', sequence_number, ':', tags, ':', identifier, ':', manifest, ':', " +
                              "writer_uuid, ':', deleted, ':', LENGTH(message), ':', created > 0) FROM journal ORDER BY ordering";
        var rows = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) rows.Add(reader.GetString(0));
        return rows;
    }

    [Fact]
    public async Task A_group_larger_than_one_statement_is_written_whole_with_the_plugins_columns()
    {
        var (journal, config) = await JournalAsync("direct-write-max-statement-bytes = 20KiB");
        using var system = ActorSystem.Create("mysql-writer-test", config);
        using var writer = new MySqlGroupWriter(config.GetConfig("journal"), (ExtendedActorSystem)system);
        var payload = new byte[8 * 1024];
        new Random(3).NextBytes(payload); // every byte value, quotes and backslashes included: escaping must hold
        var statements = MySqlGroupWriter.Totals.Statements;

        var writes = Enumerable.Range(0, 5)
            .Select(c => writer.Prepare(Write($"call/n/{c}'\\\"x", 1, new Tagged(payload, ["cel"]), payload)))
            .ToList();
        Assert.Null(await writer.WriteAsync(writes));

        Assert.True(MySqlGroupWriter.Totals.Statements - statements >= 4, "10 rows of 8 KiB in statements of 20 KiB at most");
        var rows = await RowsAsync(journal);
        Assert.Equal(10, rows.Count);
        Assert.Equal("call/n/0'\\\"x:1:;cel;:4::writer-1:0:8192:1", rows[0]); // ByteArraySerializer: id 4, no manifest
        Assert.Equal("call/n/0'\\\"x:2::4::writer-1:0:8192:1", rows[1]);
        await using var connection = new MySqlConnection(journal.ConnectionString);
        await connection.OpenAsync();
        await using var command = new MySqlCommand("SELECT message FROM journal", connection);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) Assert.Equal(payload, (byte[])reader.GetValue(0));
    }

    [Fact]
    public async Task A_group_whose_last_statement_fails_leaves_nothing_of_the_group()
    {
        // A second writer already holds sequence number 1 of the last call (a split brain): the unique key refuses the
        // group's last statement, and the group's earlier statements must not stay behind either.
        var (journal, config) = await JournalAsync("direct-write-max-statement-bytes = 20KiB");
        using var system = ActorSystem.Create("mysql-writer-test", config);
        using var writer = new MySqlGroupWriter(config.GetConfig("journal"), (ExtendedActorSystem)system);
        var payload = new byte[8 * 1024];
        Assert.Null(await writer.WriteAsync([writer.Prepare(Write("call/n/last", 1, payload))]));

        var group = Enumerable.Range(0, 4).Select(c => writer.Prepare(Write($"call/n/{c}", 1, payload, payload)))
            .Append(writer.Prepare(Write("call/n/last", 1, payload))).ToList();
        await Assert.ThrowsAsync<MySqlException>(() => writer.WriteAsync(group));

        Assert.Equal(["call/n/last:1::4::writer-1:0:8192:1"], await RowsAsync(journal));
    }

    [Fact]
    public async Task A_payload_that_cannot_be_serialized_rejects_its_own_write_and_the_rest_of_the_group_is_written()
    {
        var (journal, config) = await JournalAsync();
        using var system = ActorSystem.Create("mysql-writer-test", config);
        using var writer = new MySqlGroupWriter(config.GetConfig("journal"), (ExtendedActorSystem)system);
        var writes = new[]
        {
            writer.Prepare(Write("good-1", 1, new byte[] { 1 }, new byte[] { 2 })),
            writer.Prepare(Write("bad", 1, new byte[] { 3 }, new Unserializable())),
            writer.Prepare(Write("good-2", 1, new byte[] { 4 })),
        };

        var result = await writer.WriteAsync(writes);

        Assert.NotNull(result);
        Assert.Null(result[0]);
        Assert.Contains("cannot be serialized", result[1].Message);
        Assert.Null(result[2]);
        Assert.Equal(["good-1:1::4::writer-1:0:1:1", "good-1:2::4::writer-1:0:1:1", "good-2:1::4::writer-1:0:1:1"],
            await RowsAsync(journal));
    }
}
