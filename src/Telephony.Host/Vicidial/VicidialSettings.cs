using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Telephony.Host.Vicidial;

/// <summary>
/// Configuration <c>Telephony:Vicidial</c>. The adapter runs only when <c>ConnectionString</c> is set. Each Asterisk
/// server VICIdial knows by IP is mapped to a node: <c>Telephony:Vicidial:Servers:10.0.0.5 = pbx1</c>, or, where a key
/// cannot hold dots (environment variables), <c>Servers:0:ServerIp = 10.0.0.5</c> with <c>Servers:0:Node = pbx1</c>.
/// Rows for servers not listed are left alone (VICIdial's own sender may still serve them).
/// </summary>
public sealed record VicidialSettings
{
    public required string ConnectionString { get; init; }

    /// <summary>server_ip -> node name.</summary>
    public required IReadOnlyDictionary<string, string> Servers { get; init; }

    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Most NEW rows taken in one poll.</summary>
    public int BatchSize { get; init; } = 100;

    /// <summary>How long the node's queue may take to accept a row before it is tried again (same idempotency key).</summary>
    public TimeSpan SubmitTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long to wait before writing a row again after the database refused a write.</summary>
    public TimeSpan RetryInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <returns>null when <c>ConnectionString</c> is not set (no adapter).</returns>
    public static VicidialSettings? From(IConfigurationSection section, IReadOnlyCollection<string> nodeNames)
    {
        const string key = "Telephony:Vicidial";
        if (section[nameof(ConnectionString)] is not { Length: > 0 } connectionString) return null;
        var servers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var child in section.GetSection(nameof(Servers)).GetChildren())
        {
            var (ip, node, where) = child.Value is { } value
                ? (child.Key, value, $"{key}:Servers:{child.Key}")
                : (child["ServerIp"] ?? "", child["Node"] ?? "", $"{key}:Servers:{child.Key}");
            if (string.IsNullOrWhiteSpace(ip) || string.IsNullOrWhiteSpace(node))
                throw new ConfigurationError(where, "give the server's IP and its node (Servers:<ip> = <node>, or Servers:N:ServerIp and Servers:N:Node)");
            if (nodeNames.Count > 0 && !nodeNames.Contains(node))
                throw new ConfigurationError(where, $"'{node}' is not a configured node (Telephony:Nodes:N:Name)");
            if (!servers.TryAdd(ip.Trim(), node.Trim()))
                throw new ConfigurationError(where, $"server {ip} is mapped twice");
        }
        if (servers.Count == 0)
            throw new ConfigurationError($"{key}:Servers", "map at least one VICIdial server_ip to a node (e.g. Telephony:Vicidial:Servers:10.0.0.5 = pbx1)");
        return new VicidialSettings
        {
            ConnectionString = connectionString,
            Servers = servers,
            PollInterval = Duration(section, "PollInterval", TimeSpan.FromSeconds(1)),
            BatchSize = section["BatchSize"] is not { Length: > 0 } batch ? 100
                : int.TryParse(batch, NumberStyles.None, CultureInfo.InvariantCulture, out var b) && b > 0 ? b
                : throw new ConfigurationError($"{key}:BatchSize", $"'{batch}' is not a positive whole number"),
            SubmitTimeout = Duration(section, "SubmitTimeout", TimeSpan.FromSeconds(10)),
        };
    }

    private static TimeSpan Duration(IConfigurationSection section, string name, TimeSpan fallback) =>
        section[name] is not { Length: > 0 } v ? fallback
        : TimeSpan.TryParse(v, CultureInfo.InvariantCulture, out var t) && t > TimeSpan.Zero ? t
        : throw new ConfigurationError($"Telephony:Vicidial:{name}", $"'{v}' is not a positive duration (e.g. 00:00:01)");
}
