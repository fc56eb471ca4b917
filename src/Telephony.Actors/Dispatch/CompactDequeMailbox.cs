using Akka.Actor;
using Akka.Configuration;
using Akka.Dispatch;
using Akka.Dispatch.MessageQueues;

namespace Telephony.Actors.Dispatch;

/// <summary>The mailbox type of <see cref="CompactDequeMessageQueue"/>: <c>telephony.compact-mailbox</c> in
/// hocon/telephony.conf, used by the call entities (<c>CallEntity.Props</c>). It fulfils a persistent actor's
/// requirement of an unbounded deque (the stash puts messages back at the front).</summary>
public sealed class CompactDequeMailbox(Settings settings, Config config)
    : MailboxType(settings, config), IProducesMessageQueue<CompactDequeMessageQueue>
{
    /// <summary>The mailbox's configuration path.</summary>
    public const string ConfigPath = "telephony.compact-mailbox";

    public override IMessageQueue Create(IActorRef owner, ActorSystem system) => new CompactDequeMessageQueue();
}
