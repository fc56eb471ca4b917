using Akka.Actor;
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

    public sealed record LastSeen(DateTimeOffset? At);

    public NodeJournal(string node)
    {
        PersistenceId = "node/" + node;
        Recover<GapRecorded>(g =>
        {
            Gaps++;
            Seen(g.To);
        });
        Recover<EventQuarantined>(_ => Quarantined++);
        Recover<NodeSeen>(s => Seen(s.At));
        Command<NodeSeen>(seen => Persist(seen, s => Seen(s.At)));
        Command<GetLastSeen>(_ => Sender.Tell(new LastSeen(_lastSeen)));
        Command<Write>(write =>
        {
            var sender = Sender;
            // Gaps and quarantined events are tagged for their projections; a session start (NodeSeen) is not.
            var entries = write.Entries.Select(e => e is NodeSeen ? e : new Tagged(e, [e is GapRecorded ? CallTags.Gap : CallTags.Quarantine]));
            PersistAll(entries, persisted =>
            {
                switch (persisted is Tagged t ? t.Payload : persisted)
                {
                    case GapRecorded g:
                        Gaps++;
                        Seen(g.To);
                        break;
                    case NodeSeen s:
                        Seen(s.At);
                        break;
                    default:
                        Quarantined++;
                        break;
                }
            });
            DeferAsync(write, w => sender.Tell(new Written(w.DeliveryId)));
        });
    }

    private DateTimeOffset? _lastSeen;

    private void Seen(DateTimeOffset at)
    {
        if (_lastSeen is null || at > _lastSeen) _lastSeen = at;
    }

    public long Gaps { get; private set; }
    public long Quarantined { get; private set; }
    public override string PersistenceId { get; }

    public static Props Props(string node) => Akka.Actor.Props.Create(() => new NodeJournal(node));
}
