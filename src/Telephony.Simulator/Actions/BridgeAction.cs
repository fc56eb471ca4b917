namespace Telephony.Simulator.Actions;

/// <summary>Bridge (Channel1, Channel2), with the checks and words of Asterisk's action_bridge.</summary>
internal static class BridgeAction
{
    public static void Register(Dictionary<string, Action<ActionContext>> table) => table["Bridge"] = Bridge;

    private static void Bridge(ActionContext c)
    {
        var channel1 = c["Channel1"];
        var channel2 = c["Channel2"];
        if (string.IsNullOrEmpty(channel1) || string.IsNullOrEmpty(channel2))
        {
            c.Error("Missing channel parameter in request");
            return;
        }
        var context = c;
        switch (c.Node.Bridge(channel1, channel2, () => context.Success("Channels have been bridged")))
        {
            case 1: c.Error($"Channel1 does not exist: {channel1}"); break;
            case 2: c.Error($"Channel2 does not exist: {channel2}"); break;
        }
    }
}
