using System.Globalization;
using Microsoft.Extensions.Configuration;
using Telephony.Actors.Queues;
using Telephony.Domain.Queues;
using Telephony.Domain.Queues.Agents;
using Telephony.Domain.Queues.Strategies;

namespace Telephony.Host.Queues;

/// <summary>
/// Reads <c>Telephony:Queues:&lt;name&gt;:*</c> and <c>Telephony:Agents:&lt;id&gt;:*</c> (appsettings or environment:
/// <c>Telephony__Queues__sales__Strategy=longest-idle</c>). Times are seconds. One bad value stops the service at
/// start with a <see cref="ConfigurationError"/> naming the key.
/// </summary>
public static class QueueConfiguration
{
    public static QueueDirectory Read(IConfigurationSection telephony, IReadOnlyCollection<string> nodes)
    {
        var queues = telephony.GetSection("Queues").GetChildren().Select(ReadQueue).ToList();
        var agents = telephony.GetSection("Agents").GetChildren().Select(a => ReadAgent(a, nodes)).ToList();
        var directory = new QueueDirectory(queues, agents);
        if (directory.Validate() is { Count: > 0 } errors)
        {
            var first = errors[0];
            var colon = first.IndexOf(": ", StringComparison.Ordinal);
            throw new ConfigurationError("Telephony:" + (colon > 0 ? first[..colon] : first), colon > 0 ? first[(colon + 2)..] : "invalid");
        }
        return directory;
    }

    private static QueueSettings ReadQueue(IConfigurationSection q)
    {
        var key = $"Telephony:Queues:{q.Key}";
        var defaults = new QueueSettings { Name = q.Key };
        var strategy = defaults.Strategy;
        if (q["Strategy"] is { Length: > 0 } s && !AgentChooser.TryParse(s, out strategy))
            throw new ConfigurationError($"{key}:Strategy", $"unknown strategy '{s}': use ringall, leastrecent (longest-idle), fewestcalls, rrmemory (round-robin), linear, random, wrandom or least-talk-time");
        return defaults with
        {
            Strategy = strategy,
            RingTimeout = Seconds(q, "RingTimeout", key) ?? defaults.RingTimeout,
            MaxWait = Seconds(q, "MaxWait", key),
            OnTimeout = Exit(q.GetSection("OnTimeout"), $"{key}:OnTimeout"),
            MaxLength = Int(q, "MaxLength", key) ?? 0,
            RefuseJoinWhen = Emptiness(q, "RefuseJoinWhen", key),
            LeaveWhen = Emptiness(q, "LeaveWhen", key),
            OnEmpty = Exit(q.GetSection("OnEmpty"), $"{key}:OnEmpty"),
            WrapUp = Seconds(q, "WrapUp", key) ?? TimeSpan.Zero,
            ServiceLevel = Seconds(q, "ServiceLevel", key) ?? defaults.ServiceLevel,
            Weight = Int(q, "Weight", key) ?? 0,
            Connect = (q["Connect"] ?? "redirect").ToLowerInvariant() switch
            {
                "redirect" => ConnectMode.Redirect,
                "originate-bridge" or "originatebridge" => ConnectMode.OriginateBridge,
                var other => throw new ConfigurationError($"{key}:Connect", $"unknown connect mode '{other}': use redirect or originate-bridge"),
            },
            ConnectContext = q["ConnectContext"] is { Length: > 0 } c ? c : defaults.ConnectContext,
            ReservationMargin = Seconds(q, "ReservationMargin", key) ?? defaults.ReservationMargin,
            DayTimeZone = q["DayTimeZone"] is { Length: > 0 } zone ? Zone(zone, $"{key}:DayTimeZone") : defaults.DayTimeZone,
        };
    }

    private static TimeZoneInfo Zone(string id, string key)
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(id);
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            throw new ConfigurationError(key, $"unknown time zone '{id}' (an IANA id such as Europe/Paris)");
        }
    }

    private static AgentSettings ReadAgent(IConfigurationSection a, IReadOnlyCollection<string> nodes)
    {
        var key = $"Telephony:Agents:{a.Key}";
        var node = a["Node"] is { Length: > 0 } n ? n : throw new ConfigurationError($"{key}:Node", "required: the Asterisk node the agent's phone is on");
        if (nodes.Count > 0 && !nodes.Contains(node))
            throw new ConfigurationError($"{key}:Node", $"'{node}' is not a configured node ({string.Join(", ", nodes)})");
        var extension = a["Extension"] is { Length: > 0 } e ? e
            : throw new ConfigurationError($"{key}:Extension", "required: the connect context's extension that dials this agent");
        var queues = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var part in (a["Queues"] ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var pieces = part.Split(':', 2);
            var penalty = 0;
            if (pieces.Length == 2 && !int.TryParse(pieces[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out penalty))
                throw new ConfigurationError($"{key}:Queues", $"'{part}' is not queue[:penalty]");
            queues[pieces[0]] = penalty;
        }
        var defaults = new AgentSettings { Id = a.Key, Route = new AgentRoute(node, extension) };
        return defaults with
        {
            Name = a["Name"],
            Device = a["Device"] is { Length: > 0 } device ? device : null,
            Route = new AgentRoute(node, extension, a["Channel"] is { Length: > 0 } ch ? ch : null),
            Queues = queues,
            NoAnswerDelay = Seconds(a, "NoAnswerDelay", key) ?? defaults.NoAnswerDelay,
            BusyDelay = Seconds(a, "BusyDelay", key) ?? defaults.BusyDelay,
            RejectDelay = Seconds(a, "RejectDelay", key) ?? defaults.RejectDelay,
            AutoPauseAfter = Int(a, "AutoPauseAfter", key) ?? defaults.AutoPauseAfter,
            AutoPauseOnBusy = Bool(a, "AutoPauseOnBusy", key) ?? defaults.AutoPauseOnBusy,
            LoggedInAtStart = Bool(a, "LoggedIn", key) ?? false,
        };
    }

    private static bool? Bool(IConfigurationSection s, string name, string key) => s[name] is { Length: > 0 } v
        ? bool.TryParse(v, out var b) ? b : throw new ConfigurationError($"{key}:{name}", $"'{v}' is not true or false")
        : null;

    private static QueueExit? Exit(IConfigurationSection s, string key)
    {
        if (!s.Exists()) return null;
        var priority = Int(s, "Priority", key) ?? 1;
        return new QueueExit(s["Queue"] is { Length: > 0 } q ? q : null, s["Context"], s["Exten"], priority);
    }

    private static QueueEmptiness Emptiness(IConfigurationSection s, string name, string key)
    {
        var result = QueueEmptiness.None;
        foreach (var part in (s[name] ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            result |= part.ToLowerInvariant() switch
            {
                "none" or "never" => QueueEmptiness.None,
                "no-agents" or "noagents" => QueueEmptiness.NoAgents,
                "none-available" or "noneavailable" or "paused" => QueueEmptiness.NoneAvailable,
                _ => throw new ConfigurationError($"{key}:{name}", $"'{part}' is not none, no-agents or none-available"),
            };
        return result;
    }

    private static TimeSpan? Seconds(IConfiguration c, string name, string key) =>
        c[name] is not { Length: > 0 } v ? null
        : double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var s) && s >= 0 && s < 1e7 ? TimeSpan.FromSeconds(s)
        : throw new ConfigurationError($"{key}:{name}", $"'{v}' is not a number of seconds");

    private static int? Int(IConfiguration c, string name, string key) =>
        c[name] is not { Length: > 0 } v ? null
        : int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) ? i
        : throw new ConfigurationError($"{key}:{name}", $"'{v}' is not a whole number");
}
