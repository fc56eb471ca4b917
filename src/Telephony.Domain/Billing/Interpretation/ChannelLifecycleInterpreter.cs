using Telephony.Domain.Cel;

namespace Telephony.Domain.Billing.Interpretation;

/// <summary>A channel's life: CHAN_START, ANSWER, HANGUP (with its cause, source and dial status), CHAN_END, and the
/// call's LINKEDID_END.</summary>
public sealed class ChannelLifecycleInterpreter : CelInterpreter
{
    public ChannelLifecycleInterpreter()
    {
        On(CelEventType.ChanStart, (cel, leg, call) =>
        {
            leg.StartedAt ??= call.TimeOf(cel);
            if (leg.StartExten.Length == 0)
            {
                leg.StartExten = cel.Exten;
                leg.StartContext = cel.Context;
            }
        });
        // The first answer counts; a channel is answered once (a second ANSWER would come from a masquerade).
        On(CelEventType.Answer, (cel, leg, call) => leg.AnsweredAt ??= call.TimeOf(cel));
        On(CelEventType.Hangup, (cel, leg, call) =>
        {
            leg.HungUpAt = call.TimeOf(cel);
            leg.HangupOrdinal = call.Ordinal;
            leg.Hangup = cel.Hangup;
        });
        On(CelEventType.ChanEnd, (cel, leg, call) => leg.EndedAt = call.TimeOf(cel));
        On(CelEventType.LinkedIdEnd, (cel, _, call) => call.LinkedIdEndedAt = call.TimeOf(cel));
    }
}
