using Telephony.Domain.Cel;

namespace Telephony.Domain.Billing.Interpretation;

/// <summary>PICKUP: reported on the ringing channel that was picked up; Extra names the channel that picked it up
/// (<c>pickup_channel</c>).</summary>
public sealed class PickupInterpreter : CelInterpreter
{
    public PickupInterpreter() =>
        On(CelEventType.Pickup, (cel, _, call) =>
            call.Pickup ??= new PickupInfo(cel.Channel, cel.Extra["pickup_channel"] ?? "", call.TimeOf(cel)));
}

/// <summary>FORWARD: Dial() followed a 302/call forward of the channel; Extra <c>forward</c> is the new target.</summary>
public sealed class ForwardInterpreter : CelInterpreter
{
    public ForwardInterpreter() =>
        On(CelEventType.Forward, (cel, _, call) =>
            call.Forwards.Add(new ForwardInfo(cel.Channel, cel.Extra["forward"] ?? cel.Extra.Raw, call.TimeOf(cel))));
}
