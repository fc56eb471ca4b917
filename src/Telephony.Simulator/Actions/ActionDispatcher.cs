using Telephony.Ami.Protocol;
using Telephony.Simulator.Sessions;

namespace Telephony.Simulator.Actions;

/// <summary>
/// Routes an action to its handler: a table from action name to handler, like Asterisk's own manager action
/// registry. Counts every action by name; before login only Login, Challenge and Logoff are allowed.
/// </summary>
internal sealed class ActionDispatcher
{
    private static readonly HashSet<string> AllowedBeforeLogin = new(StringComparer.OrdinalIgnoreCase)
        { "Login", "Challenge", "Logoff" };

    private readonly Dictionary<string, Action<ActionContext>> _handlers = new(StringComparer.OrdinalIgnoreCase);
    private readonly SimulatedNode _node;

    public ActionDispatcher(SimulatedNode node)
    {
        _node = node;
        LoginActions.Register(_handlers);
        CoreActions.Register(_handlers);
        ChannelActions.Register(_handlers);
        QueueActions.Register(_handlers);
        OriginateAction.Register(_handlers);
        VariableActions.Register(_handlers);
        BridgeAction.Register(_handlers);
    }

    public IEnumerable<string> ActionNames => _handlers.Keys;

    public void Handle(AmiSession session, AmiMessage action)
    {
        var name = action["Action"];
        var context = new ActionContext(_node, session, action);
        if (string.IsNullOrEmpty(name))
        {
            context.Error("Missing action in request");
            return;
        }
        _node.Actions.Count(name);
        _node.ActionRate.Record(name);
        if (!session.IsLoggedIn && !AllowedBeforeLogin.Contains(name))
        {
            context.Error("Permission denied");
            return;
        }
        if (_handlers.TryGetValue(name, out var handler))
        {
            handler(context);
            return;
        }
        context.Error($"Invalid/unknown command: {name}. Use Action: ListCommands to show available commands.");
        _node.Broadcast(SecurityEvents.RequestBadFormat(session, name, _node.ClockNow));
    }
}
