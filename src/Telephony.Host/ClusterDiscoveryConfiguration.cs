using Microsoft.Extensions.Configuration;
using Telephony.Actors.Hosting.Kubernetes;

namespace Telephony.Host;

/// <summary>
/// How a member finds the others: <c>Telephony:Cluster:Discovery</c> = <c>seeds</c> (the default: the static
/// <c>Telephony:Cluster:Seeds</c> list) or <c>kubernetes</c> (cluster bootstrap over the Kubernetes API, configured by
/// <c>Telephony:Cluster:Kubernetes:*</c>; see docker/k8s and the README's "Kubernetes").
/// </summary>
public static class ClusterDiscoveryConfiguration
{
    public const string DiscoveryKey = "Telephony:Cluster:Discovery";
    public const string KubernetesKey = "Telephony:Cluster:Kubernetes";

    /// <param name="cluster">The <c>Telephony:Cluster</c> section.</param>
    /// <param name="seeds">The seeds read from it.</param>
    /// <param name="hostname">This member's remoting host name.</param>
    /// <returns>Null for static seeds.</returns>
    public static KubernetesBootstrap? Read(IConfigurationSection cluster, IReadOnlyList<string> seeds, string hostname)
    {
        var method = cluster["Discovery"] is { Length: > 0 } m ? m.Trim() : "seeds";
        if (string.Equals(method, "seeds", StringComparison.OrdinalIgnoreCase)) return null;
        if (!string.Equals(method, "kubernetes", StringComparison.OrdinalIgnoreCase))
            throw new ConfigurationError(DiscoveryKey, $"unknown discovery method '{method}': use seeds (the default) or kubernetes");

        var kubernetes = cluster.GetSection("Kubernetes");
        if (kubernetes["PodLabelSelector"] is not { Length: > 0 } selector || string.IsNullOrWhiteSpace(selector))
            throw new ConfigurationError($"{KubernetesKey}:PodLabelSelector",
                "required with Telephony:Cluster:Discovery=kubernetes: the labels of every member's pod, e.g. app.kubernetes.io/name=telephony " +
                "(environment: TELEPHONY__CLUSTER__KUBERNETES__PODLABELSELECTOR)");
        if (seeds.Count > 0)
            throw new ConfigurationError("Telephony:Cluster:Seeds:0",
                "not used with Telephony:Cluster:Discovery=kubernetes (members are found through the Kubernetes API): remove the seeds");
        // The Kubernetes API lists pods by IP: a member finds itself among them, and is probed, at that address.
        if (!System.Net.IPAddress.TryParse(hostname, out var ip) || System.Net.IPAddress.IsLoopback(ip))
            throw new ConfigurationError("Telephony:Cluster:Hostname",
                $"'{hostname}' is not the pod's IP address, which Telephony:Cluster:Discovery=kubernetes needs " +
                "(set TELEPHONY__CLUSTER__HOSTNAME from the field status.podIP)");
        var portName = kubernetes["PortName"] is { Length: > 0 } p ? p.Trim() : "bootstrap";
        if (!IsPortName(portName))
            throw new ConfigurationError($"{KubernetesKey}:PortName",
                $"'{portName}' is not a Kubernetes port name (1-15 lower-case letters, digits and '-', with a letter)");
        return new KubernetesBootstrap(selector.Trim())
        {
            PortName = portName,
            BootstrapPort = Number(kubernetes, "BootstrapPort", 8558, 1, 65535),
            RequiredContactPoints = Number(kubernetes, "RequiredContactPoints", 2, 1, 1000),
            Namespace = kubernetes["Namespace"] is { Length: > 0 } ns ? ns.Trim() : null,
        };
    }

    private static int Number(IConfiguration section, string name, int fallback, int min, int max) =>
        section[name] is not { Length: > 0 } v ? fallback
        : int.TryParse(v, out var i) && i >= min && i <= max ? i
        : throw new ConfigurationError($"{KubernetesKey}:{name}", $"'{v}' is not a whole number from {min} to {max}");

    private static bool IsPortName(string name) =>
        name.Length is >= 1 and <= 15 && name.All(c => c is >= 'a' and <= 'z' or >= '0' and <= '9' or '-')
        && name.Any(char.IsLetter) && name[0] != '-' && name[^1] != '-' && !name.Contains("--");
}
