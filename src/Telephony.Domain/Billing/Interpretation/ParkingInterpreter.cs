using Telephony.Domain.Cel;

namespace Telephony.Domain.Billing.Interpretation;

/// <summary>PARK_START (on the parked channel; Extra <c>parker_dial_string</c>, <c>parking_lot</c>) and PARK_END
/// (Extra <c>reason</c>, and <c>retriever</c> when someone took the call back).</summary>
public sealed class ParkingInterpreter : CelInterpreter
{
    public ParkingInterpreter()
    {
        On(CelEventType.ParkStart, (cel, _, call) =>
            call.Park = new ParkInfo(cel.Channel, cel.Extra["parking_lot"] ?? "", cel.Extra["parker_dial_string"] ?? "",
                call.TimeOf(cel), null, null, null));
        On(CelEventType.ParkEnd, (cel, _, call) =>
        {
            var reason = cel.Extra["reason"];
            var retriever = cel.Extra["retriever"];
            call.Park = call.Park is { } p && p.EndedAt is null
                ? p with { EndedAt = call.TimeOf(cel), Reason = reason, RetrieverChannel = retriever }
                : new ParkInfo(cel.Channel, cel.Extra["parking_lot"] ?? "", "", call.TimeOf(cel), call.TimeOf(cel),
                    reason, retriever);
        });
    }
}
