using Telephony.Actors.Nodes;

namespace Telephony.Actors.Tests;

public class EventRateWindowTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 22, 22, 31, 48, TimeSpan.Zero);

    [Fact]
    public void The_rate_is_the_events_of_the_last_ten_seconds_per_second()
    {
        var rate = new EventRateWindow();
        Assert.Equal(0.0, rate.PerSecond(Start));

        rate.Count(Start, 50);
        rate.Count(Start.AddSeconds(5), 30);
        Assert.Equal(8.0, rate.PerSecond(Start.AddSeconds(5)));
        Assert.Equal(8.0, rate.PerSecond(Start.AddSeconds(10))); // the first round is ten seconds old: still counted

        Assert.Equal(3.0, rate.PerSecond(Start.AddSeconds(12))); // the first round has left the window
        Assert.Equal(0.0, rate.PerSecond(Start.AddSeconds(16)));
    }

    [Fact]
    public void Counting_a_new_round_forgets_the_rounds_that_left_the_window()
    {
        var rate = new EventRateWindow();
        rate.Count(Start, 1000);
        rate.Count(Start.AddSeconds(11), 20);
        Assert.Equal(2.0, rate.PerSecond(Start.AddSeconds(11)));
    }
}
