using System.Text.RegularExpressions;

namespace Telephony.Domain.Billing.Interpretation;

/// <summary>What a channel name says: <c>Local/answer@test-00000000;1</c> is the first half of a Local channel pair
/// whose other half is <c>...;2</c>; <c>SIP/alice-0000000a</c> is interface <c>SIP/alice</c>, call sequence 0000000a.</summary>
public static partial class ChannelName
{
    public static bool IsLocal(string name) => name.StartsWith("Local/", StringComparison.OrdinalIgnoreCase);

    /// <summary>1 or 2 for a Local half, else 0.</summary>
    public static int LocalHalf(string name)
    {
        if (!IsLocal(name) || name.Length < 2 || name[^2] != ';') return 0;
        return name[^1] switch { '1' => 1, '2' => 2, _ => 0 };
    }

    /// <summary>The other half of a Local channel (<c>;1</c> ↔ <c>;2</c>), or null for any other channel.</summary>
    public static string? LocalTwin(string name) => LocalHalf(name) switch
    {
        1 => name[..^1] + "2",
        2 => name[..^1] + "1",
        _ => null,
    };

    /// <summary>The device or Local target without the per-call sequence: <c>Local/agent1@agents-00000005;1</c> →
    /// <c>Local/agent1@agents</c>, <c>PJSIP/100-0000002a</c> → <c>PJSIP/100</c>. Names without a sequence are
    /// returned unchanged.</summary>
    public static string Interface(string name)
    {
        var s = name;
        if (LocalHalf(s) != 0) s = s[..^2];
        return SequenceSuffix().Replace(s, "");
    }

    [GeneratedRegex("-[0-9a-fA-F]{8}$")]
    private static partial Regex SequenceSuffix();
}
