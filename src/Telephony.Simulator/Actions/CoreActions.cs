using System.Globalization;

namespace Telephony.Simulator.Actions;

/// <summary>Ping, CoreStatus, CoreSettings and Command.</summary>
internal static class CoreActions
{
    public static void Register(Dictionary<string, Action<ActionContext>> table)
    {
        table["Ping"] = Ping;
        table["CoreStatus"] = CoreStatus;
        table["CoreSettings"] = CoreSettings;
        table["Command"] = Command;
    }

    private static void Ping(ActionContext c)
    {
        var now = DateTimeOffset.UtcNow;
        var micros = now.ToUnixTimeMilliseconds() % 1000 * 1000 + now.UtcDateTime.Ticks / 10 % 1000;
        var timestamp = $"{now.ToUnixTimeSeconds()}.{micros:D6}";
        c.Reply(Reply.Start("Success", c.ActionId).Add("Ping", "Pong").Add("Timestamp", timestamp).ToArray());
    }

    private static void CoreStatus(ActionContext c)
    {
        var started = TimeZoneInfo.ConvertTime(c.Node.StartedAt, c.Node.Options.TimeZone);
        var (current, processed) = c.Node.ChannelCounts();
        c.Reply(Reply.Start("Success", c.ActionId)
            .Add("CoreStartupDate", started.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))
            .Add("CoreStartupTime", started.ToString("HH:mm:ss", CultureInfo.InvariantCulture))
            .Add("CoreReloadDate", started.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))
            .Add("CoreReloadTime", started.ToString("HH:mm:ss", CultureInfo.InvariantCulture))
            .Add("CoreCurrentCalls", current.ToString(CultureInfo.InvariantCulture))
            .Add("CoreProcessedCalls", processed.ToString(CultureInfo.InvariantCulture))
            .ToArray());
    }

    private static void CoreSettings(ActionContext c) =>
        c.Reply(Reply.Start("Success", c.ActionId)
            .Add("AMIversion", "9.0.0").Add("AsteriskVersion", CliCommands.AsteriskVersion).Add("SystemName", "")
            .Add("CoreMaxCalls", "0").Add("CoreMaxLoadAvg", "0.000000").Add("CoreRunUser", "").Add("CoreRunGroup", "")
            .Add("CoreMaxFilehandles", "0").Add("CoreRealTimeEnabled", "No").Add("CoreCDRenabled", "Yes")
            .Add("CoreHTTPenabled", "No").Add("SoundsSearchCustomDir", "No")
            .ToArray());

    private static void Command(ActionContext c)
    {
        var command = c["Command"];
        if (string.IsNullOrWhiteSpace(command))
        {
            c.Error("No command provided");
            return;
        }
        var (ok, lines) = CliCommands.Run(c.Node, command);
        var w = Reply.Start(ok ? "Success" : "Error", c.ActionId).Add("Message", "Command output follows");
        foreach (var line in lines) w.Add("Output", line);
        c.Reply(w.ToArray());
    }
}
