using Telephony.Simulator.Calls;

namespace Telephony.Simulator.Actions;

/// <summary>
/// Originate: the dialplan picks the script for the Channel (and other half); an async Originate is acknowledged
/// at once ("Originate successfully queued") and the call's events follow, OriginateResponse included; a synchronous
/// one is answered when the call is answered or fails. A Channel the dialplan does not know fails with Reason 0, as
/// does a ChannelId (or OtherChannelId) already in use on the node. A Context/Exten missing from a context the dialplan
/// lists is refused at once ("Extension does not exist.", even with Async), as Asterisk checks it before dialing.
/// Every Originate is counted by ChannelId first, whatever becomes of it.
/// </summary>
internal static class OriginateAction
{
    public static void Register(Dictionary<string, Action<ActionContext>> table) => table["Originate"] = Originate;

    private static void Originate(ActionContext c)
    {
        var request = OriginateRequest.From(c.Action);
        c.Node.OriginatesByChannelId.Count(request.ChannelId);
        if (request.Channel is null)
        {
            c.Error("Channel not specified");
            return;
        }
        if (request.Application is null && request.Exten is null)
        {
            c.Error("Exten not specified");
            return;
        }
        if (!c.Node.Options.Dialplan.ExtensionExists(request))
        {
            c.Error("Extension does not exist.");
            return;
        }
        if (request.Async) c.Success("Originate successfully queued");
        c.Node.Originate(request, request.Async ? null : c.Session);
    }
}
