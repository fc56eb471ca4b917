using System.Globalization;
using Telephony.Simulator.Model;

namespace Telephony.Simulator.Calls;

/// <summary>
/// The events of hanging up channels that a script did not get to hang up itself (an AMI Hangup outside an
/// <c>@await-hangup</c>, a node restart): per channel SoftHangupRequest, Hangup, CEL HANGUP, CEL CHAN_END and a Cdr,
/// then LINKEDID_END, with header layouts copied from the captures.
/// </summary>
internal static class CallTeardown
{
    public static IEnumerable<List<KeyValuePair<string, string>>> Events(IReadOnlyList<Leg> legs, CallRun run, int cause,
        Func<DateTimeOffset, string> formatTime)
    {
        var causeText = CauseText(cause);
        var now = run.Now;
        foreach (var leg in legs)
        {
            yield return With(leg.Snapshot(), "SoftHangupRequest", ("Cause", Num(cause)));
            yield return With(leg.Snapshot(), "Hangup", ("Cause", Num(cause)), ("Cause-txt", causeText));
            yield return Cel("HANGUP", leg, formatTime(now),
                $"{{\"hangupcause\":{cause},\"hangupsource\":\"\",\"dialstatus\":\"\"}}");
            yield return Cel("CHAN_END", leg, formatTime(now), "");
            yield return Cdr(leg, run.TimesOf(leg.Uniqueid), now, formatTime);
        }
        if (legs.Count > 0) yield return Cel("LINKEDID_END", legs[^1], formatTime(now), "");
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

    private static List<KeyValuePair<string, string>> Cdr(Leg leg, CallTimes times, DateTimeOffset now,
        Func<DateTimeOffset, string> formatTime)
    {
        var answered = times.Answer is not null;
        var num = Known(leg.CallerIdNum);
        var name = Known(leg.CallerIdName);
        return
        [
            new("Event", "Cdr"), new("Privilege", "cdr,all"), new("AccountCode", leg.AccountCode), new("Source", num),
            new("Destination", leg.Exten), new("DestinationContext", leg.Context),
            new("CallerID", num.Length == 0 && name.Length == 0 ? "" : $"\"{name}\" <{num}>"),
            new("Channel", leg.Channel), new("DestinationChannel", ""), new("LastApplication", leg.Application),
            new("LastData", leg.AppData), new("StartTime", formatTime(times.Start)),
            new("AnswerTime", answered ? formatTime(times.Answer!.Value) : ""), new("EndTime", formatTime(now)),
            new("Duration", Num((int)Math.Max(0, (now - times.Start).TotalSeconds))),
            new("BillableSeconds", answered ? Num((int)Math.Max(0, (now - times.Answer!.Value).TotalSeconds)) : "0"),
            new("Disposition", answered ? "ANSWERED" : "NO ANSWER"), new("AMAFlags", "DOCUMENTATION"),
            new("UniqueID", leg.Uniqueid), new("UserField", ""),
        ];
    }

    private static string Known(string value) => value == "<unknown>" ? "" : value;

    private static string Num(int n) => n.ToString(CultureInfo.InvariantCulture);

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
