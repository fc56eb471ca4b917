using System.Globalization;
using Telephony.Simulator.Model;

namespace Telephony.Simulator.Calls;

/// <summary>
/// The events of hanging up channels that a script did not get to hang up itself (an AMI Hangup outside an
/// <c>@await-hangup</c>, a node restart): per channel SoftHangupRequest, Hangup, CEL HANGUP, CEL CHAN_END and a Cdr,
/// then LINKEDID_END, with header layouts copied from the captures. Each event takes its instants from the call's
/// clock like a scripted one, so the Hangup, CEL HANGUP and Cdr end of a channel are one moment.
/// </summary>
internal static class CallTeardown
{
    public static IEnumerable<RenderedEvent> Events(IReadOnlyList<Leg> legs, CallRun run, int cause,
        Func<DateTimeOffset, string> formatTime)
    {
        var causeText = CauseText(cause);
        string Time(EventInstants at) => formatTime(AsteriskTime.FromMicros(at.Record));
        foreach (var leg in legs)
        {
            var at = run.NextEvent("SoftHangupRequest", null, null, leg.Uniqueid, false);
            yield return new(With(leg.Snapshot(), "SoftHangupRequest", ("Cause", Num(cause))), run.RaisedAt(at));
            at = run.NextEvent("Hangup", null, null, leg.Uniqueid, false);
            var hangupCause = cause != ShutdownCause ? cause : leg.Channel.StartsWith("IAX2/", StringComparison.Ordinal) ? 16 : 0;
            yield return new(With(leg.Snapshot(), "Hangup", ("Cause", Num(hangupCause)), ("Cause-txt", CauseText(hangupCause))),
                run.RaisedAt(at));
            at = run.NextEvent("CEL", "HANGUP", null, leg.Uniqueid, false);
            yield return new(Cel("HANGUP", leg, Time(at),
                $"{{\"hangupcause\":{cause},\"hangupsource\":\"\",\"dialstatus\":\"\"}}"), run.RaisedAt(at));
            at = run.NextEvent("CEL", "CHAN_END", null, leg.Uniqueid, false);
            yield return new(Cel("CHAN_END", leg, Time(at), ""), run.RaisedAt(at));
            at = run.NextEvent("Cdr", null, null, leg.Uniqueid, finalCdr: true);
            yield return new(Cdr(leg, run.TimesOf(leg.Uniqueid), at.Record, formatTime), run.RaisedAt(at));
        }
        if (legs.Count == 0) yield break;
        var end = run.NextEvent("CEL", "LINKEDID_END", null, legs[^1].Uniqueid, false);
        yield return new(Cel("LINKEDID_END", legs[^1], Time(end), ""), run.RaisedAt(end));
    }

    private static List<KeyValuePair<string, string>> With(IEnumerable<KeyValuePair<string, string>> snapshot, string eventName,
        params (string Key, string Value)[] extra)
    {
        var list = new List<KeyValuePair<string, string>> { new("Event", eventName), new("Privilege", "call,all") };
        list.AddRange(snapshot);
        list.AddRange(extra.Select(e => new KeyValuePair<string, string>(e.Key, e.Value)));
        return list;
    }

    private static List<KeyValuePair<string, string>> Cel(string name, Leg leg, string time, string extra) =>
    [
        new("Event", "CEL"), new("Privilege", "call,all"), new("EventName", name), new("AccountCode", leg.AccountCode),
        new("CallerIDnum", Known(leg.CallerIdNum)), new("CallerIDname", Known(leg.CallerIdName)), new("CallerIDani", ""),
        new("CallerIDrdnis", ""), new("CallerIDdnid", ""), new("Exten", leg.Exten), new("Context", leg.Context),
        new("Channel", leg.Channel), new("Application", leg.Application), new("AppData", leg.AppData),
        new("EventTime", time), new("AMAFlags", "DOCUMENTATION"), new("UniqueID", leg.Uniqueid),
        new("LinkedID", leg.Linkedid), new("Userfield", ""), new("Peer", ""), new("PeerAccount", ""), new("Extra", extra),
    ];

    private static List<KeyValuePair<string, string>> Cdr(Leg leg, ChannelTimes times, long end,
        Func<DateTimeOffset, string> formatTime)
    {
        var answered = times.Answer is not null;
        string Time(long micros) => formatTime(AsteriskTime.FromMicros(micros));
        var num = Known(leg.CallerIdNum);
        var name = Known(leg.CallerIdName);
        return
        [
            new("Event", "Cdr"), new("Privilege", "cdr,all"), new("AccountCode", leg.AccountCode), new("Source", num),
            new("Destination", leg.Exten), new("DestinationContext", leg.Context),
            new("CallerID", num.Length == 0 && name.Length == 0 ? "" : $"\"{name}\" <{num}>"),
            new("Channel", leg.Channel), new("DestinationChannel", ""), new("LastApplication", leg.Application),
            new("LastData", leg.AppData), new("StartTime", Time(times.Start)),
            new("AnswerTime", answered ? Time(times.Answer!.Value) : ""), new("EndTime", Time(end)),
            new("Duration", Num(AsteriskTime.CdrSeconds(end, times.Start))),
            new("BillableSeconds", answered ? Num(AsteriskTime.CdrSeconds(end, times.Answer!.Value)) : "0"),
            new("Disposition", answered ? "ANSWERED" : "NO ANSWER"), new("AMAFlags", "DOCUMENTATION"),
            new("UniqueID", leg.Uniqueid), new("UserField", ""),
        ];
    }

    private static string Known(string value) => value == "<unknown>" ? "" : value;

    private static string Num(long n) => n.ToString(CultureInfo.InvariantCulture);

    /// <summary>The soft-hangup reason of a shutdown (AST_SOFTHANGUP_SHUTDOWN), not a Q.850 cause: the channels'
    /// Hangup then carries 0 (Local) as in pbx-a-restart-with-waiting-caller.</summary>
    public const int ShutdownCause = 4;

    public static string CauseText(int cause) => cause switch
    {
        0 => "Unknown",
        1 => "Unallocated (unassigned) number",
        16 => "Normal Clearing",
        17 => "User busy",
        18 => "No user responding",
        19 => "User alerting, no answer",
        21 => "Call Rejected",
        34 => "Circuit/channel congestion",
        _ => "Unknown",
    };
}
