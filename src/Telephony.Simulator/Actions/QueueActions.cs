using System.Globalization;
using Telephony.Ami.Protocol;

namespace Telephony.Simulator.Actions;

/// <summary>QueueStatus and QueueSummary, answered from the node's queue model (layouts as in the captures).</summary>
internal static class QueueActions
{
    public static void Register(Dictionary<string, Action<ActionContext>> table)
    {
        table["QueueStatus"] = QueueStatus;
        table["QueueSummary"] = QueueSummary;
    }

    private static void QueueStatus(ActionContext c)
    {
        var only = c["Queue"];
        var items = c.Node.QueueSnapshot(only);
        c.Reply(Reply.Start("Success", c.ActionId).Add("EventList", "start").Add("Message", "Queue status will follow").ToArray());
        var count = 0;
        var now = c.Node.ClockNow; // the clock callers joined on
        foreach (var q in items)
        {
            c.Reply(WithActionId(new AmiMessageWriter().Add("Event", "QueueParams").Add("Queue", q.Name).Add("Max", "0")
                .Add("Strategy", q.Strategy).Add("Calls", N(q.Entries.Count)).Add("Holdtime", N(q.HoldTime))
                .Add("TalkTime", N(q.TalkTime)).Add("Completed", N(q.Completed)).Add("Abandoned", N(q.Abandoned))
                .Add("ServiceLevel", "0").Add("ServicelevelPerf", "0.0").Add("ServicelevelPerf2", "0.0").Add("Weight", "0"), c));
            count++;
            foreach (var m in q.Members)
            {
                c.Reply(WithActionId(new AmiMessageWriter().Add("Event", "QueueMember").Add("Queue", q.Name)
                    .Add("Name", m.Name).Add("Location", m.Location).Add("StateInterface", m.Location)
                    .Add("Membership", "static").Add("Penalty", "0").Add("CallsTaken", N(m.CallsTaken))
                    .Add("LastCall", N(m.LastCall)).Add("LastPause", "0").Add("LoginTime", N(m.LoginTime))
                    .Add("InCall", m.InCall).Add("Status", m.Status).Add("Paused", "0").Add("PausedReason", "")
                    .Add("Wrapuptime", "0"), c));
                count++;
            }
            var position = 0;
            foreach (var e in q.Entries)
            {
                c.Reply(WithActionId(new AmiMessageWriter().Add("Event", "QueueEntry").Add("Queue", q.Name)
                    .Add("Position", N(++position)).Add("Channel", e.Channel).Add("Uniqueid", e.Uniqueid)
                    .Add("CallerIDNum", e.CallerIdNum).Add("CallerIDName", e.CallerIdName)
                    .Add("ConnectedLineNum", e.ConnectedLineNum).Add("ConnectedLineName", e.ConnectedLineName)
                    .Add("Wait", N((long)(now - e.JoinedAt).TotalSeconds)).Add("Priority", "0"), c));
                count++;
            }
        }
        c.Reply(ChannelActions.Complete("QueueStatusComplete", c.ActionId, count).ToArray());
    }

    private static void QueueSummary(ActionContext c)
    {
        var items = c.Node.QueueSnapshot(c["Queue"]);
        c.Reply(Reply.Start("Success", c.ActionId).Add("EventList", "start").Add("Message", "Queue summary will follow").ToArray());
        var now = c.Node.ClockNow; // the clock callers joined on
        foreach (var q in items)
        {
            var longest = q.Entries.Count == 0 ? 0 : (long)(now - q.Entries.Min(e => e.JoinedAt)).TotalSeconds;
            c.Reply(WithActionId(new AmiMessageWriter().Add("Event", "QueueSummary").Add("Queue", q.Name)
                .Add("LoggedIn", N(q.Members.Count)).Add("Available", N(q.Members.Count(m => m.Status == "1")))
                .Add("Callers", N(q.Entries.Count)).Add("HoldTime", N(q.HoldTime)).Add("TalkTime", N(q.TalkTime))
                .Add("LongestHoldTime", N(longest)), c));
        }
        c.Reply(ChannelActions.Complete("QueueSummaryComplete", c.ActionId, items.Count).ToArray());
    }

    private static byte[] WithActionId(AmiMessageWriter w, ActionContext c)
    {
        if (c.ActionId is { Length: > 0 } id) w.Add("ActionID", id);
        return w.ToArray();
    }

    private static string N(long n) => n.ToString(CultureInfo.InvariantCulture);
}
