using System.Net;
using Akka.Discovery;
using k8s.Models;

namespace Telephony.Actors.Hosting.Kubernetes;

/// <summary>Which of the pods the Kubernetes API lists are contact points, and where.</summary>
public static class KubernetesPods
{
    /// <summary>
    /// The pods that are running, not being deleted and have an IP, at that IP and at the container port named
    /// <paramref name="portName"/> (a pod without that port is left out; no port name: any pod, no port). A pod that
    /// is starting or stopping is no contact point: bootstrap would wait for its answer, or join through a member
    /// that is leaving.
    /// </summary>
    public static IReadOnlyList<ServiceDiscovery.ResolvedTarget> Targets(V1PodList pods, string? portName)
    {
        var targets = new List<ServiceDiscovery.ResolvedTarget>();
        foreach (var pod in pods.Items ?? [])
        {
            if (pod.Metadata?.DeletionTimestamp is not null) continue;
            if (!string.Equals(pod.Status?.Phase, "Running", StringComparison.OrdinalIgnoreCase)) continue;
            if (!IPAddress.TryParse(pod.Status?.PodIP, out var ip)) continue;
            int? port = null;
            if (!string.IsNullOrEmpty(portName))
            {
                var named = (pod.Spec?.Containers ?? []).SelectMany(c => c.Ports ?? []).FirstOrDefault(p => p.Name == portName);
                if (named is null) continue;
                port = named.ContainerPort;
            }
            targets.Add(new ServiceDiscovery.ResolvedTarget(ip.ToString(), port, ip));
        }
        return targets;
    }
}
