using Telephony.Actors.Nodes;
using Telephony.Ami.Protocol;

namespace Telephony.Actors.Tests;

public class LiveChannelsTests
{
    private static AmiMessage Event(string name, string uniqueId) =>
        AmiMessage.From(("Event", name), ("Channel", "PJSIP/1001-00000001"), ("Uniqueid", uniqueId));

    [Fact]
    public void The_count_follows_newchannel_and_hangup_and_a_resync_replaces_it()
    {
        var live = new LiveChannels();
        live.Observe(Event("Newchannel", "1795386708.19"));
        live.Observe(Event("Newchannel", "1795386708.20"));
        live.Observe(Event("Newchannel", "1795386708.20")); // the same channel twice counts once
        Assert.Equal(2, live.Count);

        live.Observe(Event("Hangup", "1795386708.19"));
        live.Observe(Event("Hangup", "1795386708.99")); // a channel never seen up changes nothing
        Assert.Equal(1, live.Count);

        // At session start the node lists what is up; a channel that ended unseen is no longer counted.
        live.Reset(["1795386708.21", "1795386708.22"]);
        Assert.Equal(2, live.Count);
        live.Observe(Event("Hangup", "1795386708.21"));
        live.Observe(Event("Hangup", "1795386708.20"));
        Assert.Equal(1, live.Count);
    }
}
