using Telephony.Domain.Billing;

namespace Telephony.Actors.Calls;

/// <summary>What a call entity knows: every event it journaled (by identity), the channels still up, and its last
/// billing records. Pure state, changed only by journaled events so recovery rebuilds it exactly. Once billed, a call
/// may let go of the events themselves (<see cref="ReleaseEvents"/>) and keep only what recognises copies.</summary>
internal sealed class CallState
{
    private readonly HashSet<IdentityKey> _identities = [];
    private readonly HashSet<string> _liveChannels = new(StringComparer.Ordinal);
    private readonly List<RecordedEvent> _events = [];

    /// <summary>Every event journaled, in order; not available once <see cref="ReleaseEvents"/> was called.</summary>
    public IReadOnlyList<RecordedEvent> Events => EventsReleased
        ? throw new InvalidOperationException("the call's events were released after billing; a fresh incarnation recovers them")
        : _events;

    /// <summary>Events journaled in all (still counted after <see cref="ReleaseEvents"/>).</summary>
    public int EventCount => _identities.Count;

    /// <summary>The call was billed and let go of its events: new ones need a fresh incarnation, which recovers them.</summary>
    public bool EventsReleased { get; private set; }
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

    public bool Has(string identity) => _identities.Contains(IdentityKey.Of(identity));

    public void Apply(CallEventsRecorded recorded)
    {
        if (EventsReleased) throw new InvalidOperationException("new events after release belong to a fresh incarnation");
        // One resize per delivery rather than several (a call's first delivery is often the whole call).
        _identities.EnsureCapacity(_identities.Count + recorded.Events.Count);
        _events.EnsureCapacity(_events.Count + recorded.Events.Count);
        foreach (var e in recorded.Events)
        {
            var key = IdentityKey.Of(e.Identity);
            if (!_identities.Add(key)) continue; // cannot happen for journaled data; keeps replays idempotent
            // A call in progress keeps a parsed CEL without its bytes (they are in the journal): about half its memory.
            _events.Add(e.Slim(key));
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
                    _liveChannels.Add(UniqueIdOf(e));
                    break;
                case "CHAN_END":
                    _liveChannels.Remove(UniqueIdOf(e));
                    AnyChannelEnded = true;
                    break;
                case "LINKEDID_END":
                    LinkedIdEnded = true;
                    break;
            }
        }
    }

    // The parsed CEL's string when there is one (the event keeps it anyway); decoding the header again made a second
    // copy of each channel's UniqueID for the whole call.
    private static string UniqueIdOf(RecordedEvent e) => e.ParsedCel?.UniqueId ?? e.Header("UniqueID")?.Trim() ?? "";

    /// <summary>Lets go of the events once their billing revision is journaled (only then: see CallEntity.Complete).
    /// A completed call stays a while for late copies and late events: their identities are enough to recognise
    /// copies, while the events (bytes and decoded CEL) were most of its memory, held for nothing in the common case.
    /// New events after this need the whole history to amend the billing; the entity then makes way for an
    /// incarnation that recovers it (see <c>CallEntity.Reload</c>).</summary>
    public void ReleaseEvents()
    {
        if (Revision == 0) throw new InvalidOperationException("a call not billed yet keeps its events");
        _events.Clear();
        _events.TrimExcess();
        EventsReleased = true;
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
