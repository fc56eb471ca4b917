using Telephony.Actors.Nodes;
using Telephony.Actors.Queues;
using Telephony.Domain.Queues;
using Telephony.Domain.Queues.Calls;

namespace Telephony.Actors.Tests;

public class PendingQueueJoinsTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 2, 30, 0, TimeSpan.Zero);
    private static readonly TimeSpan After = TimeSpan.FromSeconds(3);

    private static JoinQueue Join(string uniqueId, string queue = "sales") =>
        new(queue, new JoinRequest(new CallerKey("pbx-3", uniqueId), $"Local/vq@queue-in-{uniqueId};2", uniqueId, "5551000", null, 3));

    [Fact]
    public void A_join_its_queue_has_not_answered_goes_again_until_it_answers_and_in_the_order_they_were_first_sent()
    {
        var pending = new PendingQueueJoins(After);
        pending.Sent(Join("1.1"), Now);
        pending.Sent(Join("1.2"), Now.AddSeconds(1));

        Assert.Empty(pending.Due(Now.AddSeconds(2))); // nothing is late yet
        Assert.Equal(["1.1"], pending.Due(Now + After).Select(j => j.Request.Caller.UniqueId));
        // The queue's member died: neither answers; both go again, the first first, each After after its last send.
        Assert.Equal(["1.2"], pending.Due(Now.AddSeconds(4)).Select(j => j.Request.Caller.UniqueId));
        Assert.Equal(["1.1", "1.2"], pending.Due(Now.AddSeconds(10)).Select(j => j.Request.Caller.UniqueId));
        Assert.Equal(4, pending.Resent);

        // The queue, recovered on another member, answers each (joined, or already there): nothing goes again.
        Assert.True(pending.Answered("sales", new CallerKey("pbx-3", "1.1")));
        Assert.False(pending.Answered("support", new CallerKey("pbx-3", "1.2"))); // another queue's answer is not this join's
        Assert.True(pending.Answered("sales", new CallerKey("pbx-3", "1.2")));
        Assert.Empty(pending.Due(Now.AddMinutes(1)));
        Assert.Equal(0, pending.Count);
    }

    [Fact]
    public void A_caller_that_hung_up_before_its_queue_answered_is_not_sent_again()
    {
        var pending = new PendingQueueJoins(After);
        pending.Sent(Join("1.1"), Now);
        pending.Sent(Join("1.2"), Now);

        Assert.True(pending.Gone(new CallerKey("pbx-3", "1.1"))); // its channel's Hangup was read
        Assert.False(pending.Gone(new CallerKey("pbx-3", "9.9"))); // a hangup of any other channel changes nothing

        Assert.Equal(["1.2"], pending.Due(Now + After).Select(j => j.Request.Caller.UniqueId));
    }

    [Fact]
    public void Past_its_limit_the_oldest_unanswered_join_is_dropped_and_counted()
    {
        var pending = new PendingQueueJoins(After, limit: 2);
        pending.Sent(Join("1.1"), Now);
        pending.Sent(Join("1.2"), Now);
        pending.Sent(Join("1.3"), Now);

        Assert.Equal(2, pending.Count);
        Assert.Equal(1, pending.Dropped);
        Assert.Equal(["1.2", "1.3"], pending.Due(Now + After).Select(j => j.Request.Caller.UniqueId));
    }

    [Fact]
    public void A_hand_over_takes_every_unanswered_join_in_the_order_they_were_first_sent()
    {
        var pending = new PendingQueueJoins(After);
        pending.Sent(Join("1.2"), Now);
        pending.Sent(Join("1.1"), Now.AddSeconds(1));
        pending.Sent(Join("1.3"), Now.AddSeconds(2));
        pending.Answered("sales", new CallerKey("pbx-3", "1.1"));
        Assert.Equal(["1.2", "1.3"], pending.All().Select(j => j.Request.Caller.UniqueId));
    }
}
