namespace Telephony.Domain.Actions;

/// <summary>What the queue must know about an AMI action by its name: may it be sent twice, does it create a call,
/// which headers name live channels, how urgent it is by default.</summary>
public static class ActionKinds
{
    /// <summary>Read-only or idempotent: resent after a lost response instead of being reconciled.</summary>
    private static readonly HashSet<string> Idempotent = new(StringComparer.OrdinalIgnoreCase)
    {
        "Ping", "Status", "Getvar", "Setvar", "QueueStatus", "QueueSummary", "CoreShowChannels", "CoreStatus",
        "CoreSettings", "ExtensionState", "DeviceStateList", "SIPpeers", "SIPshowpeer", "PJSIPShowEndpoints",
        "ListCommands", "QueuePause",
    };

    /// <summary>Headers that name a channel the action works on (checked against channels the node saw end).</summary>
    private static readonly Dictionary<string, string[]> ChannelHeaderTable = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Redirect"] = ["Channel", "ExtraChannel"],
        ["Hangup"] = ["Channel"],
        ["Bridge"] = ["Channel1", "Channel2"],
        ["Setvar"] = ["Channel"],
        ["Atxfer"] = ["Channel"],
        ["BlindTransfer"] = ["Channel"],
        ["Park"] = ["Channel", "TimeoutChannel"],
        ["PlayDTMF"] = ["Channel"],
        ["Getvar"] = ["Channel"],
    };

    public static bool IsIdempotent(string action) => Idempotent.Contains(action);

    /// <summary>Originate: correlated by its pre-assigned ChannelId, limited by the originates-in-progress cap.</summary>
    public static bool CreatesCall(string action) => action.Equals("Originate", StringComparison.OrdinalIgnoreCase);

    public static IReadOnlyList<string> ChannelHeaders(string action) =>
        ChannelHeaderTable.TryGetValue(action, out var headers) ? headers : [];

    /// <summary>0 goes first. A Hangup goes before call control, which goes before queries, which go before a batch
    /// of dialer Originates.</summary>
    public static int DefaultPriority(string action) => action.ToLowerInvariant() switch
    {
        "hangup" => 1,
        "redirect" or "bridge" or "atxfer" or "blindtransfer" or "park" or "playdtmf" or "setvar" => 3,
        "originate" => 6,
        _ => 4,
    };
}
