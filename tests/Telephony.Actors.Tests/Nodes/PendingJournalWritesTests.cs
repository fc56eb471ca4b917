using Telephony.Actors.Nodes;

namespace Telephony.Actors.Tests;

public class PendingJournalWritesTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 22, 31, 52, TimeSpan.Zero);
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public void A_journal_write_unacknowledged_for_the_timeout_goes_again_and_its_timeout_starts_over()
    {
        var pending = new PendingJournalWrites(Timeout);
        var gap = new NodeJournal.Write(7, [new GapRecorded("pbx1", Now.AddMinutes(-1), Now, "AMI disconnected", -1)]);
        var seen = new NodeJournal.Write(8, [new NodeSeen("pbx1", Now)]);
        pending.Sent(gap, Now);
        pending.Sent(seen, Now.AddSeconds(5));

        var resend = new List<NodeJournal.Write>();
        pending.Late(Now + Timeout, resend);
        Assert.Equal([gap], resend); // the other one is not late yet

        resend.Clear();
        pending.Late(Now + Timeout + TimeSpan.FromSeconds(5), resend);
        Assert.Equal([seen], resend); // the first one's timeout counts from its resend

        Assert.True(pending.Acknowledge(7));
        Assert.False(pending.Acknowledge(7)); // a second acknowledgement of a copy
        Assert.Equal(1, pending.Count);
        resend.Clear();
        pending.Late(Now + Timeout * 10, resend);
        Assert.Equal([seen], resend);
    }

    [Fact]
    public void A_hand_over_takes_the_entries_of_every_unacknowledged_write_oldest_first()
    {
        var pending = new PendingJournalWrites(Timeout);
        var quarantined = new EventQuarantined("pbx1", Now, "CEL without LinkedID", []);
        var gap = new GapRecorded("pbx1", Now.AddMinutes(-1), Now, "AMI disconnected", -1);
        pending.Sent(new NodeJournal.Write(9, [quarantined]), Now);
        pending.Sent(new NodeJournal.Write(7, [gap]), Now);
        pending.Sent(new NodeJournal.Write(8, [new NodeSeen("pbx1", Now)]), Now);
        Assert.True(pending.Acknowledge(8));
        Assert.Equal([gap, quarantined], pending.Entries());
    }
}
