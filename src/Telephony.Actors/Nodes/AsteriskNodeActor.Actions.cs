using Akka.Actor;
using Akka.Event;
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
    private ActionConnection _connection = new(null, 0);

    /// <summary>Started once the node's session start is journaled (or at the first request for it), not beside the
    /// node journal's own recovery: two recoveries per node at once, on every node of a starting member, stalled the
    /// SQLite journal's reads under load (a node could not read its previous session's heartbeat in time).</summary>
    private void EnsureActionQueue()
    {
        if (!_actions.IsNobody()) return;
        _actions = Context.Watch(Context.ActorOf(ActionQueueActor.Props(_settings.Name, _actionSettings, _calls), "actions"));
        if (_connection.Client is not null) _actions.Tell(_connection);
    }

    private sealed record RestartActionQueue;

    /// <summary>
    /// The action queue stopped: its recovery failed while the journal was down (the circuit breaker open), or it
    /// failed to persist. It is started again a second later, with the session, and recovers what was journaled.
    /// Before, the node kept the dead reference: every action sent to this node went to dead letters until the node
    /// itself moved (a fleet soak lost 27 callers that way, their connects never confirmed for three minutes).
    /// </summary>
    private void OnActionQueueStopped()
    {
        _log.Warning("node {0}: its action queue stopped; starting it again in 1 s", _settings.Name);
        _actions = ActorRefs.Nobody;
        Timers.StartSingleTimer(nameof(RestartActionQueue), new RestartActionQueue(), TimeSpan.FromSeconds(1));
    }

    private void ForwardToActionQueue(IActionQueueMessage message)
    {
        EnsureActionQueue();
        _actions.Forward(message);
    }

    /// <summary>Keeps what the queue needs from one event; sent once per read turn.</summary>
    private void CollectForActions(AmiMessage message)
    {
        if (message.EventName is "Hangup" or "OriginateResponse" or "Newchannel") (_forActions ??= []).Add(message);
    }

    private void SendCollectedToActions()
    {
        if (_forActions is null) return;
        EnsureActionQueue();
        _actions.Tell(new NodeChannelEvents(_forActions));
        _forActions = null;
    }

    private void TellActionsConnection(AmiConnectionNotification n)
    {
        _connection = n switch
        {
            AmiConnected c => new ActionConnection(_client, c.Session),
            AmiReconnected r => new ActionConnection(_client, r.Session),
            AmiDisconnected or AmiStopped => new ActionConnection(null, 0),
            _ => _connection,
        };
        if (n is AmiConnected or AmiReconnected or AmiDisconnected or AmiStopped) _actions.Tell(_connection);
    }
}
