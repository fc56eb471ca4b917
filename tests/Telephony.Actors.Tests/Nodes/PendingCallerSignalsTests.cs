using Telephony.Actors.Nodes;
using Telephony.Actors.Queues;
using Telephony.Domain.Queues;

namespace Telephony.Actors.Tests;

/// <summary>A caller's hang-up, answered Dial and connect result, sent to its queue by the node until the queue takes
/// them.</summary>
public class PendingCallerSignalsTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 6, 30, 0, TimeSpan.Zero);
    private static readonly TimeSpan After = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(10);
    private static CallerKey Caller(string id) => new("pbx-3", id);

    [Fact]
    public void Signals_the_queue_has_not_taken_go_again_in_the_order_first_sent_until_taken()
    {
        var pending = new PendingCallerSignals(After, MaxAge);
        var answered = new CallerDialAnswered("sales", Caller("1.1"), Now, "1.9");
        var result = new ConnectResultReported("sales", Caller("1.1"), "b-2001", "ANSWER", Now);
        var hangup = new CallerHungUp("sales", Caller("1.2"), Now);
        pending.Sent(answered, Now);
        pending.Sent(result, Now);
        pending.Sent(hangup, Now.AddSeconds(1));

        Assert.Empty(pending.Due(Now.AddSeconds(2)));
        Assert.Equal<IQueueMessage>([answered, result], pending.Due(Now + After)); // the hang-up is not due yet
        Assert.True(pending.Taken(new QueueSignalTaken("sales", Caller("1.1"), nameof(CallerDialAnswered))));
        Assert.False(pending.Taken(new QueueSignalTaken("support", Caller("1.2"), nameof(CallerHungUp)))); // another queue's
        Assert.Equal<IQueueMessage>([result, hangup], pending.Due(Now + After * 2));
        Assert.Equal(4, pending.Resent);
    }

    [Fact]
    public void A_signal_never_taken_is_given_up_after_its_maximum_age_and_counted()
    {
        var pending = new PendingCallerSignals(After, MaxAge);
        pending.Sent(new CallerHungUp("nosuchqueue", Caller("1.1"), Now), Now);
        Assert.Single(pending.Due(Now + After));
        Assert.Empty(pending.Due(Now + MaxAge));
        Assert.Equal((0, 1L), (pending.Count, pending.Dropped));
    }

    [Fact]
    public void Past_its_limit_the_oldest_signal_is_dropped_and_a_hand_over_takes_the_rest_in_order()
    {
        var pending = new PendingCallerSignals(After, MaxAge, limit: 2);
        pending.Sent(new CallerHungUp("sales", Caller("1.1"), Now), Now);
        pending.Sent(new CallerHungUp("sales", Caller("1.2"), Now), Now);
        pending.Sent(new CallerHungUp("sales", Caller("1.3"), Now), Now);
        Assert.Equal(1, pending.Dropped);
        Assert.Equal(["1.2", "1.3"], pending.All().Select(s => PendingCallerSignals.CallerOf(s).UniqueId));
    }
}
