using Telephony.Domain.Queues;

namespace Telephony.Domain.Tests.Queues;

public class QueueSettingsTests
{
    [Fact]
    public void A_connect_must_leave_a_whole_ring_and_half_the_margin_before_the_reservation_ends()
    {
        var sales = new QueueSettings { Name = "sales", RingTimeout = TimeSpan.FromSeconds(15), ReservationMargin = TimeSpan.FromSeconds(10) };
        var granted = new DateTimeOffset(2026, 12, 3, 9, 0, 0, TimeSpan.Zero);
        var deadline = granted + sales.ReservationLifetime;

        var sendBy = sales.ConnectSendBy(deadline);

        Assert.Equal(granted + TimeSpan.FromSeconds(5), sendBy);
        Assert.Equal(TimeSpan.FromSeconds(5), deadline - (sendBy + sales.RingTimeout)); // for the answer's news
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void A_queue_without_a_reservation_margin_is_refused_as_no_connect_could_ever_be_sent_in_time(int seconds)
    {
        var errors = new QueueSettings { Name = "sales", ReservationMargin = TimeSpan.FromSeconds(seconds) }.Validate();

        Assert.Contains(errors, e => e.StartsWith("ReservationMargin: must be positive", StringComparison.Ordinal));
    }
}
