using Telephony.Domain.Actions;

namespace Telephony.Domain.Tests.Actions;

/// <summary>
/// After a crash, an action journaled as sent but never answered is decided from evidence: never twice, so it goes
/// again only when that is harmless or proven not to have happened, and an Originate is looked for by its ChannelId
/// live in Asterisk and in the call journal. Each row is one branch of the decision table.
/// </summary>
public sealed class ActionReconciliationTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    [Theory]
    // action, has ChannelId, never written, live channel (null = could not ask), live up, journal has call, journal ended -> outcome
    [InlineData("Originate", true, true, null, false, false, false, ReconcileOutcome.SendAgain)] // proven never written
    [InlineData("Hangup", false, true, null, false, false, false, ReconcileOutcome.SendAgain)]
    [InlineData("Getvar", false, false, null, false, false, false, ReconcileOutcome.SendAgain)] // idempotent: ask again
    [InlineData("Status", false, false, false, false, false, false, ReconcileOutcome.SendAgain)]
    [InlineData("Setvar", false, false, null, false, false, false, ReconcileOutcome.SendAgain)]
    [InlineData("Hangup", false, false, null, false, false, false, ReconcileOutcome.Unknown)] // may have run: never resent
    [InlineData("Redirect", false, false, true, true, true, true, ReconcileOutcome.Unknown)] // only an Originate is looked for
    [InlineData("Bridge", false, false, false, false, false, false, ReconcileOutcome.Unknown)]
    [InlineData("Originate", false, false, true, true, true, false, ReconcileOutcome.Unknown)] // no ChannelId to look for
    [InlineData("Originate", true, false, true, false, false, false, ReconcileOutcome.Sent)] // ringing now
    [InlineData("Originate", true, false, true, true, false, false, ReconcileOutcome.Up)] // answered now
    [InlineData("Originate", true, false, true, true, true, true, ReconcileOutcome.Up)] // live beats a journal that says ended
    [InlineData("Originate", true, false, false, false, true, false, ReconcileOutcome.Ended)] // ran, gone, end not journaled yet
    [InlineData("Originate", true, false, null, false, true, true, ReconcileOutcome.Ended)] // ran and its end is journaled
    [InlineData("Originate", true, false, false, false, true, true, ReconcileOutcome.Ended)]
    [InlineData("Originate", true, false, null, false, true, false, ReconcileOutcome.Sent)] // ran; Asterisk not asked: maybe still on
    [InlineData("Originate", true, false, false, false, false, false, ReconcileOutcome.Unknown)] // no trace anywhere
    [InlineData("Originate", true, false, null, false, false, false, ReconcileOutcome.Unknown)] // could not ask, no trace
    [InlineData("originate", true, false, true, false, false, false, ReconcileOutcome.Sent)] // the action's name in any case
    public void A_maybe_sent_action_is_decided_by_the_evidence(string action, bool hasChannelId, bool neverWritten,
        bool? liveChannel, bool liveUp, bool journalHasCall, bool journalEnded, ReconcileOutcome expected)
    {
        var record = new ActionRecord
        {
            Id = "act-1", Node = RequestTable.Node, Action = action, Headers = [], QueuedAt = T0,
            Status = ActionStatus.Sent, ChannelId = hasChannelId ? "1768039200.101" : null,
        };

        Assert.Equal(expected, ActionReconciliation.Decide(record, new ReconcileEvidence(neverWritten, liveChannel, liveUp, journalHasCall, journalEnded)));
    }

    [Fact]
    public void No_non_idempotent_action_is_ever_sent_again_without_proof_it_was_never_written()
    {
        string[] neverTwice = ["Originate", "Redirect", "Hangup", "Bridge", "Atxfer", "BlindTransfer", "Park", "PlayDTMF", "UserEvent"];
        var evidence = from live in new bool?[] { null, false, true }
                       from up in new[] { false, true }
                       from journal in new[] { false, true }
                       from ended in new[] { false, true }
                       select new ReconcileEvidence(false, live, up, journal, ended);

        foreach (var action in neverTwice)
            foreach (var e in evidence)
                Assert.NotEqual(ReconcileOutcome.SendAgain, ActionReconciliation.Decide(Sent(action), e));
    }

    [Theory]
    [InlineData(ReconcileOutcome.SendAgain, ActionStatus.Queued)]
    [InlineData(ReconcileOutcome.Up, ActionStatus.Up)]
    [InlineData(ReconcileOutcome.Ended, ActionStatus.Ended)]
    [InlineData(ReconcileOutcome.Unknown, ActionStatus.Unknown)]
    public void Every_outcome_is_a_move_the_lifecycle_allows_from_sent(ReconcileOutcome outcome, ActionStatus to)
    {
        Assert.True(ActionLifecycle.CanMove(ActionStatus.Sent, to), $"{outcome}: Sent -> {to}");
        Assert.True(ActionLifecycle.CanMove(ActionStatus.Succeeded, to) || outcome == ReconcileOutcome.SendAgain);
    }

    private static ActionRecord Sent(string action) => new()
    {
        Id = "act-1", Node = RequestTable.Node, Action = action, Headers = [], QueuedAt = T0, Status = ActionStatus.Sent,
        ChannelId = "1768039200.101",
    };
}
