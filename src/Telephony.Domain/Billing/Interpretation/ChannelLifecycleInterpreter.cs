using Telephony.Domain.Cel;

namespace Telephony.Domain.Billing.Interpretation;

/// <summary>A channel's life: CHAN_START, ANSWER, HANGUP (with its cause, source and dial status), CHAN_END, and the
/// call's LINKEDID_END.</summary>
public sealed class ChannelLifecycleInterpreter : CelInterpreter
{
    public ChannelLifecycleInterpreter()
    {
        On(CelEventType.ChanStart, (cel, leg, _) =>
        {
            leg.StartedAt ??= cel.EventTime.Utc;
            if (leg.StartExten.Length == 0)
            {
                leg.StartExten = cel.Exten;
                leg.StartContext = cel.Context;
            }
        });
        // The first answer counts; a channel is answered once (a second ANSWER would come from a masquerade).
        On(CelEventType.Answer, (cel, leg, _) => leg.AnsweredAt ??= cel.EventTime.Utc);
        On(CelEventType.Hangup, (cel, leg, call) =>
        {
            leg.HungUpAt = cel.EventTime.Utc;
            leg.HangupOrdinal = call.Ordinal;
            leg.Hangup = cel.Hangup;
        });
        On(CelEventType.ChanEnd, (cel, leg, _) => leg.EndedAt = cel.EventTime.Utc);
        On(CelEventType.LinkedIdEnd, (cel, _, call) => call.LinkedIdEndedAt = cel.EventTime.Utc);
    }
}
