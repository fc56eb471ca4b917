using Akka.Actor;
using Telephony.Actors.Actions;
using Telephony.Ami.Client;
using Telephony.Ami.Protocol;

namespace Telephony.Actors.Nodes;

/// <summary>The node's side of its action queue: the queue is its child (same member as the AMI session, moved with
/// it), gets the session when it is logged in and the events that tell actions' fates, read in the node's own turn.</summary>
public sealed partial class AsteriskNodeActor
{
    private IActorRef _actions = ActorRefs.Nobody;
    private List<AmiMessage>? _forActions;

    private void StartActionQueue() =>
        _actions = Context.ActorOf(ActionQueueActor.Props(_settings.Name, _actionSettings, _calls), "actions");

    /// <summary>Keeps what the queue needs from one event; sent once per read turn.</summary>
    private void CollectForActions(AmiMessage message)
    {
        if (message.EventName is "Hangup" or "OriginateResponse" or "Newchannel") (_forActions ??= []).Add(message);
    }

    private void SendCollectedToActions()
    {
        if (_forActions is null) return;
        _actions.Tell(new NodeChannelEvents(_forActions));
        _forActions = null;
    }

    private void TellActionsConnection(AmiConnectionNotification n)
    {
        switch (n)
        {
            case AmiConnected c:
                _actions.Tell(new ActionConnection(_client, c.Session));
                break;
            case AmiReconnected r:
                _actions.Tell(new ActionConnection(_client, r.Session));
                break;
            case AmiDisconnected or AmiStopped:
                _actions.Tell(new ActionConnection(null, 0));
                break;
        }
    }
}
