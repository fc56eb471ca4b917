using Akka.Discovery.KubernetesApi;
using Akka.Hosting;
using Akka.Management;
using Akka.Management.Cluster.Bootstrap;

namespace Telephony.Actors.Hosting;

/// <summary>Wires <see cref="KubernetesBootstrap"/>: Akka.Management's HTTP (the contact point other pods probe),
/// cluster bootstrap started with the actor system, and the Kubernetes API as its discovery method.</summary>
public static class KubernetesBootstrapHosting
{
    /// <param name="hostname">This member's remoting host name (the pod's IP): also the contact point it advertises,
    /// which must be the address the Kubernetes API lists for its pod.</param>
    public static AkkaConfigurationBuilder WithKubernetesBootstrap(this AkkaConfigurationBuilder builder, string hostname,
        KubernetesBootstrap kubernetes)
    {
        builder.WithAkkaManagement(new AkkaManagementOptions
        {
            HostName = hostname,
            Port = kubernetes.BootstrapPort,
            BindHostName = "0.0.0.0",
            BindPort = kubernetes.BootstrapPort,
        });
        // autoStart also starts Akka.Management: bootstrap serves its seed nodes there.
        builder.WithClusterBootstrap(bootstrap =>
        {
            bootstrap.ContactPointDiscovery.ServiceName = kubernetes.ServiceName;
            bootstrap.ContactPointDiscovery.PortName = kubernetes.PortName;
            bootstrap.ContactPointDiscovery.RequiredContactPointsNr = kubernetes.RequiredContactPoints;
            bootstrap.JoinDecider.Class = typeof(LeaseGuardedJoinDecider);
        }, autoStart: true);
        builder.WithKubernetesDiscovery(discovery =>
        {
            discovery.PodLabelSelector = kubernetes.PodLabelSelector;
            if (kubernetes.Namespace is { } ns) discovery.PodNamespace = ns;
        });
        return builder;
    }
}
