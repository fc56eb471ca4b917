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
/// <c>window</c> events of the stream are remembered: identical events share their whole-second time and their call, so
/// they arrive a few events apart; two identical events further apart than the window would both be numbered 0 (the
/// second taken for a copy) — at 100,000 events that is seconds of a large server's full output.
/// </para>
/// </summary>
public sealed class RepeatNumbering(int window = 100_000)
{
    private readonly Dictionary<(int Session, string Identity), int> _seen = new();
    private readonly Queue<((int Session, string Identity) Key, int Occurrence)> _order = new();
    private readonly int _window = Math.Max(1, window);

    /// <summary>Identities remembered now (at most the window).</summary>
    public int Count => _seen.Count;

    /// <summary>The identity of the next event with this content in <paramref name="session"/>'s stream.</summary>
    public EventIdentity Number(int session, EventIdentity content)
    {
        var key = (session, content.Value);
        var occurrence = _seen.TryGetValue(key, out var last) ? last + 1 : 0;
        _seen[key] = occurrence;
        _order.Enqueue((key, occurrence));
        if (_order.Count > _window)
        {
            var (oldKey, oldOccurrence) = _order.Dequeue();
            // Forgotten only when no later occurrence is still in the window: numbers never go back down.
            if (_seen.TryGetValue(oldKey, out var current) && current == oldOccurrence) _seen.Remove(oldKey);
        }
        return occurrence == 0 ? content : content.Occurrence(occurrence);
    }
}
