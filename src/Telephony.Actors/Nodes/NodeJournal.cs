using Akka.Actor;
using Akka.Persistence;
using Akka.Persistence.Journal;
using Telephony.Actors.Calls;

namespace Telephony.Actors.Nodes;

/// <summary>
/// The node's own journal (<c>node/&lt;name&gt;</c>): gaps in what was observed and quarantined events. A child of the
/// node entity; each write is acknowledged so the node can count it as safe, exactly like a call delivery.
/// </summary>
internal sealed class NodeJournal : ReceivePersistentActor
{
    public sealed record Write(long DeliveryId, IReadOnlyList<object> Entries);

    public sealed record Written(long DeliveryId);

    public NodeJournal(string node)
    {
        PersistenceId = "node/" + node;
        Recover<GapRecorded>(_ => Gaps++);
        Recover<EventQuarantined>(_ => Quarantined++);
        Command<Write>(write =>
        {
            var sender = Sender;
            var tagged = write.Entries.Select(e => new Tagged(e, [e is GapRecorded ? CallTags.Gap : CallTags.Quarantine]));
            PersistAll(tagged, t =>
            {
                if (t.Payload is GapRecorded) Gaps++;
                else Quarantined++;
            });
            DeferAsync(write, w => sender.Tell(new Written(w.DeliveryId)));
        });
    }

    public long Gaps { get; private set; }
    public long Quarantined { get; private set; }
    public override string PersistenceId { get; }

    public static Props Props(string node) => Akka.Actor.Props.Create(() => new NodeJournal(node));
}
