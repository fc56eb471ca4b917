using Telephony.Actors.Nodes;

namespace Telephony.Actors.Tests;

public class LiveChannelsTests
{
    [Fact]
    public void A_real_dialled_call_counts_its_four_channels_while_up_and_none_once_all_hung_up()
    {
        var events = NodeCaptures.Events("dial-answered.ami");
        var live = new LiveChannels();
        var peak = 0;
        foreach (var e in events)
        {
            live.Observe(e);
            peak = Math.Max(peak, live.Count);
        }

        Assert.Equal(4, peak); // two Local channel pairs: the caller's and the dialled one's
        Assert.Equal(0, live.Count);
    }

    [Fact]
    public void A_resync_replaces_what_was_counted_so_channels_that_ended_unseen_are_dropped()
    {
        var live = new LiveChannels();
        var newChannel = NodeCaptures.Events("dial-answered.ami", "Newchannel")[0];
        live.Observe(newChannel); // its Hangup falls in a gap

        live.Reset(["1796000000.7", "1796000000.8", "1796000000.9"]);
        live.Observe(NodeCaptures.With(NodeCaptures.Events("dial-answered.ami", "Hangup")[0], "Uniqueid", "1796000000.8"));

        Assert.Equal(2, live.Count);
    }
}
