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
}
