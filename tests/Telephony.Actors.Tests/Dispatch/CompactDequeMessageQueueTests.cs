using Akka.Actor;
using Telephony.Actors.Dispatch;
using Xunit;

namespace Telephony.Actors.Tests.Dispatch;

/// <summary>The call entities' mailbox queue: order, the stash's prepends, growth around the ring, many senders.</summary>
public sealed class CompactDequeMessageQueueTests
{
    private static Envelope E(object message) => new(message, ActorRefs.NoSender);

    private static List<object> Drain(CompactDequeMessageQueue queue)
    {
        var taken = new List<object>();
        while (queue.TryDequeue(out var e)) taken.Add(e.Message);
        return taken;
    }

    [Fact]
    public void Messages_come_out_in_the_order_they_were_sent_and_unstashed_ones_first()
    {
        var queue = new CompactDequeMessageQueue();
        Assert.False(queue.HasMessages);
        for (var i = 1; i <= 3; i++) queue.Enqueue(ActorRefs.Nobody, E(i));
        Assert.Equal(1, (int)(queue.TryDequeue(out var first) ? first.Message : 0));

        // The stash puts back what it held, last first, so that the oldest comes out first.
        queue.EnqueueFirst(E("stashed-2"));
        queue.EnqueueFirst(E("stashed-1"));
        queue.Enqueue(ActorRefs.Nobody, E(4));

        Assert.Equal(5, queue.Count);
        Assert.Equal(["stashed-1", "stashed-2", 2, 3, 4], Drain(queue));
        Assert.False(queue.HasMessages);
    }

    [Fact]
    public void A_burst_larger_than_the_ring_keeps_its_order_across_the_wrap()
    {
        var queue = new CompactDequeMessageQueue();
        var expected = new List<object>();
        var next = 0;
        // Interleave takes and sends so that the ring wraps before it grows.
        for (var round = 0; round < 50; round++)
        {
            for (var i = 0; i < 3 + round % 7; i++) queue.Enqueue(ActorRefs.Nobody, E(next++));
            if (queue.TryDequeue(out var e)) expected.Add(e.Message);
            if (round % 5 == 0) queue.EnqueueFirst(E($"front-{round}"));
            if (queue.TryDequeue(out e)) expected.Add(e.Message);
        }
        expected.AddRange(Drain(queue));

        var numbers = expected.OfType<int>().ToList();
        Assert.Equal(Enumerable.Range(0, next), numbers);
        Assert.Equal(10, expected.OfType<string>().Count());
    }

    [Fact]
    public async Task Four_senders_at_once_lose_nothing_and_each_keeps_its_order()
    {
        var queue = new CompactDequeMessageQueue();
        const int perSender = 50_000;
        var senders = Enumerable.Range(0, 4).Select(s => Task.Run(() =>
        {
            for (var i = 0; i < perSender; i++) queue.Enqueue(ActorRefs.Nobody, E((s, i)));
        })).ToArray();

        var last = new[] { -1, -1, -1, -1 };
        var taken = 0;
        while (taken < 4 * perSender)
        {
            if (!queue.TryDequeue(out var e))
            {
                Thread.Yield();
                continue;
            }
            var (sender, i) = ((int, int))e.Message;
            Assert.Equal(last[sender] + 1, i);
            last[sender] = i;
            taken++;
        }
        await Task.WhenAll(senders);
        Assert.False(queue.HasMessages);
        Assert.All(last, l => Assert.Equal(perSender - 1, l));
    }

    [Fact]
    public void What_is_left_when_the_actor_stops_goes_to_dead_letters()
    {
        var queue = new CompactDequeMessageQueue();
        queue.Enqueue(ActorRefs.Nobody, E("a"));
        queue.Enqueue(ActorRefs.Nobody, E("b"));
        var deadLetters = new CompactDequeMessageQueue();
        queue.CleanUp(ActorRefs.Nobody, deadLetters);
        Assert.Equal(["a", "b"], Drain(deadLetters));
        Assert.Equal(0, queue.Count);
    }
}
