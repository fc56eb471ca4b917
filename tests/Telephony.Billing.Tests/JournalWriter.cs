using Akka.Actor;
using Akka.Persistence;
using Akka.Persistence.Journal;

namespace Telephony.Billing.Tests;

/// <summary>Journals what it is told, with the given tags, as a call entity would (tests that need an exact journal:
/// amended records).</summary>
public sealed class JournalWriter : ReceivePersistentActor
{
    public sealed record Write(object Event, string Tag);

    public JournalWriter(string persistenceId)
    {
        PersistenceId = persistenceId;
        Command<Write>(w =>
        {
            var sender = Sender;
            Persist(new Tagged(w.Event, [w.Tag]), _ => sender.Tell(Done.Instance));
        });
        Recover<object>(_ => { });
    }

    public override string PersistenceId { get; }

    public static Props Props(string persistenceId) => Akka.Actor.Props.Create(() => new JournalWriter(persistenceId));

    public sealed record Done
    {
        public static readonly Done Instance = new();
    }
}
