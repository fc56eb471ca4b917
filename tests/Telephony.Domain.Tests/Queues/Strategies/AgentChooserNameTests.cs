using Telephony.Domain.Queues.Strategies;

namespace Telephony.Domain.Tests.Queues.Strategies;

public sealed class AgentChooserNameTests
{
    [Theory]
    // app_queue's names, as written in queues.conf
    [InlineData("ringall", QueueStrategy.RingAll)]
    [InlineData("leastrecent", QueueStrategy.LongestIdle)]
    [InlineData("fewestcalls", QueueStrategy.FewestCalls)]
    [InlineData("rrmemory", QueueStrategy.RoundRobin)]
    [InlineData("rrordered", QueueStrategy.RoundRobin)]
    [InlineData("linear", QueueStrategy.Linear)]
    [InlineData("random", QueueStrategy.Random)]
    [InlineData("wrandom", QueueStrategy.WeightedRandom)]
    // ours, in the casings a config file or an API caller may use
    [InlineData("ring-all", QueueStrategy.RingAll)]
    [InlineData("longest-idle", QueueStrategy.LongestIdle)]
    [InlineData("LongestIdle", QueueStrategy.LongestIdle)]
    [InlineData("fewest_calls", QueueStrategy.FewestCalls)]
    [InlineData("round-robin", QueueStrategy.RoundRobin)]
    [InlineData("roundRobin", QueueStrategy.RoundRobin)]
    [InlineData("weighted-random", QueueStrategy.WeightedRandom)]
    [InlineData("least-talk-time", QueueStrategy.LeastTalkTime)]
    [InlineData("leastTalkTime", QueueStrategy.LeastTalkTime)]
    [InlineData("  RINGALL ", QueueStrategy.RingAll)]
    public void Reads_app_queue_names_and_ours(string text, QueueStrategy expected)
    {
        Assert.True(AgentChooser.TryParse(text, out var strategy));
        Assert.Equal(expected, strategy);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("3")]
    [InlineData("ring all")]
    [InlineData("leastrecentt")]
    [InlineData("rrmemory,linear")]
    public void Refuses_anything_else(string text)
    {
        Assert.False(AgentChooser.TryParse(text, out _));
    }

    [Fact]
    public void Every_strategy_has_a_name_that_reads_back()
    {
        foreach (var strategy in Enum.GetValues<QueueStrategy>())
        {
            Assert.True(AgentChooser.TryParse(strategy.ToString(), out var read));
            Assert.Equal(strategy, read);
        }
    }
}
