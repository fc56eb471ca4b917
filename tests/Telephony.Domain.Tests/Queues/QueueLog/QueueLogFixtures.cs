namespace Telephony.Domain.Tests.Queues.QueueLog;

/// <summary>tests/fixtures/queue-log: Asterisk 20.20.1's own queue_log from the capture runs, and the table of each
/// event's shape as app_queue writes it.</summary>
internal static class QueueLogFixtures
{
    private static string Directory => Path.Combine(AppContext.BaseDirectory, "fixtures", "queue-log");

    /// <summary>The real file's lines, split on '\n' only (Asterisk writes "%s\n"), so a stray '\r' would show.</summary>
    public static string[] RealLines() =>
        File.ReadAllText(Path.Combine(Directory, "queue_log.txt")).TrimEnd('\n').Split('\n');

    public static string RealFileText() => File.ReadAllText(Path.Combine(Directory, "queue_log.txt"));

    /// <summary>The rows of event-shapes.txt: event, callid kind, queue kind, agent kind, then (name, kind) per field.</summary>
    public static IEnumerable<EventShape> Shapes() =>
        File.ReadLines(Path.Combine(Directory, "event-shapes.txt"))
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => l.Split('|', StringSplitOptions.TrimEntries))
            .Select(c => new EventShape(c[0], c[1], c[2], c[3],
                c[4].Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(f => f.Split(':')).Select(p => (p[0], p[1])).ToArray()));
}

internal sealed record EventShape(string Event, string CallId, string Queue, string Agent, (string Name, string Kind)[] Fields)
{
    public override string ToString() => Event;
}
