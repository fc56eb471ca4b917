using Telephony.Domain.Cel;

namespace Telephony.Domain.Billing.Interpretation;

/// <summary>
/// Local channel optimisation: LOCAL_OPTIMIZE_BEGIN (Asterisk 16+) and LOCAL_OPTIMIZE (its end, since Asterisk 12),
/// both reported on the <c>;1</c> half with <c>local_two</c>/<c>local_two_uniqueid</c> in Extra. Afterwards the pair
/// hangs up and the channels on either side are bridged directly; the halves are marked so that they are never taken
/// for a party of the call. Local halves that are not optimised (<c>/n</c>) are looked through when the destination is
/// resolved (see <see cref="BillingRules"/>).
/// </summary>
public sealed class LocalChannelInterpreter : CelInterpreter
{
    public LocalChannelInterpreter()
    {
        On(CelEventType.LocalOptimizeBegin, (cel, leg, call) =>
        {
            var two = cel.Extra["local_two"] ?? ChannelName.LocalTwin(cel.Channel) ?? "";
            call.LocalOptimizations.Add(new LocalOptimizationInfo(cel.Channel, two, call.TimeOf(cel), null));
        });
        On(CelEventType.LocalOptimize, (cel, leg, call) =>
        {
            var two = cel.Extra["local_two"] ?? ChannelName.LocalTwin(cel.Channel) ?? "";
            var i = call.LocalOptimizations.FindLastIndex(o => o.LocalOne == cel.Channel && o.CompletedAt is null);
            if (i >= 0)
                call.LocalOptimizations[i] = call.LocalOptimizations[i] with { CompletedAt = call.TimeOf(cel) };
            else
                call.LocalOptimizations.Add(new LocalOptimizationInfo(cel.Channel, two, null, call.TimeOf(cel)));
            leg.OptimizedAway = true;
            if (call.FindByName(two) is { } twoLeg) twoLeg.OptimizedAway = true;
        });
    }
}
