using Telephony.Domain.Cdr;
using Telephony.Domain.Cel;
using Telephony.Domain.Identity;
using Telephony.Domain.Tests.Support;

namespace Telephony.Domain.Tests.Identity;

/// <summary>The identity that lets the Call entity journal each CEL/Cdr exactly once: the same content from anywhere
/// is the same identity; any difference in content is a different one.</summary>
public sealed class EventIdentityTests
{
    private static readonly TimeZoneInfo Utc = TimeZoneInfo.Utc;

    private static EventIdentity Cel(IEnumerable<KeyValuePair<string, string>> headers, TimeZoneInfo? zone = null) =>
        CelEventFactory.Parse(headers.ToList(), zone ?? Utc).GetValueOrThrow().Identity;

    private static EventIdentity Cdr(IEnumerable<KeyValuePair<string, string>> headers) =>
        CdrRecordFactory.Parse(headers.ToList(), Utc).GetValueOrThrow().Identity;

    [Fact]
    public void Same_cel_content_gives_the_same_compact_identity()
    {
        var a = Cel(Headers.FullCel());
        var b = Cel(Headers.FullCel());

        Assert.Equal(a, b);
        Assert.Matches("^cel1:[0-9a-f]{32}$", a.Value);
        Assert.Equal(a, EventIdentity.FromValue(a.Value));
    }

    [Fact]
    public void Header_order_key_case_and_connection_headers_do_not_matter()
    {
        var original = Cel(Headers.FullCel());

        var reordered = Headers.FullCel();
        reordered.Reverse();
        var recased = Headers.FullCel().Select(kv => new KeyValuePair<string, string>(kv.Key.ToUpperInvariant(), kv.Value));
        var otherUser = Headers.FullCel().With("Privilege", "call,cdr,all").With("SystemName", "pbx-2").With("Timestamp", "1768039205.123456");
        var noConnectionHeaders = Headers.FullCel().Without("Privilege").Without("Event");

        Assert.Equal(original, Cel(reordered));
        Assert.Equal(original, Cel(recased));
        Assert.Equal(original, Cel(otherUser));
        Assert.Equal(original, Cel(noConnectionHeaders));
    }

    [Fact]
    public void The_nodes_time_zone_does_not_change_a_cel_identity()
    {
        Assert.Equal(Cel(Headers.FullCel()), Cel(Headers.FullCel(), TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris")));
    }

    public static TheoryData<string> CelContentHeaders()
    {
        var data = new TheoryData<string>();
        foreach (var kv in Headers.FullCel())
            if (kv.Key is not ("Event" or "Privilege")) data.Add(kv.Key);
        return data;
    }

    [Theory]
    [MemberData(nameof(CelContentHeaders))]
    public void Any_change_of_cel_content_gives_another_identity(string header)
    {
        var original = Headers.FullCel();
        var value = original.Single(kv => kv.Key == header).Value;
        var changed = header switch
        {
            "EventTime" => "2026-01-10 10:00:06.123456",
            "EventName" => "BRIDGE_EXIT",
            "Extra" => "{\"bridge_id\":\"b2\",\"bridge_technology\":\"simple_bridge\"}",
            _ => value + "x",
        };

        Assert.NotEqual(Cel(original), Cel(original.With(header, changed)));
    }

    [Fact]
    public void Identities_are_the_ones_journals_already_hold()
    {
        // Journals remember identities: the same content must give the same text in every version, or copies of
        // events journaled before an upgrade would be journaled again. Pinned values, computed once.
        Assert.Equal("cel1:c0640f04ea96434abf9c4cf34741de71", Cel(Headers.FullCel()).Value);
        Assert.Equal("cdr1:9d6063592dab2449368b52419a438394", Cdr(Headers.FullCdr()).Value);
        Assert.Equal("cdr1:515eec1cf5b4079fdd13df73f4617d44", Cdr(Headers.FullCdr().With("Foo", "bar").With("accountcode2", "x")).Value);
    }

    [Fact]
    public void Same_cdr_content_gives_the_same_identity_and_any_change_another()
    {
        var original = Headers.FullCdr().With("Foo", "bar");
        var id = Cdr(original);

        Assert.Matches("^cdr1:[0-9a-f]{32}$", id.Value);
        var reordered = original.ToList();
        reordered.Reverse();
        Assert.Equal(id, Cdr(reordered));
        Assert.Equal(id, Cdr(original.With("Privilege", "all").With("SystemName", "pbx-2")));
        Assert.Equal(id, Cdr(original.Select(kv => new KeyValuePair<string, string>(kv.Key.ToLowerInvariant(), kv.Value))));

        foreach (var kv in original.Where(kv => kv.Key is not ("Event" or "Privilege")))
        {
            var changed = kv.Key switch
            {
                "StartTime" or "AnswerTime" or "EndTime" => "2026-01-10 10:00:01",
                "Duration" or "BillableSeconds" or "Sequence" => "7",
                "Disposition" => "NO ANSWER",
                _ => kv.Value + "x",
            };
            Assert.True(id != Cdr(original.With(kv.Key, changed)), $"changing {kv.Key} kept the identity");
        }
    }

    [Fact]
    public void Cel_and_cdr_identities_never_collide_by_construction()
    {
        Assert.StartsWith("cel1:", Cel(Headers.FullCel()).Value, StringComparison.Ordinal);
        Assert.StartsWith("cdr1:", Cdr(Headers.FullCdr()).Value, StringComparison.Ordinal);
        Assert.Throws<FormatException>(() => EventIdentity.FromValue("sha:abc"));
    }

    [Fact]
    public void Every_cel_and_cdr_in_the_captures_has_its_own_identity_and_a_replay_has_the_same()
    {
        var cels = Captures.WithCel().SelectMany(Captures.Cel).ToList();
        var cdrs = Captures.WithCel().SelectMany(Captures.Cdr).ToList();

        Assert.Equal(cels.Count, cels.Select(c => c.Identity).Distinct().Count());
        Assert.Equal(cdrs.Count, cdrs.Select(c => c.Identity).Distinct().Count());
        // A second copy (a reconnect replay, another source) is recognised.
        Assert.Equal(cels.Select(c => c.Identity), Captures.WithCel().SelectMany(Captures.Cel).Select(c => c.Identity));
    }

    [Fact]
    public void Two_cdr_of_one_queue_caller_with_identical_times_differ_by_their_agent()
    {
        // queue-hungup-by-ami: the caller's queue leg has one Cdr per agent rung, same UniqueID, times and disposition.
        var twins = Captures.Cdr("queue-hungup-by-ami").Where(c => c.LastApplication == "Queue").ToList();

        Assert.Equal(2, twins.Count);
        Assert.Equal(twins[0].UniqueId, twins[1].UniqueId);
        Assert.Equal((twins[0].StartTime.Text, twins[0].EndTime.Text, twins[0].DispositionText),
            (twins[1].StartTime.Text, twins[1].EndTime.Text, twins[1].DispositionText));
        Assert.NotEqual(twins[0].Identity, twins[1].Identity);
    }
}
