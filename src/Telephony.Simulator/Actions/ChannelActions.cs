using System.Globalization;
using Telephony.Ami.Protocol;

namespace Telephony.Simulator.Actions;

/// <summary>CoreShowChannels, Status, Hangup and Redirect, answered from the node's live channel model.</summary>
internal static class ChannelActions
{
    public static void Register(Dictionary<string, Action<ActionContext>> table)
    {
        table["CoreShowChannels"] = CoreShowChannels;
        table["Status"] = Status;
        table["Hangup"] = Hangup;
        table["Redirect"] = Redirect;
    }

    private static void CoreShowChannels(ActionContext c)
    {
        var legs = c.Node.LiveChannels;
        c.Reply(Reply.Start("Success", c.ActionId).Add("EventList", "start").Add("Message", "Channels will follow").ToArray());
        var now = DateTimeOffset.UtcNow;
        foreach (var leg in legs)
        {
            var w = new AmiMessageWriter().Add("Event", "CoreShowChannel");
            if (c.ActionId is { Length: > 0 } id) w.Add("ActionID", id);
            foreach (var (k, v) in leg.Snapshot()) w.Add(k, v);
            w.Add("Application", leg.Application).Add("ApplicationData", leg.AppData)
                .Add("Duration", (now - leg.CreatedAt).ToString(@"hh\:mm\:ss", CultureInfo.InvariantCulture))
                .Add("BridgeId", leg.BridgeId);
            c.Reply(w.ToArray());
        }
        c.Reply(Complete("CoreShowChannelsComplete", c.ActionId, legs.Count).ToArray());
    }

    private static void Status(ActionContext c)
    {
        var wanted = c["Channel"];
        var legs = c.Node.LiveChannels.Where(l => string.IsNullOrEmpty(wanted) ||
                                                   l.Channel.Equals(wanted, StringComparison.OrdinalIgnoreCase)).ToList();
        if (!string.IsNullOrEmpty(wanted) && legs.Count == 0)
        {
            c.Error("No such channel");
            return;
        }
        c.Reply(Reply.Start("Success", c.ActionId).Add("EventList", "start").Add("Message", "Channel status will follow").ToArray());
        var now = DateTimeOffset.UtcNow;
        foreach (var leg in legs)
        {
            var w = new AmiMessageWriter().Add("Event", "Status").Add("Privilege", "Call");
            foreach (var (k, v) in leg.Snapshot()) w.Add(k, v);
            w.Add("Type", leg.Channel.Split('/')[0]).Add("DNID", "")
                .Add("EffectiveConnectedLineNum", leg.ConnectedLineNum).Add("EffectiveConnectedLineName", leg.ConnectedLineName)
                .Add("TimeToHangup", "0").Add("BridgeID", leg.BridgeId).Add("Application", leg.Application)
                .Add("Data", leg.AppData).Add("Nativeformats", "(slin)").Add("Readformat", "slin").Add("Readtrans", "")
                .Add("Writeformat", "slin").Add("Writetrans", "").Add("Callgroup", "0").Add("Pickupgroup", "0")
                .Add("Seconds", ((long)(now - leg.CreatedAt).TotalSeconds).ToString(CultureInfo.InvariantCulture));
            if (c.ActionId is { Length: > 0 } id) w.Add("ActionID", id);
            c.Reply(w.ToArray());
        }
        c.Reply(Complete("StatusComplete", c.ActionId, legs.Count)
            .Add("Items", legs.Count.ToString(CultureInfo.InvariantCulture)).ToArray());
    }

    private static void Hangup(ActionContext c)
    {
        var channel = c["Channel"];
        if (string.IsNullOrEmpty(channel))
        {
            c.Error("No channel specified");
            return;
        }
        var cause = int.TryParse(c["Cause"], out var n) ? n : 16;
        if (!c.Node.HangupChannel(channel, cause))
        {
            c.Error("No such channel");
            return;
        }
        c.Success("Channel Hungup");
    }

    private static void Redirect(ActionContext c)
    {
        var channel = c["Channel"];
        if (string.IsNullOrEmpty(channel))
        {
            c.Error("Channel not specified");
            return;
        }
        if (string.IsNullOrEmpty(c["Exten"]))
        {
            c.Error("Exten not specified");
            return;
        }
        var context = c;
        if (!c.Node.RedirectChannel(channel, c["Context"] ?? "", c["Exten"]!, c["Priority"] ?? "1",
                () => context.Success("Redirect successful")))
            c.Error($"Channel does not exist: {channel}");
    }

    internal static AmiMessageWriter Complete(string eventName, string? actionId, int items)
    {
        var w = new AmiMessageWriter().Add("Event", eventName);
        if (actionId is { Length: > 0 }) w.Add("ActionID", actionId);
        return w.Add("EventList", "Complete").Add("ListItems", items.ToString(CultureInfo.InvariantCulture));
    }

}
