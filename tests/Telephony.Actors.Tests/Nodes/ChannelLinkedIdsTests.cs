using Telephony.Actors.Nodes;

namespace Telephony.Actors.Tests;

public class ChannelLinkedIdsTests
{
    [Fact]
    public void The_map_forgets_the_oldest_channel_past_its_bound()
    {
        var map = new ChannelLinkedIds(capacity: 2);
        map.Learn("1795386708.19", "1795386708.19");
        map.Learn("1795386708.20", "1795386708.19");
        map.Learn("1795386708.21", "1795386708.19");

        Assert.Null(map.LinkedIdOf("1795386708.19"));
        Assert.Equal("1795386708.19", map.LinkedIdOf("1795386708.20"));
        Assert.Equal("1795386708.19", map.LinkedIdOf("1795386708.21"));
        Assert.Equal(2, map.Count);
    }

    [Fact]
    public void A_calls_channels_share_one_linkedid_string()
    {
        // Each event decodes its own strings; the map keeps one per call (it holds thousands of ended calls).
        var map = new ChannelLinkedIds();
        map.Learn(new string("1795386708.19"), new string("1795386708.19"));
        map.Learn("1795386708.20", new string("1795386708.19"));
        Assert.Same(map.LinkedIdOf("1795386708.19"), map.LinkedIdOf("1795386708.20"));
    }

    [Fact]
    public void A_channel_learned_again_keeps_its_first_call_and_its_place_in_line()
    {
        var map = new ChannelLinkedIds(capacity: 2);
        map.Learn("a", "call-1");
        map.Learn("b", "call-1");
        map.Learn("a", "call-2"); // a CEL of a channel already known: nothing changes
        Assert.Equal("call-1", map.LinkedIdOf("a"));

        map.Learn("c", "call-3");
        Assert.Null(map.LinkedIdOf("a")); // still the oldest: learning it again did not make it younger
        Assert.Equal("call-1", map.LinkedIdOf("b"));
        Assert.Equal("call-3", map.LinkedIdOf("c"));
    }

    [Fact]
    public void A_channel_is_forgotten_a_horizon_after_it_hung_up_while_a_long_call_is_kept()
    {
        var t0 = new DateTimeOffset(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);
        var map = new ChannelLinkedIds(horizon: TimeSpan.FromMinutes(15));
        map.Learn("long", "call-long", t0);              // a conference that lasts all afternoon
        map.Learn("short-a", "call-short", t0.AddSeconds(5));
        map.Learn("short-b", "call-short", t0.AddSeconds(6));
        map.Ended("short-a", t0.AddMinutes(2));
        map.Ended("short-b", t0.AddMinutes(2));

        // Ten minutes after the hang-up a batched Cdr without LinkedID still finds its call.
        map.Learn("other", "call-other", t0.AddMinutes(12));
        Assert.Equal("call-short", map.LinkedIdOf("short-a"));

        // An hour on, the short call's channels are gone; the long call, still up, is not.
        for (var minute = 20; minute <= 60; minute += 5) map.Learn($"later-{minute}", $"call-{minute}", t0.AddMinutes(minute));
        Assert.Null(map.LinkedIdOf("short-a"));
        Assert.Null(map.LinkedIdOf("short-b"));
        Assert.Equal("call-long", map.LinkedIdOf("long"));
        Assert.Equal("call-other", map.LinkedIdOf("other")); // never seen to end: only the capacity bounds it
    }
}
