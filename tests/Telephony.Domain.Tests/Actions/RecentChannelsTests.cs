using Telephony.Domain.Actions;
using Xunit;

namespace Telephony.Domain.Tests.Actions;

public class RecentChannelsTests
{
    [Fact]
    public void A_hung_up_channel_is_known_in_any_case_until_it_starts_again_or_falls_out()
    {
        var recent = new RecentChannels(capacity: 2);
        recent.Ended("PJSIP/1001-00000001");
        Assert.True(recent.HasEnded("pjsip/1001-00000001"));
        Assert.False(recent.HasEnded("PJSIP/1001-00000002"));

        recent.Started("PJSIP/1001-00000001"); // a Newchannel of that name: it is up again
        Assert.False(recent.HasEnded("PJSIP/1001-00000001"));

        recent.Ended("PJSIP/1001-00000002");
        recent.Ended("PJSIP/1001-00000003");
        recent.Ended("PJSIP/1001-00000004"); // past the capacity the oldest is forgotten
        Assert.False(recent.HasEnded("PJSIP/1001-00000002"));
        Assert.True(recent.HasEnded("PJSIP/1001-00000003"));
        Assert.True(recent.HasEnded("PJSIP/1001-00000004"));
        Assert.Equal(2, recent.Count);
    }
}
