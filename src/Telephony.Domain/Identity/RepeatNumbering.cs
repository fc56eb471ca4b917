namespace Telephony.Domain.Identity;

/// <summary>
/// Tells repeated identical events apart: numbers each content identity by its occurrence in one source stream
/// (0 for the first, then 1, 2...) and gives the numbered identity (<see cref="EventIdentity.Occurrence"/>).
/// <para>
/// Why: Asterisk repeats byte-identical CEL within a second — a digit dialled twice gives two <c>DTMF</c> CEL that agree
/// in every field (the manager event has whole-second times and no sequence number; only the optional
/// <c>Timestamp</c> header differs). Content alone would take the second for a copy of the first and drop a real event.
/// Content plus its occurrence number among identical contents earlier in the same stream separates them, and the same
/// stream delivered again (a redelivery, a second source, the same capture replayed) numbers them the same way, so a
/// copy is still recognised. The first occurrence keeps the content identity itself, so every journal written before
/// this rule reads and deduplicates as before. Content identities include the LinkedID and UniqueID (a CEL) or the
/// channel (a Cdr), so numbering over a node's whole stream is numbering within each call.
/// </para>
/// <para>
/// Scope and bound: a stream is one manager session (<paramref name="session"/>: Asterisk never replays a session's
/// events, and a new session — a reconnect, another source — starts counting again). An identity is remembered while it
/// is among the last <c>window</c> events of the stream and, when events come with their own time (a CEL's
/// <c>EventTime</c>), until an event <c>horizon</c> younger than it arrives. Identical events share their whole-second
/// time exactly, so the time bound cannot part them however late they are read (a reading stall moves the time of
/// reading, not theirs); it only assumes a stream is never out of order by more than the horizon. It is what keeps a
/// node from holding every identity of its last 100,000 events (hours on a quiet node). Each is kept as 128 bits with
/// its session folded in, 64 bytes an entry.
/// </para>
/// </summary>
public sealed class RepeatNumbering(int window = 100_000, TimeSpan? horizon = null)
{
    /// <summary>How far behind the newest event's own time an identity is still remembered.</summary>
    public static readonly TimeSpan DefaultHorizon = TimeSpan.FromSeconds(30);

    private readonly Dictionary<Key, int> _seen = new();
    private readonly Queue<(Key Key, int Occurrence, long Ticks)> _order = new();
    private readonly int _window = Math.Max(1, window);
    private readonly long _horizon = (horizon ?? DefaultHorizon).Ticks;

    /// <summary>Identities remembered now (at most the window).</summary>
    public int Count => _seen.Count;

    /// <summary>The identity of the next event with this content in <paramref name="session"/>'s stream;
    /// <paramref name="eventTime"/> is the event's own time (default: none, bounded by the window alone).</summary>
    public EventIdentity Number(int session, EventIdentity content, DateTimeOffset eventTime = default)
    {
        var ticks = eventTime == default ? 0 : eventTime.UtcTicks;
        // What fell behind the horizon goes first, so that it is not counted as an earlier occurrence. Measured from this
        // event's time, not the newest seen: a clock that goes back (a DST fold) keeps more, never less.
        while (ticks != 0 && _order.TryPeek(out var head) && head.Ticks != 0 && head.Ticks < ticks - _horizon) Forget();
        var key = Key.Of(session, content.Value);
        var occurrence = _seen.TryGetValue(key, out var last) ? last + 1 : 0;
        _seen[key] = occurrence;
        _order.Enqueue((key, occurrence, ticks));
        if (_order.Count > _window) Forget();
        return occurrence == 0 ? content : content.Occurrence(occurrence);
    }

    private void Forget()
    {
        var (key, occurrence, _) = _order.Dequeue();
        // Forgotten only when no later occurrence is still remembered: numbers never go back down.
        if (_seen.TryGetValue(key, out var current) && current == occurrence) _seen.Remove(key);
    }

    /// <summary>An identity and its session as 128 bits: the identity's own (it is a SHA-256 prefix) with the session
    /// mixed in; a text of another form (only tests make those) hashed with its session.</summary>
    private readonly record struct Key(ulong High, ulong Low)
    {
        public static Key Of(int session, string identity)
        {
            var mix = (ulong)(uint)session * 0x9E3779B97F4A7C15UL;
            if (identity.Length == 37 &&
                (identity.StartsWith("cel1:", StringComparison.Ordinal) || identity.StartsWith("cdr1:", StringComparison.Ordinal)) &&
                !identity.AsSpan(5).ContainsAnyExcept(LowerHex))
                return new Key(ulong.Parse(identity.AsSpan(5, 16), System.Globalization.NumberStyles.AllowHexSpecifier) ^ mix,
                    ulong.Parse(identity.AsSpan(21, 16), System.Globalization.NumberStyles.AllowHexSpecifier) ^ (identity[1] == 'd' ? 1UL : 0UL));
            var digest = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{session}|{identity}"));
            return new Key(BitConverter.ToUInt64(digest, 0), BitConverter.ToUInt64(digest, 8));
        }

        private static readonly System.Buffers.SearchValues<char> LowerHex = System.Buffers.SearchValues.Create("0123456789abcdef");
    }
}
