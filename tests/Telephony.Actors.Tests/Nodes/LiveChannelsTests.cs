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

    [Fact]
    public void A_channel_reported_up_twice_counts_once_and_a_hangup_of_one_never_seen_changes_nothing()
    {
        // Channels are kept as hashes of their UniqueID: the same UniqueID is one channel however often it is reported.
        var newChannel = NodeCaptures.Events("dial-answered.ami", "Newchannel")[0];
        var hangup = NodeCaptures.Events("dial-answered.ami", "Hangup")[0];
        var live = new LiveChannels();
        live.Observe(newChannel);
        live.Observe(newChannel);
        live.Observe(NodeCaptures.With(hangup, "Uniqueid", "1796000000.99"));
        Assert.Equal(1, live.Count);
        live.Observe(NodeCaptures.With(hangup, "Uniqueid", newChannel["Uniqueid"]!));
        Assert.Equal(0, live.Count);
    }
}
