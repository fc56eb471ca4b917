using Telephony.Domain.Billing;

namespace Telephony.Actors.Calls;

/// <summary>What a call entity knows: every event it journaled (by identity), the channels still up, and its last
/// billing records. Pure state, changed only by journaled events so recovery rebuilds it exactly.</summary>
internal sealed class CallState
{
    private readonly HashSet<string> _identities = new(StringComparer.Ordinal);
    private readonly HashSet<string> _liveChannels = new(StringComparer.Ordinal);
    private readonly List<RecordedEvent> _events = [];

    public IReadOnlyList<RecordedEvent> Events => _events;
    public int CelCount { get; private set; }
    public int CdrCount { get; private set; }
    public int LiveChannels => _liveChannels.Count;
    public bool AnyChannelEnded { get; private set; }
    public bool LinkedIdEnded { get; private set; }
    public int Revision { get; private set; }
    public string? CompletionReason { get; private set; }
    public IReadOnlyList<BillingRecord> Records { get; private set; } = [];

    /// <summary>Events journaled since the last completion: a completed call with new events may need an amendment.</summary>
    public int EventsSinceCompletion { get; private set; }

    public bool Has(string identity) => _identities.Contains(identity);

    public void Apply(CallEventsRecorded recorded)
    {
        foreach (var e in recorded.Events)
        {
            if (!_identities.Add(e.Identity)) continue; // cannot happen for journaled data; keeps replays idempotent
            _events.Add(e);
            EventsSinceCompletion++;
            if (e.Kind == RecordedEventKind.Cdr)
            {
                CdrCount++;
                continue;
            }
            CelCount++;
            switch (e.EventName)
            {
                case "CHAN_START":
                    _liveChannels.Add(e.Header("UniqueID") ?? "");
                    break;
                case "CHAN_END":
                    _liveChannels.Remove(e.Header("UniqueID") ?? "");
                    AnyChannelEnded = true;
                    break;
                case "LINKEDID_END":
                    LinkedIdEnded = true;
                    break;
            }
        }
    }

    /// <summary>Drops the decoded CEL views kept for the first billing derivation: a completed call keeps only what it
    /// journaled (the bytes), and an amendment, which is rare, parses again. A call's decoded CEL are most of its
    /// memory, and completed calls stay for late events.</summary>
    public void ReleaseParsedViews()
    {
        foreach (var e in _events) e.ParsedCel = null;
    }

    /// <summary>New events were looked at and changed nothing billable: no amendment is owed for them.</summary>
    public void MarkUpToDate() => EventsSinceCompletion = 0;

    public void Apply(CallCompleted completed)
    {
        Revision = completed.Revision;
        CompletionReason = completed.Reason;
        Records = completed.Records;
        EventsSinceCompletion = 0;
    }
}
