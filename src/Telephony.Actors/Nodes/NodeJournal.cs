using Akka.Actor;
using Akka.Event;
using Akka.Persistence;
using Akka.Persistence.Journal;
using Telephony.Actors.Calls;

namespace Telephony.Actors.Nodes;

/// <summary>
/// The node's own journal (<c>node/&lt;name&gt;</c>): gaps in what was observed, quarantined events and heartbeats. A
/// child of the node entity; each write is acknowledged so the node can count it as safe, exactly like a call delivery
/// (plain heartbeats are not: the next one replaces a lost one).
/// </summary>
internal sealed class NodeJournal : ReceivePersistentActor
{
    public sealed record Write(long DeliveryId, IReadOnlyList<object> Entries);

    public sealed record Written(long DeliveryId);

    /// <summary>Asks when this node was last known to be observed (null: never).</summary>
    public sealed record GetLastSeen;

    /// <summary>With the journal's totals so far (every gap and quarantined event of the node since it was first
    /// journaled), which a status adds to what the node actor counted since.</summary>
    public sealed record LastSeen(DateTimeOffset? At, long Gaps = 0, long Quarantined = 0);

    public NodeJournal(string node)
    {
        PersistenceId = "node/" + node;
        _node = node;
        Recover<GapRecorded>(_ => Gaps++);
        Recover<EventQuarantined>(_ => Quarantined++);
        Recover<NodeSeen>(s => Seen(s.At));
        Recover<SnapshotOffer>(offer =>
        {
            if (offer.Snapshot is not NodeJournalSnapshot snapshot) return;
            _lastSeen = snapshot.LastSeen;
            Gaps = snapshot.Gaps;
            Quarantined = snapshot.Quarantined;
        });
        Command<NodeSeen>(seen => Persist(seen, s =>
        {
            Seen(s.At);
            SnapshotNow();
        }));
        Command<SaveSnapshotSuccess>(ok =>
            // One snapshot is enough: the older ones go.
            DeleteSnapshots(new SnapshotSelectionCriteria(ok.Metadata.SequenceNr - 1)));
        Command<SaveSnapshotFailure>(failed =>
            Context.GetLogger().Warning("node journal {0}: snapshot failed ({1}); recovery replays more events", PersistenceId, failed.Cause.Message));
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(failed =>
            Context.GetLogger().Warning("node journal {0}: deleting older snapshots failed ({1}); they stay", PersistenceId, failed.Cause.Message));
        Command<GetLastSeen>(_ => Sender.Tell(new LastSeen(_lastSeen, Gaps, Quarantined)));
        Command<Write>(write =>
        {
            var sender = Sender;
            // Gaps and quarantined events are tagged for their projections; a session start (NodeSeen) is not.
            var entries = write.Entries.Select(e => e is NodeSeen ? e : new Tagged(e, [e is GapRecorded ? CallTags.Gap : CallTags.Quarantine]));
            PersistAll(entries, persisted =>
            {
                switch (persisted is Tagged t ? t.Payload : persisted)
                {
                    case GapRecorded:
                        Gaps++;
                        break;
                    case NodeSeen s:
                        Seen(s.At);
                        break;
                    default:
                        Quarantined++;
                        break;
                }
                SnapshotNow();
            });
            DeferAsync(write, w => sender.Tell(new Written(w.DeliveryId)));
        });
    }

    private DateTimeOffset? _lastSeen;
    private readonly string _node;

    /// <summary>Events between snapshots: an hour of heartbeats. A node's start waits for this journal's recovery
    /// before it routes events, so it must not grow with the node's age.</summary>
    public const int SnapshotEvery = 720;

    private void SnapshotNow()
    {
        if (LastSequenceNr % SnapshotEvery == 0) SaveSnapshot(new NodeJournalSnapshot(_node, _lastSeen, Gaps, Quarantined));
    }

    /// <summary>The node's latest claim, not the greatest: a heartbeat claims no more than its oldest event not yet
    /// journaled, which may lie before an earlier claim (events read, then held while their calls' shards were out of
    /// reach). Nor does a gap's end move it: observing again after an AMI drop says nothing of the events read before
    /// the drop and still held (a soak found calls lost outside every gap that way: the gap's end had raised it).</summary>
    private void Seen(DateTimeOffset at) => _lastSeen = at;

    public long Gaps { get; private set; }
    public long Quarantined { get; private set; }
    public override string PersistenceId { get; }

    // While the journal database is down: one error and a summary per window, not a stack trace per start.
    protected override void OnRecoveryFailure(Exception reason, object? message = null) =>
        Telephony.Actors.Persistence.RecoveryFailures.Get(Context.System).Report(PersistenceId, reason, message);

    public static Props Props(string node) => Akka.Actor.Props.Create(() => new NodeJournal(node));
}
