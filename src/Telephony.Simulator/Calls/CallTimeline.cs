namespace Telephony.Simulator.Calls;

/// <summary>When one channel of a call started, answered and hung up, in µs since the epoch (for its Cdr and for
/// the CEL CHAN_START / ANSWER / HANGUP that report the same moments).</summary>
internal sealed class ChannelTimes
{
    public required long Start { get; init; }
    public long? Answer { get; set; }
    public long? End { get; set; }
}

/// <summary>The instants of one event: <see cref="Record"/> is what it prints (CEL <c>EventTime</c>, Cdr
/// <c>EndTime</c>), <see cref="RaisedFrom"/> what its manager event's Timestamp counts from (<see cref="IsCel"/>: the
/// record, through cel_manager).</summary>
internal readonly record struct EventInstants(long Record, long RaisedFrom, bool IsCel = false);

/// <summary>
/// The moments of each channel of a call. In Asterisk a channel's CEL CHAN_START / ANSWER / HANGUP and its Cdr's
/// start / answer / end are taken from the same channel snapshots, and the channel events (Newchannel, Newstate,
/// Hangup) come from them too; they reach the manager in varying order (a Cdr can come before its channel's Hangup).
/// So the first event that reports a moment fixes it, and every later one reports the same instant.
/// </summary>
internal sealed class CallTimeline
{
    private readonly Dictionary<string, ChannelTimes> _channels = new(StringComparer.Ordinal);

    /// <summary>The channel's moments; a channel seen for the first time starts at <paramref name="now"/>.</summary>
    public ChannelTimes Of(string uniqueid, long now) =>
        _channels.TryGetValue(uniqueid, out var t) ? t : _channels[uniqueid] = new ChannelTimes { Start = now };

    /// <summary>
    /// The instants of an event that the call's clock puts at <paramref name="eventAt"/>. A CEL is raised from its
    /// record, so its Timestamp follows its EventTime even when it comes out after later events; every other event is
    /// raised when it comes out (a Cdr when Asterisk dispatches it, which can be after the channel's end).
    /// </summary>
    /// <param name="finalCdr">The channel's last Cdr (earlier ones are forks that end when they are dispatched).</param>
    public EventInstants Instants(string eventName, string? celEventName, string? channelState, string? uniqueid,
        bool finalCdr, long eventAt)
    {
        if (uniqueid is null) return new(eventAt, eventAt, eventName == "CEL");
        var record = (eventName, celEventName) switch
        {
            ("Newchannel", _) or ("CEL", "CHAN_START") => Of(uniqueid, eventAt).Start,
            ("Newstate", _) when channelState == "6" => Of(uniqueid, eventAt).Answer ??= eventAt,
            ("CEL", "ANSWER") => Of(uniqueid, eventAt).Answer ??= eventAt,
            ("Hangup", _) or ("CEL", "HANGUP") => Of(uniqueid, eventAt).End ??= eventAt,
            ("Cdr", _) when finalCdr => Of(uniqueid, eventAt).End ??= eventAt,
            _ => eventAt,
        };
        return eventName == "CEL" ? new(record, record, IsCel: true) : new(record, eventAt);
    }
}
