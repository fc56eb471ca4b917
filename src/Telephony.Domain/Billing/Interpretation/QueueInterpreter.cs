using Telephony.Domain.Cel;

namespace Telephony.Domain.Billing.Interpretation;

/// <summary>
/// Queue calls, inferred: CEL has no queue events, and APP_START/APP_END for Queue() only exist when cel.conf tracks
/// that application (they did not appear in our captures even with <c>apps = all</c>). What every CEL does carry is
/// the channel's current <c>Application</c>/<c>AppData</c>: while a caller waits in a queue its events (STREAM_BEGIN of
/// the music on hold, BRIDGE_ENTER with the agent...) say <c>Queue</c> / <c>support,,,,30</c>. So:
/// <list type="bullet">
/// <item>the queue name is the first argument of AppData on the first event whose Application is Queue;</item>
/// <item>the caller entered the queue at that event's time (in the captures it matches queue_log ENTERQUEUE to the
/// second), and left it at the first later event of that channel with another application (its HANGUP);</item>
/// <item>the channels Queue() creates to ring members run <c>AppQueue</c>: they are the agent legs.</item>
/// </list>
/// Limits: a caller who waits silently (no MOH, no ringing event) is seen entering only at the next event; the member
/// name, position and queue_log reasons are not in CEL.
/// </summary>
public sealed class QueueInterpreter : CelInterpreter
{
    public QueueInterpreter() => On(AllTypes, Track);

    private static void Track(CelEvent cel, ChannelLeg leg, CallBuilder call)
    {
        if (cel.Application.Equals("Queue", StringComparison.OrdinalIgnoreCase)
            && cel.Type is not (CelEventType.AppEnd or CelEventType.Hangup or CelEventType.ChanEnd))
        {
            if (leg.QueueEnteredAt is null)
            {
                leg.QueueEnteredAt = call.TimeOf(cel);
                leg.QueueName = cel.AppData.Split(',')[0].Trim();
            }
            return;
        }
        if (leg.QueueEnteredAt is not null && leg.QueueLeftAt is null)
            leg.QueueLeftAt = call.TimeOf(cel);
    }
}
