using System.Text.Json;
using Telephony.Billing.Rows;
using Telephony.Billing.Sinks.Jsonl;
using Telephony.Domain.Queues.QueueLog;

namespace Telephony.Billing.Tests;

/// <summary>The <c>queues</c> projection into a JSONL sink: its fold state travels in the offset file, so a sink
/// restarted between batches writes the lines one sink would.</summary>
public class QueueReportJsonlTests
{
    [Fact]
    public async Task A_jsonl_sink_restarted_between_batches_writes_every_queue_log_line_once_and_the_final_rows()
    {
        var folder = Path.Combine(TestDatabases.TempFolder(), "jsonl");
        var names = new[] { "noanswer-then-answer", "timeout", "agent" };
        var entries = QueueFixtures.Entries(names.SelectMany(QueueFixtures.Events));
        foreach (var batch in entries.Chunk(3))
        {
            // A new sink each batch: nothing but the files and the offset file carries the stays and the agent over.
            var sink = new JsonlFileSink("files", folder);
            await sink.WriteAsync(new ProjectionBatch("files:queues", batch[^1].Offset, batch.Length, 0, [], [], [], null, null, batch),
                CancellationToken.None);
            // The same batch again (a projection that restarted before it heard) writes nothing.
            await sink.WriteAsync(new ProjectionBatch("files:queues", batch[^1].Offset, batch.Length, 0, [], [], [], null, null, batch),
                CancellationToken.None);
        }

        var lines = new JsonlFileSink("files", folder).FilesOf("files:queues").SelectMany(File.ReadAllLines)
            .Select(l => JsonDocument.Parse(l).RootElement).ToList();
        string Type(JsonElement e) => e.GetProperty("type").GetString()!;

        var log = lines.Where(l => Type(l) == "queue_log").ToList();
        Assert.Equal(names.SelectMany(QueueFixtures.QueueLog), log.Select(l => l.GetProperty("line").GetString()));
        Assert.All(log, l => Assert.Equal(l.GetProperty("event").GetString(), QueueLogEntry.Parse(l.GetProperty("line").GetString()).Value!.Event));

        // The last line of each stay is its final row, as the SQL upsert keeps it.
        var calls = lines.Where(l => Type(l) == "queue_call")
            .GroupBy(l => (l.GetProperty("queue").GetString(), l.GetProperty("caller_uniqueid").GetString(), l.GetProperty("joined_seq").GetInt64()))
            .Select(g => g.MaxBy(l => l.GetProperty("journal_offset").GetInt64()))
            .ToList();
        Assert.Equal(6, calls.Count);
        var retried = calls.Single(c => c.GetProperty("caller_uniqueid").GetString() == "1795341600.8");
        Assert.Equal(("answered", 2, 20m, "1002"), (retried.GetProperty("outcome").GetString(), retried.GetProperty("attempts").GetInt32(),
            retried.GetProperty("wait_seconds").GetDecimal(), retried.GetProperty("agent_id").GetString()));

        var sessions = lines.Where(l => Type(l) == "agent_session")
            .GroupBy(l => l.GetProperty("session").GetInt32())
            .Select(g => g.MaxBy(l => l.GetProperty("journal_offset").GetInt64()))
            .OrderBy(s => s.GetProperty("session").GetInt32())
            .ToList();
        Assert.Equal(2, sessions.Count);
        Assert.Equal((400m, 1, 60.5m), (sessions[0].GetProperty("paused_seconds").GetDecimal(), sessions[0].GetProperty("calls").GetInt32(),
            sessions[0].GetProperty("talk_seconds").GetDecimal()));
    }
}
