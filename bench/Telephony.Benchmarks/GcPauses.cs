using System.Diagnostics.Tracing;

namespace Telephony.Benchmarks;

/// <summary>The process's blocking garbage collections as time windows (from the runtime's suspension of managed
/// threads to their restart), so that a latency can be told apart from the collections it overlapped.</summary>
internal sealed class GcPauses : EventListener
{
    private readonly List<(DateTimeOffset Start, DateTimeOffset End, int Generation)> _windows = [];
    private DateTimeOffset? _suspended;
    private int _generation;

    public IReadOnlyList<(DateTimeOffset Start, DateTimeOffset End, int Generation)> Windows
    {
        get { lock (_windows) return _windows.ToList(); }
    }

    protected override void OnEventSourceCreated(EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime") EnableEvents(source, EventLevel.Informational, (EventKeywords)0x1 /* GC */);
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        switch (e.EventName)
        {
            case "GCSuspendEEBegin_V1":
                _suspended = new DateTimeOffset(e.TimeStamp.ToUniversalTime(), TimeSpan.Zero);
                _generation = -1; // a suspension without a collection (the runtime suspends for other reasons too)
                break;
            case "GCStart_V2":
                _generation = Convert.ToInt32(e.Payload![1]);
                break;
            case "GCRestartEEEnd_V1" when _suspended is { } s:
                if (_generation >= 0)
                    lock (_windows) _windows.Add((s, new DateTimeOffset(e.TimeStamp.ToUniversalTime(), TimeSpan.Zero), _generation));
                _suspended = null;
                break;
        }
    }
}
