namespace Telephony.Actors.Nodes;

/// <summary>
/// How Asterisk regions map onto the cluster. Each region R that a configured node names is its own shard region
/// <c>asterisk-node-R</c>, hosted only by members carrying the role <c>region-R</c> (the others reach it through a
/// proxy), so an AMI connection never leaves its region. Nodes without a region share <c>asterisk-node</c>, hosted by
/// members with the AMI role when one is configured, else by any member. Calls, queues and projections are not
/// region-bound.
/// </summary>
public static class NodeRegions
{
    /// <summary>The region of nodes configured without one.</summary>
    public const string Default = "";

    public const string RolePrefix = "region-";

    /// <summary>The shard type name of a region's node entities.</summary>
    public static string TypeName(string region) => region == Default ? "asterisk-node" : "asterisk-node-" + region;

    /// <summary>The role a member needs to own the AMI connections of a region (null: any member).</summary>
    public static string? Role(string region, string? amiRole) => region == Default ? amiRole : RolePrefix + region;

    /// <summary>The region of a configured node.</summary>
    public static string Of(AsteriskNodeSettings node) => node.Region ?? Default;

    /// <summary>Region names become roles and actor names: letters, digits, '-' and '_' only.</summary>
    public static bool IsValidName(string region) =>
        region.Length > 0 && region.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}
