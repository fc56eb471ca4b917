using Telephony.Ami.Protocol;
using Telephony.Simulator.Sessions;

namespace Telephony.Simulator.Actions;

/// <summary>One action being handled: who sent it, on which node.</summary>
internal readonly record struct ActionContext(SimulatedNode Node, AmiSession Session, AmiMessage Action)
{
    public string? ActionId => Action.ActionId;
    public string? this[string header] => Action[header];

    public void Reply(byte[] bytes) => Session.Send(bytes);
    public void Success(string? message = null) => Session.Send(Actions.Reply.Success(ActionId, message));
    public void Error(string message) => Session.Send(Actions.Reply.Error(ActionId, message));
}
