using Telephony.Domain.Actions;

namespace Telephony.Billing.Rows;

/// <summary>One journal event of an action queue (tag <c>actions</c>), in journal order: an action queued (with its
/// whole record) or one step of its life.</summary>
/// <param name="Offset">The event's journal ordering.</param>
public sealed record ActionJournalEntry(long Offset, string Node, ActionRecord? Queued, ActionTransition? Moved)
{
    public string Id => Queued?.Id ?? Moved!.Id;
}

/// <param name="Rows">The rows the events changed, in the order their actions first appear.</param>
/// <param name="WithoutQueued">Steps of an action whose ActionQueued is neither stored nor in the batch (not written).</param>
public sealed record AmiActionChanges(IReadOnlyList<AmiActionRow> Rows, int WithoutQueued);

/// <summary>
/// Applies a batch's action events to the stored rows, as a pure function: an <c>ActionQueued</c> makes the row (a
/// row already there is left alone: the event was applied before), an <c>ActionMoved</c> is applied by
/// <see cref="ActionRecord.Apply"/> to the row's record unless the row already holds it (its journal offset is at or
/// past the event's). So a batch read again after a crash, or the whole journal replayed from offset 0, changes nothing.
/// </summary>
public static class AmiActionFold
{
    public static AmiActionChanges Apply(IReadOnlyDictionary<string, AmiActionRow> stored, IReadOnlyList<ActionJournalEntry> entries)
    {
        var changed = new Dictionary<string, AmiActionRow>(StringComparer.Ordinal);
        var order = new List<string>();
        var withoutQueued = 0;
        foreach (var entry in entries)
        {
            var id = entry.Id;
            var current = changed.TryGetValue(id, out var c) ? c : stored.GetValueOrDefault(id);
            AmiActionRow next;
            if (entry.Queued is { } queued)
            {
                if (current is not null) continue;
                next = AmiActionRow.From(queued, entry.Offset);
            }
            else
            {
                if (current is null)
                {
                    withoutQueued++;
                    continue;
                }
                if (current.JournalOffset >= entry.Offset) continue;
                next = AmiActionRow.From(current.ToRecord().Apply(entry.Moved!), entry.Offset);
            }
            if (!changed.ContainsKey(id)) order.Add(id);
            changed[id] = next;
        }
        return new AmiActionChanges(order.Select(id => changed[id]).ToList(), withoutQueued);
    }
}
