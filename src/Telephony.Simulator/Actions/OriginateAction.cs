using Telephony.Simulator.Calls;

namespace Telephony.Simulator.Actions;

/// <summary>
/// Originate: the dialplan picks the script for the Channel (and other half); an async Originate is acknowledged
/// at once ("Originate successfully queued") and the call's events follow, OriginateResponse included; a synchronous
/// one is answered when the call is answered or fails. A Channel the dialplan does not know fails with Reason 0.
/// </summary>
internal static class OriginateAction
{
    public static void Register(Dictionary<string, Action<ActionContext>> table) => table["Originate"] = Originate;

    private static void Originate(ActionContext c)
    {
        var request = OriginateRequest.From(c.Action);
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
        if (request.Async) c.Success("Originate successfully queued");
        c.Node.Originate(request, request.Async ? null : c.Session);
    }
}
