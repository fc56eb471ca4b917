using Telephony.Domain.Cel;
using Telephony.Domain.Identity;
using Telephony.Domain.Tests.Support;

namespace Telephony.Domain.Tests.Identity;

/// <summary>
/// Repeated identical events are told apart by their occurrence in the stream, and a stream delivered again numbers
/// them the same way. The real case: ts-dtmf-repeated, digits 1,1,2,2 inside one second — twelve CEL DTMF whose
/// repeats are identical in every field but the manager's Timestamp header.
/// </summary>
public sealed class RepeatNumberingTests
{
    private static List<CelEvent> Dtmf(bool withTimestamps) =>
        Captures.Events("timestamps/ts-dtmf-repeated", "CEL")
            .Select(m => m.Headers.Where(h => withTimestamps || !h.Key.Equals("Timestamp", StringComparison.OrdinalIgnoreCase)).ToList())
            .Select(h => CelEventFactory.Parse(h, Captures.Zone).GetValueOrThrow())
            .Where(c => c.EventName == "DTMF")
            .ToList();

    private static List<string> Numbered(IEnumerable<CelEvent> events, RepeatNumbering numbering, int session) =>
        events.Select(e => numbering.Number(session, e.Identity).Value).ToList();

    [Fact]
    public void Twelve_dtmf_events_with_six_repeated_contents_get_twelve_identities()
    {
        var dtmf = Dtmf(withTimestamps: true);
        Assert.Equal(12, dtmf.Count);
        Assert.Equal(6, dtmf.Select(e => e.Identity).Distinct().Count()); // content alone keeps half of them

        var identities = Numbered(dtmf, new RepeatNumbering(), session: 1);

        Assert.Equal(12, identities.Distinct().Count());
        Assert.All(identities, i => Assert.Matches("^cel1:[0-9a-f]{32}$", i));
    }

    [Fact]
    public void The_first_occurrence_keeps_the_content_identity_so_older_journals_still_deduplicate()
    {
        var dtmf = Dtmf(withTimestamps: true);
        var identities = Numbered(dtmf, new RepeatNumbering(), session: 1);
        var firsts = dtmf.Select((e, i) => (e.Identity.Value, identities[i]))
            .GroupBy(p => p.Item1).Select(g => g.First());
        Assert.All(firsts, p => Assert.Equal(p.Item1, p.Item2));
    }

    [Fact]
    public void The_same_stream_again_with_or_without_timestamps_numbers_every_event_the_same_way()
    {
        var numbering = new RepeatNumbering();
        var first = Numbered(Dtmf(withTimestamps: true), numbering, session: 1);
        var replay = Numbered(Dtmf(withTimestamps: true), numbering, session: 2);
        var withoutTimestamps = Numbered(Dtmf(withTimestamps: false), new RepeatNumbering(), session: 1);

        Assert.Equal(first, replay);
        Assert.Equal(first, withoutTimestamps);
    }

    [Fact]
    public void Numbers_are_pinned_because_journals_hold_them()
    {
        var content = EventIdentity.FromValue("cel1:0123456789abcdef0123456789abcdef");
        Assert.Equal(content, content.Occurrence(0));
        Assert.Equal("cel1:7431c97cec63f7e97dfb3e5d65afd833", content.Occurrence(1).Value);
        Assert.Equal("cdr1:", EventIdentity.FromValue("cdr1:0123456789abcdef0123456789abcdef").Occurrence(3).Value[..5]);
    }

    [Fact]
    public void Past_the_window_an_identity_is_forgotten_only_after_its_last_occurrence_left_it()
    {
        var a = EventIdentity.FromValue("cel1:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
        var numbering = new RepeatNumbering(window: 3);
        var other = Enumerable.Range(0, 10).Select(i => EventIdentity.FromValue($"cel1:{i:x32}")).ToList();

        Assert.Equal(a, numbering.Number(1, a));
        numbering.Number(1, other[0]);
        Assert.Equal(a.Occurrence(1), numbering.Number(1, a)); // still inside the window
        numbering.Number(1, other[1]);
        numbering.Number(1, other[2]); // the first "a" leaves the window, the second is still in it
        Assert.Equal(a.Occurrence(2), numbering.Number(1, a));
        foreach (var o in other.Skip(3)) numbering.Number(1, o);
        Assert.Equal(a, numbering.Number(1, a)); // long gone: counted from the start again
        Assert.True(numbering.Count <= 3);
    }

    [Fact]
    public void Identities_are_forgotten_once_the_stream_is_a_horizon_past_them_however_late_a_repeat_is_read()
    {
        var a = EventIdentity.FromValue("cel1:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
        var b = EventIdentity.FromValue("cel1:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb");
        var t0 = new DateTimeOffset(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);
        var numbering = new RepeatNumbering(horizon: TimeSpan.FromSeconds(30));

        Assert.Equal(a, numbering.Number(1, a, t0));
        // A digit dialled twice in one second: the same EventTime, even if the second is read minutes later.
        Assert.Equal(a.Occurrence(1), numbering.Number(1, a, t0));
        Assert.Equal(b, numbering.Number(1, b, t0.AddSeconds(25)));
        Assert.Equal(2, numbering.Count);

        // Events 40 s on: "a" is behind the horizon and forgotten (a later "a" is another event); "b" is not yet.
        Assert.Equal(a, numbering.Number(1, a, t0.AddSeconds(40)));
        Assert.Equal(b.Occurrence(1), numbering.Number(1, b, t0.AddSeconds(41)));
        Assert.Equal(2, numbering.Count);
    }

    [Fact]
    public void A_clock_that_goes_back_keeps_more_never_less()
    {
        var a = EventIdentity.FromValue("cel1:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
        var t0 = new DateTimeOffset(2026, 10, 25, 1, 59, 59, TimeSpan.Zero);
        var numbering = new RepeatNumbering(horizon: TimeSpan.FromSeconds(30));
        Assert.Equal(a, numbering.Number(1, a, t0));
        numbering.Number(1, EventIdentity.FromValue("cel1:cccccccccccccccccccccccccccccccc"), t0.AddHours(-1)); // the DST fold
        Assert.Equal(a.Occurrence(1), numbering.Number(1, a, t0));
    }

    [Fact]
    public void Sessions_count_apart()
    {
        var a = EventIdentity.FromValue("cel1:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
        var numbering = new RepeatNumbering();
        Assert.Equal(a, numbering.Number(1, a));
        Assert.Equal(a, numbering.Number(2, a));
        Assert.Equal(a.Occurrence(1), numbering.Number(1, a));
    }
}
