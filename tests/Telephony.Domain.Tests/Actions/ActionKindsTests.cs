using Telephony.Domain.Actions;

namespace Telephony.Domain.Tests.Actions;

/// <summary>What the queue knows of an action by its name: whether it may go twice, whether it creates a call, which
/// headers name channels that must still exist, and how urgent it is.</summary>
public sealed class ActionKindsTests
{
    [Theory]
    [InlineData("Originate")]
    [InlineData("Redirect")]
    [InlineData("Hangup")]
    [InlineData("Bridge")]
    [InlineData("Atxfer")]
    [InlineData("BlindTransfer")]
    [InlineData("Park")]
    [InlineData("PlayDTMF")]
    [InlineData("UserEvent")]
    [InlineData("Command")]
    public void An_action_with_an_effect_on_calls_is_sent_at_most_once(string action) =>
        Assert.False(ActionKinds.IsIdempotent(action));

    [Theory]
    [InlineData("Status")]
    [InlineData("Getvar")]
    [InlineData("Ping")]
    [InlineData("QueueStatus")]
    [InlineData("Setvar")]
    [InlineData("ping")]
    public void A_read_only_or_idempotent_action_may_be_retried(string action) =>
        Assert.True(ActionKinds.IsIdempotent(action));

    [Fact]
    public void Only_an_originate_creates_a_call()
    {
        Assert.True(ActionKinds.CreatesCall("Originate"));
        Assert.True(ActionKinds.CreatesCall("ORIGINATE"));
        Assert.DoesNotContain(ActionPolicy.DefaultAllowed.Where(a => a != "Originate"), ActionKinds.CreatesCall);
    }

    [Fact]
    public void A_hangup_goes_before_call_control_before_queries_before_dialer_originates()
    {
        int P(string a) => ActionKinds.DefaultPriority(a);

        Assert.True(P("Hangup") < P("Redirect"));
        Assert.All(new[] { "Redirect", "Bridge", "Atxfer", "BlindTransfer", "Park", "PlayDTMF", "Setvar" }, a => Assert.Equal(P("Redirect"), P(a)));
        Assert.True(P("Redirect") < P("Status"));
        Assert.True(P("Status") < P("Originate"));
        Assert.All(ActionPolicy.DefaultAllowed, a => Assert.InRange(P(a), 0, 9));
    }

    [Theory]
    [InlineData("Hangup", "Channel")]
    [InlineData("Redirect", "Channel,ExtraChannel")]
    [InlineData("Bridge", "Channel1,Channel2")]
    [InlineData("Park", "Channel,TimeoutChannel")]
    [InlineData("blindtransfer", "Channel")]
    [InlineData("Originate", "")]
    [InlineData("Ping", "")]
    public void The_headers_naming_live_channels_are_those_checked_against_channels_seen_to_end(string action, string headers) =>
        Assert.Equal(headers.Split(',', StringSplitOptions.RemoveEmptyEntries), ActionKinds.ChannelHeaders(action));

    [Theory]
    [InlineData(0, "failed (no such channel, or it could not be created)")]
    [InlineData(1, "hung up")]
    [InlineData(3, "no answer")]
    [InlineData(4, "answered")]
    [InlineData(5, "busy")]
    [InlineData(8, "congestion")]
    [InlineData(null, "no reason given")]
    [InlineData(17, "reason 17")]
    public void An_originate_response_reason_is_told_in_words(int? reason, string words) =>
        Assert.Equal(words, OriginateReasons.Describe(reason));
}
