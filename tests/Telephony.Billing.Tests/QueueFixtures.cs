using Telephony.Actors.Queues;
using Telephony.Billing.Rows;

namespace Telephony.Billing.Tests;

/// <summary>The journal sequences of tests/fixtures/queues-reporting: each line a persistence id, a
/// <see cref="QueueSerializer"/> manifest and the event's JSON, read back by the serializer the entities journal with.</summary>
internal static class QueueFixtures
{
    public static readonly string[] CallScenarios = ["answered", "noanswer-then-answer", "abandon", "timeout", "cross-node"];

    private static readonly QueueSerializer Serializer = new(null!);

    private static string PathOf(string file) => Path.Combine(AppContext.BaseDirectory, "fixtures", "queues-reporting", file);

    /// <summary>The events of <paramref name="name"/>.events in journal order: (persistence id, event).</summary>
    public static IReadOnlyList<(string PersistenceId, object Event)> Events(string name) =>
        File.ReadAllLines(PathOf(name + ".events"))
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l =>
            {
                var parts = l.Split(' ', 3);
                return (parts[0], Serializer.FromBinary(System.Text.Encoding.UTF8.GetBytes(parts[2]), parts[1]));
            })
            .ToList();

    /// <summary>The events as the projection maps them: journal orderings from <paramref name="firstOffset"/> on (every
    /// other one, as a journal shared with other entities would give), sequence numbers per entity.</summary>
    public static List<QueueJournalEntry> Entries(string name, long firstOffset = 1) => Entries(Events(name), firstOffset);

    public static List<QueueJournalEntry> Entries(IEnumerable<(string PersistenceId, object Event)> events, long firstOffset = 1)
    {
        var sequence = new Dictionary<string, long>();
        return events.Select((e, i) =>
        {
            sequence[e.PersistenceId] = sequence.GetValueOrDefault(e.PersistenceId) + 1;
            return new QueueJournalEntry(firstOffset + 2 * i, sequence[e.PersistenceId], e.PersistenceId[(e.PersistenceId.IndexOf('/') + 1)..], e.Event);
        }).ToList();
    }

    /// <summary>The queue_log lines <paramref name="name"/>.queue_log says the events write.</summary>
    public static IReadOnlyList<string> QueueLog(string name) =>
        File.ReadAllLines(PathOf(name + ".queue_log")).Where(l => l.Length > 0).ToList();
}
