using System.Text.RegularExpressions;
using Telephony.Ami.Protocol;

namespace Telephony.Simulator.Tests;

/// <summary>
/// A node's event stream with ids and times taken out, to compare a simulated virtual queue flow with the two-node
/// captures: each event as its name (CEL with its EventName, Cdr with disposition and last application) and its
/// channel, the servers' names as roles (pbx-a = node 1, pbx-b = node 2) and IAX2 call numbers dropped.
/// </summary>
internal static partial class QueueFlowShape
{
    [GeneratedRegex(@"(IAX2/[a-z0-9-]+?)-\d+$")]
    private static partial Regex TrunkLeg();

    public static List<string> Of(IEnumerable<AmiMessage> messages) =>
        messages.Where(m => m.IsEvent && m.EventName is not ("FullyBooted" or "SuccessfulAuth" or "Shutdown"))
            .Select(Describe).ToList();

    public static string Describe(AmiMessage m)
    {
        var name = m.EventName switch
        {
            "CEL" => $"CEL {m["EventName"]}",
            "Cdr" => $"Cdr {m["Disposition"]} {m["LastApplication"]}",
            "DeviceStateChange" => $"DeviceStateChange {Roles(m["Device"])} {m["State"]}",
            "Newexten" => $"Newexten {m["Context"]},{m["Exten"]},{m["Priority"]}",
            "UserEvent" => $"UserEvent {m["UserEvent"]}",
            "DialEnd" or "DialState" => $"{m.EventName} {m["DialStatus"]}",
            _ => m.EventName!,
        };
        var channel = m["Channel"] ?? m["DestChannel"] ?? "";
        return Roles($"{name} {LocalNumber().Replace(TrunkLeg().Replace(Roles(channel), "$1"), "-L;")}".TrimEnd());
    }

    [GeneratedRegex(@"-[0-9a-f]{8};")]
    private static partial Regex LocalNumber();

    private static string Roles(string? text) => (text ?? "").Replace("asterisk-1", "pbx-a").Replace("asterisk-2", "pbx-b");

    /// <summary>The shape from the first event on (the order of a channel's first CEL and Newchannel varies between
    /// Asterisk runs, so flows whose start was captured in another run compare from a later event).</summary>
    public static List<string> From(IEnumerable<AmiMessage> messages, string first) =>
        Of(messages).SkipWhile(e => e != first).ToList();
}
