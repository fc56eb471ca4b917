using Telephony.Domain.Actions;

namespace Telephony.Domain.Tests.Actions;

/// <summary>
/// The moves an action may make, written out here independently of the model: Queued -> Sent -> Succeeded | Failed;
/// an Originate goes on Succeeded -> Up -> Ended or Failed; Expired, Cancelled, Refused only before it is sent;
/// Unknown when a crash hides whether it was sent, resolved later only by evidence about its channel.
/// </summary>
public sealed class ActionLifecycleTests
{
    private static readonly HashSet<(ActionStatus, ActionStatus)> Allowed =
    [
        (ActionStatus.Queued, ActionStatus.Sent), (ActionStatus.Queued, ActionStatus.Expired),
        (ActionStatus.Queued, ActionStatus.Cancelled), (ActionStatus.Queued, ActionStatus.Refused),
        (ActionStatus.Sent, ActionStatus.Succeeded), (ActionStatus.Sent, ActionStatus.Failed),
        (ActionStatus.Sent, ActionStatus.Unknown), (ActionStatus.Sent, ActionStatus.Queued),
        (ActionStatus.Sent, ActionStatus.Up), (ActionStatus.Sent, ActionStatus.Ended),
        (ActionStatus.Succeeded, ActionStatus.Up), (ActionStatus.Succeeded, ActionStatus.Failed),
        (ActionStatus.Succeeded, ActionStatus.Ended), (ActionStatus.Succeeded, ActionStatus.Unknown),
        (ActionStatus.Up, ActionStatus.Ended),
        (ActionStatus.Unknown, ActionStatus.Up), (ActionStatus.Unknown, ActionStatus.Ended), (ActionStatus.Unknown, ActionStatus.Failed),
    ];

    [Fact]
    public void Exactly_the_moves_of_the_lifecycle_are_allowed_every_other_pair_is_not()
    {
        var wrong = (from a in Enum.GetValues<ActionStatus>()
                     from b in Enum.GetValues<ActionStatus>()
                     where ActionLifecycle.CanMove(a, b) != Allowed.Contains((a, b))
                     select $"{a} -> {b}").ToList();

        Assert.Empty(wrong);
    }

    [Theory]
    [InlineData(ActionStatus.Queued, ActionStatus.Sent, ActionStatus.Succeeded)]
    [InlineData(ActionStatus.Queued, ActionStatus.Sent, ActionStatus.Failed)]
    [InlineData(ActionStatus.Queued, ActionStatus.Sent, ActionStatus.Succeeded, ActionStatus.Up, ActionStatus.Ended)]
    [InlineData(ActionStatus.Queued, ActionStatus.Sent, ActionStatus.Succeeded, ActionStatus.Failed)]
    [InlineData(ActionStatus.Queued, ActionStatus.Sent, ActionStatus.Queued, ActionStatus.Sent, ActionStatus.Succeeded)]
    [InlineData(ActionStatus.Queued, ActionStatus.Sent, ActionStatus.Unknown, ActionStatus.Up, ActionStatus.Ended)]
    public void A_life_the_issue_describes_is_a_chain_of_allowed_moves(params ActionStatus[] life) =>
        Assert.All(life.Zip(life.Skip(1)), step => Assert.True(ActionLifecycle.CanMove(step.First, step.Second), $"{step.First} -> {step.Second}"));

    [Theory]
    [InlineData(ActionStatus.Sent)]
    [InlineData(ActionStatus.Succeeded)]
    [InlineData(ActionStatus.Up)]
    [InlineData(ActionStatus.Unknown)]
    public void Once_it_may_have_reached_asterisk_it_can_no_longer_be_cancelled_expired_or_refused(ActionStatus status)
    {
        Assert.False(ActionLifecycle.CanMove(status, ActionStatus.Cancelled));
        Assert.False(ActionLifecycle.CanMove(status, ActionStatus.Expired));
        Assert.False(ActionLifecycle.CanMove(status, ActionStatus.Refused));
    }

    [Fact]
    public void Only_a_send_proven_never_written_goes_back_to_the_queue_an_unknown_one_never_does()
    {
        var backToQueue = Enum.GetValues<ActionStatus>().Where(s => ActionLifecycle.CanMove(s, ActionStatus.Queued));

        Assert.Equal([ActionStatus.Sent], backToQueue);
        Assert.False(ActionLifecycle.CanMove(ActionStatus.Unknown, ActionStatus.Sent));
    }

    [Fact]
    public void A_final_status_has_no_way_out_but_an_unknown_one_resolved_by_late_evidence()
    {
        foreach (var final in Enum.GetValues<ActionStatus>().Where(s => s.IsFinal() && s != ActionStatus.Unknown))
            Assert.DoesNotContain(Enum.GetValues<ActionStatus>(), to => ActionLifecycle.CanMove(final, to));

        Assert.All(Enum.GetValues<ActionStatus>().Where(s => !s.IsFinal()),
            s => Assert.Contains(Enum.GetValues<ActionStatus>(), to => ActionLifecycle.CanMove(s, to)));
    }

    [Fact]
    public void Nothing_moves_to_where_it_already_is() =>
        Assert.All(Enum.GetValues<ActionStatus>(), s => Assert.False(ActionLifecycle.CanMove(s, s)));

    [Theory]
    [InlineData("Queued", ActionStatus.Queued)]
    [InlineData("succeeded", ActionStatus.Succeeded)]
    [InlineData("UNKNOWN", ActionStatus.Unknown)]
    [InlineData("6", ActionStatus.Ended)]
    public void A_status_is_read_by_name_or_journaled_number(string text, ActionStatus expected)
    {
        Assert.True(ActionStatuses.TryParse(text, out var status));
        Assert.Equal(expected, status);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Dialing")]
    [InlineData("0")]
    [InlineData("11")]
    [InlineData("Queued,Sent")] // Enum.TryParse alone would OR it into 3, Succeeded
    [InlineData("1, 2")]
    public void Anything_but_one_status_is_not_read_as_a_status(string? text) =>
        Assert.False(ActionStatuses.TryParse(text, out _));

    [Fact]
    public void Journaled_numbers_never_change()
    {
        Assert.Equal(
            [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
            new[] { ActionStatus.Queued, ActionStatus.Sent, ActionStatus.Succeeded, ActionStatus.Failed, ActionStatus.Up,
                ActionStatus.Ended, ActionStatus.Expired, ActionStatus.Cancelled, ActionStatus.Refused, ActionStatus.Unknown }
            .Select(s => (int)s));
    }
}
