using Telephony.Ami.Client;

namespace Telephony.Actors.Nodes;

/// <summary>One configured Asterisk server. The secret comes from the environment, never from a committed file.</summary>
public sealed record AsteriskNodeSettings
{
    /// <summary>The node's name: its entity id, part of every call id, shown by <c>pbm node list</c>.</summary>
    public required string Name { get; init; }
    public required string Host { get; init; }
    public int Port { get; init; } = 5038;
    public required string Username { get; init; }
    public required string Secret { get; init; }
    public AmiAuthType AuthType { get; init; } = AmiAuthType.Md5;
    public bool UseTls { get; init; }
    /// <summary>Classes to receive: CEL and Cdr come under <c>call</c> and <c>cdr</c>; <c>system</c> brings Shutdown and
    /// FullyBooted.</summary>
    public string EventMask { get; init; } = "call,cdr,system,agent,user";
    /// <summary>Asterisk's local zone: Cdr and CEL times carry none.</summary>
    public TimeZoneInfo TimeZone { get; init; } = TimeZoneInfo.Utc;
    /// <summary>Events buffered between the AMI socket and the journal (minutes of peak traffic).</summary>
    public int EventBufferCapacity { get; init; } = 200_000;
    /// <summary>The region whose members may own this node's AMI connection (null: any member).</summary>
    public string? Region { get; init; }

    /// <summary>Idle time before the client pings Asterisk to detect a dead peer (zero: never; null: the client's default).</summary>
    public TimeSpan? KeepAliveInterval { get; init; }

    public AmiClientOptions ToClientOptions()
    {
        var options = new AmiClientOptions
        {
            Host = Host,
            Port = Port,
            Username = Username,
            Secret = Secret,
            AuthType = AuthType,
            UseTls = UseTls,
            EventMask = EventMask,
            EventBufferCapacity = EventBufferCapacity,
            ActionIdPrefix = Name + "-",
        };
        return KeepAliveInterval is { } keepAlive ? options with { KeepAliveInterval = keepAlive } : options;
    }
}

/// <summary>The configured nodes, looked up by name.</summary>
public sealed class AsteriskNodeDirectory(IEnumerable<AsteriskNodeSettings> nodes)
{
    private readonly Dictionary<string, AsteriskNodeSettings> _byName =
        nodes.ToDictionary(n => n.Name, StringComparer.Ordinal);

    public IReadOnlyCollection<AsteriskNodeSettings> All => _byName.Values;

    public AsteriskNodeSettings? Find(string name) => _byName.GetValueOrDefault(name);

    public TimeZoneInfo TimeZoneOf(string name) => Find(name)?.TimeZone ?? TimeZoneInfo.Utc;
}
