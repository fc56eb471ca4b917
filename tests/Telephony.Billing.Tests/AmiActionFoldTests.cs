using System.Text.Json;
using Telephony.Actors.Actions;
using Telephony.Billing.Rows;
using Telephony.Billing.Sinks.Jsonl;

namespace Telephony.Billing.Tests;

/// <summary>The pure part of the <c>ami_action</c> projection, and its JSONL lines.</summary>
public class AmiActionFoldTests
{
    private static List<ActionJournalEntry> Entries(IReadOnlyList<object> events) => events.Select((e, i) => e switch
    {
        ActionQueued q => new ActionJournalEntry(i + 1, q.Action.Node, q.Action, null),
        ActionMoved m => new ActionJournalEntry(i + 1, m.Node, null, m.Transition),
        _ => throw new ArgumentException(e.GetType().Name),
    }).ToList();

    [Fact]
    public void Events_split_across_batches_give_the_rows_of_one_batch_and_applying_them_again_changes_nothing()
    {
        var entries = Entries(ActionLifecycles.FiveLives());
        var whole = AmiActionFold.Apply(new Dictionary<string, AmiActionRow>(), entries).Rows.ToDictionary(r => r.Id);

        var stored = new Dictionary<string, AmiActionRow>();
        foreach (var batch in entries.Chunk(4))
            foreach (var row in AmiActionFold.Apply(stored, batch).Rows) stored[row.Id] = row;
        Assert.Equal(whole.OrderBy(kv => kv.Key), stored.OrderBy(kv => kv.Key));

        var again = AmiActionFold.Apply(stored, entries);
        Assert.Empty(again.Rows);
        Assert.Equal(0, again.WithoutQueued);
    }

    [Fact]
    public void A_step_of_an_action_never_queued_is_counted_not_written()
    {
        var moved = ActionLifecycles.Move("nobody", Domain.Actions.ActionStatus.Sent, 1);
        var changes = AmiActionFold.Apply(new Dictionary<string, AmiActionRow>(), [new ActionJournalEntry(7, moved.Node, null, moved.Transition)]);
        Assert.Empty(changes.Rows);
        Assert.Equal(1, changes.WithoutQueued);
    }

    [Fact]
    public async Task A_jsonl_sink_writes_each_action_event_as_a_line()
    {
        var folder = Path.Combine(TestDatabases.TempFolder(), "jsonl");
        var sink = new JsonlFileSink("files", folder);
        var entries = Entries(ActionLifecycles.FiveLives());
        await sink.WriteAsync(new ProjectionBatch("files:actions", entries.Count, entries.Count, 0, [], [], [], null, entries), CancellationToken.None);

        var lines = File.ReadAllLines(Assert.Single(sink.FilesOf("files:actions"))).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(entries.Count, lines.Count);
        Assert.All(lines, l => Assert.Equal("ami_action", l.GetProperty("type").GetString()));
        var queued = lines[0];
        Assert.Equal(("queued", "pbx1-1", "queued", "crm-42-chan", 1L),
            (queued.GetProperty("event").GetString(), queued.GetProperty("id").GetString(), queued.GetProperty("status").GetString(),
                queued.GetProperty("channel_id").GetString(), queued.GetProperty("journal_offset").GetInt64()));
        var ended = lines[^1];
        Assert.Equal(("moved", "pbx1-1", "ended", 16, "2026-11-22T10:01:05.623000Z"),
            (ended.GetProperty("event").GetString(), ended.GetProperty("id").GetString(), ended.GetProperty("status").GetString(),
                ended.GetProperty("hangup_cause").GetInt32(), ended.GetProperty("at").GetString()));
    }
}
