using System.Collections.Immutable;
using Akka.Actor;
using Akka.Configuration;
using Akka.Persistence;
using Akka.Serialization;
using Microsoft.Data.Sqlite;
using Telephony.Actors.Persistence;

namespace Telephony.Actors.Tests;

/// <summary>A payload nothing can serialize.</summary>
public sealed class Unserializable;

public sealed class RefusingSerializer(ExtendedActorSystem system) : Serializer(system)
{
    public override int Identifier => 7999;
    public override bool IncludeManifest => false;
    public override byte[] ToBinary(object obj) => throw new System.Runtime.Serialization.SerializationException("this payload cannot be serialized");
    public override object FromBinary(byte[] bytes, Type? type) => throw new System.Runtime.Serialization.SerializationException("never written");
}

public class SqliteGroupWriterTests
{
    [Fact]
    public async Task A_payload_that_cannot_be_serialized_rejects_its_own_write_and_the_rest_of_the_group_is_written()
    {
        // The writer serializes each write when it reaches the journal and writes groups of them in one transaction: a
        // write whose payload cannot be serialized is refused alone (its entity is told), the others are journaled.
        var journal = TestJournal.Sqlite();
        await JournalSchema.EnsureAsync(journal.Provider, journal.ConnectionString);
        var config = ConfigurationFactory.ParseString($$"""
            akka.actor.serializers.refusing = "{{typeof(RefusingSerializer).AssemblyQualifiedName}}"
            akka.actor.serialization-bindings { "{{typeof(Unserializable).AssemblyQualifiedName}}" = refusing }
            journal { connection-string = "{{journal.ConnectionString}}" }
            """);
        using var system = ActorSystem.Create("writer-test", config);
        using var writer = new SqliteGroupWriter(config.GetConfig("journal"), (ExtendedActorSystem)system);

        static AtomicWrite Write(string pid, params object[] payloads) => new(payloads
            .Select((p, i) => (IPersistentRepresentation)new Persistent(p, i + 1, pid)).ToImmutableList());
        var writes = new[]
        {
            writer.Prepare(Write("good-1", new byte[] { 1 }, new byte[] { 2 })),
            writer.Prepare(Write("bad", new byte[] { 3 }, new Unserializable())),
            writer.Prepare(Write("good-2", new byte[] { 4 })),
        };

        var result = await writer.WriteAsync(writes);

        Assert.NotNull(result);
        Assert.Null(result[0]);
        Assert.Contains("cannot be serialized", result[1].Message);
        Assert.Null(result[2]);
        await using var connection = new SqliteConnection(journal.ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT persistence_id || ':' || sequence_number FROM journal ORDER BY persistence_id, sequence_number";
        var rows = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) rows.Add(reader.GetString(0));
        Assert.Equal(["good-1:1", "good-1:2", "good-2:1"], rows); // nothing of the refused write, not even its first row
    }

    [Fact]
    public async Task The_write_ahead_log_is_checkpointed_into_the_database_while_the_writer_goes_on_writing()
    {
        // The writer's own connection never checkpoints (its commits only append to the WAL); a checkpointer thread
        // moves the WAL into the database file after commits. If it did not, the WAL would grow for as long as the
        // service runs and the database file would stay empty.
        var journal = TestJournal.Sqlite();
        await JournalSchema.EnsureAsync(journal.Provider, journal.ConnectionString);
        var config = ConfigurationFactory.ParseString($"journal {{ connection-string = \"{journal.ConnectionString}\" }}");
        using var system = ActorSystem.Create("checkpoint-test", config);
        var file = new SqliteConnectionStringBuilder(journal.ConnectionString).DataSource;
        var before = new FileInfo(file).Length;
        var checkpoints = SqliteGroupWriter.Checkpoints;
        using (var writer = new SqliteGroupWriter(config.GetConfig("journal"), (ExtendedActorSystem)system))
        {
            var payload = new byte[8 * 1024];
            for (var group = 0; group < 40; group++)
            {
                var write = new AtomicWrite(Enumerable.Range(1, 20)
                    .Select(i => (IPersistentRepresentation)new Persistent(payload, i, $"call-{group}")).ToImmutableList());
                Assert.Null(await writer.WriteAsync([writer.Prepare(write)]));
            }
            // 40 groups of 160 KB: 6.4 MB, over six times SQLite's own checkpoint threshold (1,000 pages).
            var deadline = DateTime.UtcNow.AddSeconds(20);
            while (new FileInfo(file).Length < before + 6_000_000 && DateTime.UtcNow < deadline) await Task.Delay(50);
        }
        Assert.True(new FileInfo(file).Length >= before + 6_000_000,
            $"database file {new FileInfo(file).Length:N0} bytes: the WAL was not checkpointed into it");
        Assert.True(SqliteGroupWriter.Checkpoints > checkpoints);
    }
}
