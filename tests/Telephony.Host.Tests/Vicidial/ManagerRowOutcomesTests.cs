using Telephony.Domain.Actions;
using Telephony.Host.Vicidial;

namespace Telephony.Host.Tests.Vicidial;

/// <summary>Each state of an action, as the row VICIdial's sender and listener would have left.</summary>
public class ManagerRowOutcomesTests
{
    private static ActionRecord Action(string action, ActionStatus status, string? channel = null, string? uniqueId = null, string exten = "s") => new()
    {
        Id = "pbx1:7",
        Node = "pbx1",
        Action = action,
        Headers = [new("Channel", "Local/answer@test"), new("Exten", exten)],
        ChannelId = action == "Originate" ? "1700000000.900000042" : null,
        Status = status,
        QueuedAt = DateTimeOffset.UnixEpoch,
        Channel = channel,
        UniqueId = uniqueId,
    };

    [Theory]
    [InlineData("Originate", ActionStatus.Queued, ManagerRowStatus.Queue, false)]
    [InlineData("Originate", ActionStatus.Sent, ManagerRowStatus.Sent, false)]
    [InlineData("Originate", ActionStatus.Succeeded, ManagerRowStatus.Sent, false)] // channel not known yet
    [InlineData("Originate", ActionStatus.Failed, ManagerRowStatus.Dead, true)]
    [InlineData("Originate", ActionStatus.Unknown, ManagerRowStatus.Dead, true)]
    [InlineData("Hangup", ActionStatus.Sent, ManagerRowStatus.Sent, false)]
    [InlineData("Hangup", ActionStatus.Succeeded, ManagerRowStatus.Sent, true)]
    [InlineData("Hangup", ActionStatus.Failed, ManagerRowStatus.Dead, true)]
    [InlineData("Redirect", ActionStatus.Refused, ManagerRowStatus.Dead, true)]
    [InlineData("Redirect", ActionStatus.Expired, ManagerRowStatus.Dead, true)]
    [InlineData("Redirect", ActionStatus.Cancelled, ManagerRowStatus.Dead, true)]
    public void Each_action_state_has_its_row_status(string action, ActionStatus status, ManagerRowStatus row, bool final)
    {
        var update = ManagerRowOutcomes.For(Action(action, status));

        Assert.Equal(row, update.Status);
        Assert.Equal(final, update.Final);
    }

    [Fact]
    public void An_originate_that_is_up_is_UPDATED_with_its_channel_and_uniqueid()
    {
        var update = ManagerRowOutcomes.For(Action("Originate", ActionStatus.Up, "SIP/carrier-0000002a", "1700000000.900000042"));

        Assert.Equal(new ManagerRowUpdate(ManagerRowStatus.Updated, "SIP/carrier-0000002a", "1700000000.900000042", false), update);
    }

    [Fact]
    public void An_answered_originate_whose_OriginateResponse_named_the_channel_is_UPDATED_with_its_ChannelId()
    {
        var update = ManagerRowOutcomes.For(Action("Originate", ActionStatus.Succeeded, "SIP/carrier-0000002a"));

        Assert.Equal(ManagerRowStatus.Updated, update.Status);
        Assert.Equal("1700000000.900000042", update.UniqueId);
    }

    [Fact]
    public void An_originate_that_ended_is_DEAD_keeping_channel_and_uniqueid_but_a_recording_stays_UPDATED()
    {
        var ended = ManagerRowOutcomes.For(Action("Originate", ActionStatus.Ended, "SIP/carrier-0000002a"));
        var recording = ManagerRowOutcomes.For(Action("Originate", ActionStatus.Ended, "Local/8309@default-0000002b;1", exten: "8309"));

        Assert.Equal(new ManagerRowUpdate(ManagerRowStatus.Dead, "SIP/carrier-0000002a", "1700000000.900000042", true), ended);
        Assert.Equal(ManagerRowStatus.Updated, recording.Status);
        Assert.True(recording.Final);
    }

    [Fact]
    public void Values_wider_than_the_columns_are_cut_to_fit()
    {
        var update = ManagerRowOutcomes.For(Action("Originate", ActionStatus.Up, new string('c', 150), "asterisk-box-1-1700000000.123456"));

        Assert.Equal(ManagerRowOutcomes.ChannelWidth, update.Channel!.Length);
        Assert.Equal("asterisk-box-1-17000", update.UniqueId);
    }

    [Theory]
    [InlineData(ManagerRowStatus.Sent, "QUEUE,SENT")]
    [InlineData(ManagerRowStatus.Updated, "QUEUE,SENT,UPDATED")]
    [InlineData(ManagerRowStatus.Dead, "QUEUE,SENT,UPDATED")]
    [InlineData(ManagerRowStatus.New, "")]
    [InlineData(ManagerRowStatus.Queue, "")]
    public void A_row_only_moves_forward(ManagerRowStatus to, string from)
    {
        Assert.Equal(from, string.Join(",", ManagerRowStatuses.MovableFrom(to).Select(s => s.ToColumn())));
    }
}
