using Telephony.Domain.Queues.Calls;

namespace Telephony.Domain.Tests.Queues.Calls;

/// <summary>A reservation ask the agent has not answered is sent again, sooner than the ask times out and less often
/// the longer the agent takes.</summary>
public sealed class AskResendTests
{
    private static readonly DateTimeOffset Asked = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void With_the_default_an_ask_lost_on_the_way_is_sent_again_twice_within_a_two_second_ask_timeout()
    {
        var expires = Asked + TimeSpan.FromSeconds(2);
        var copies = new List<double>();
        for (var sent = 0; AskResend.Default.Next(Asked, sent, expires) is { } at; sent++) copies.Add((at - Asked).TotalSeconds);

        Assert.Equal([0.5, 1.5], copies);
    }

    [Fact]
    public void Copies_come_further_apart_each_time_and_never_at_or_after_the_ask_expires()
    {
        var resend = new AskResend(TimeSpan.FromMilliseconds(100));
        var expires = Asked + TimeSpan.FromSeconds(10);
        var times = new List<DateTimeOffset> { Asked };
        for (var sent = 0; resend.Next(Asked, sent, expires) is { } at; sent++) times.Add(at);

        var gaps = times.Zip(times.Skip(1), (a, b) => (b - a).TotalMilliseconds).ToList();
        Assert.Equal([100, 200, 400, 800, 1600, 3200], gaps);
        Assert.All(times, t => Assert.True(t < expires));
    }

    [Fact]
    public void An_ask_timeout_shorter_than_the_first_copy_and_copies_turned_off_send_none()
    {
        Assert.Null(AskResend.Default.Next(Asked, 0, Asked + TimeSpan.FromMilliseconds(500)));
        Assert.Null(new AskResend(TimeSpan.Zero).Next(Asked, 0, Asked + TimeSpan.FromSeconds(2)));
    }
}
