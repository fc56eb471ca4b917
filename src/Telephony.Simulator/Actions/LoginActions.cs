using System.Security.Cryptography;
using System.Text;
using Telephony.Simulator.Sessions;

namespace Telephony.Simulator.Actions;

/// <summary>Login (plain and MD5 challenge/response), Challenge, Logoff and the Events mask.</summary>
internal static class LoginActions
{
    public static void Register(Dictionary<string, Action<ActionContext>> table)
    {
        table["Login"] = Login;
        table["Challenge"] = Challenge;
        table["Logoff"] = Logoff;
        table["Events"] = Events;
    }

    private static void Login(ActionContext c)
    {
        var username = c["Username"] ?? "";
        var ok = c.Node.Options.Users.TryGetValue(username, out var secret);
        if (ok)
        {
            if (string.Equals(c["AuthType"], "MD5", StringComparison.OrdinalIgnoreCase))
                ok = c.Session.Challenge is { } challenge &&
                     string.Equals(c["Key"], Md5Hex(challenge + secret), StringComparison.OrdinalIgnoreCase);
            else
                ok = c["Secret"] == secret;
        }
        if (!ok)
        {
            c.Error("Authentication failed");
            c.Session.CloseAfterFlush("authentication failed");
            return;
        }

        c.Session.Mask = c.Action.Has("Events") ? EventMask.Parse(c["Events"]) : EventClass.All;
        c.Session.MarkLoggedIn(username);
        c.Node.SessionLoggedIn(c.Session);
        c.Success("Authentication accepted");
        var uptime = ((long)(DateTimeOffset.UtcNow - c.Node.StartedAt).TotalSeconds).ToString();
        c.Session.SendEvent(EventClass.System, Reply.Event(("Event", "FullyBooted"), ("Privilege", "system,all"),
            ("Uptime", uptime), ("LastReload", uptime), ("Status", "Fully Booted")));
        c.Node.Broadcast(SecurityEvents.SuccessfulAuth(c.Session, c.Node.ClockNow));
    }

    private static void Challenge(ActionContext c)
    {
        if (!string.Equals(c["AuthType"], "MD5", StringComparison.OrdinalIgnoreCase))
        {
            c.Error("Must specify AuthType");
            return;
        }
        c.Session.Challenge ??= Random.Shared.Next(100_000_000, int.MaxValue).ToString();
        c.Reply(Reply.Start("Success", c.ActionId).Add("Challenge", c.Session.Challenge).ToArray());
    }

    private static void Logoff(ActionContext c)
    {
        c.Reply(Reply.Start("Goodbye", c.ActionId).Add("Message", "Thanks for all the fish.").ToArray());
        c.Node.SessionLoggedOff(c.Session);
        c.Session.CloseAfterFlush("logoff");
    }

    private static void Events(ActionContext c)
    {
        var mask = EventMask.Parse(c["EventMask"]);
        c.Session.Mask = mask;
        c.Reply(Reply.Start("Success", c.ActionId).Add("Events", mask == EventClass.None ? "Off" : "On").ToArray());
    }

    public static string Md5Hex(string text) =>
        Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(text)));
}
