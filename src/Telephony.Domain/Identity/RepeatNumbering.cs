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
/// events, and a new session — a reconnect, another source — starts counting again). Only identities seen in the last
/// <c>window</c> events of the stream, and within <c>horizon</c> of the newest, are remembered: identical events share
/// their whole-second time and their call, so they arrive a few events and well under a second apart; two identical
/// events further apart than that would both be numbered 0 (the second taken for a copy). The time bound is what keeps
/// a quiet node from holding the identities of calls that ended hours ago; each is kept as its 128 bits (the identity's
/// text is the event's to keep), ~90 bytes an entry.
/// </para>
/// </summary>
public sealed class RepeatNumbering(int window = 100_000, TimeSpan? horizon = null)
{
    /// <summary>How long an identity is remembered when nothing else pushes it out.</summary>
    public static readonly TimeSpan DefaultHorizon = TimeSpan.FromMinutes(2);

    private readonly Dictionary<Key, int> _seen = new();
    private readonly Queue<(Key Key, int Occurrence, DateTimeOffset At)> _order = new();
    private readonly int _window = Math.Max(1, window);
    private readonly TimeSpan _horizon = horizon ?? DefaultHorizon;

    /// <summary>Identities remembered now (at most the window).</summary>
    public int Count => _seen.Count;

    /// <summary>The identity of the next event with this content in <paramref name="session"/>'s stream, received at
    /// <paramref name="at"/> (default: no time bound for this one).</summary>
    public EventIdentity Number(int session, EventIdentity content, DateTimeOffset at = default)
    {
        // What fell out of the horizon goes first, so that it is not counted as an earlier occurrence.
        while (at != default && _order.Count > 0 && _order.Peek().At != default && _order.Peek().At < at - _horizon) Forget();
        var key = Key.Of(session, content.Value);
        var occurrence = _seen.TryGetValue(key, out var last) ? last + 1 : 0;
        _seen[key] = occurrence;
        _order.Enqueue((key, occurrence, at));
        if (_order.Count > _window) Forget();
        return occurrence == 0 ? content : content.Occurrence(occurrence);
    }

    private void Forget()
    {
        var (key, occurrence, _) = _order.Dequeue();
        // Forgotten only when no later occurrence is still remembered: numbers never go back down.
        if (_seen.TryGetValue(key, out var current) && current == occurrence) _seen.Remove(key);
    }

    /// <summary>An identity as its session and 128 bits; a text that is not <c>xxx1:</c> and 32 lower-case hex digits
    /// (only tests make those) is kept as text.</summary>
    private readonly record struct Key(int Session, ulong High, ulong Low, char Kind, string? Text)
    {
        public static Key Of(int session, string identity)
        {
            if (identity.Length == 37 &&
                (identity.StartsWith("cel1:", StringComparison.Ordinal) || identity.StartsWith("cdr1:", StringComparison.Ordinal)) &&
                !identity.AsSpan(5).ContainsAnyExcept(LowerHex))
                return new Key(session, ulong.Parse(identity.AsSpan(5, 16), System.Globalization.NumberStyles.AllowHexSpecifier),
                    ulong.Parse(identity.AsSpan(21, 16), System.Globalization.NumberStyles.AllowHexSpecifier), identity[1], null);
            return new Key(session, 0, 0, '\0', identity);
        }

        private static readonly System.Buffers.SearchValues<char> LowerHex = System.Buffers.SearchValues.Create("0123456789abcdef");
    }
}
