using Akka.Actor;
using Akka.Discovery.KubernetesApi;
using Akka.Hosting;
using Akka.Management;
using Akka.Management.Cluster.Bootstrap;
using Akka.Management.Dsl;

namespace Telephony.Actors.Hosting.Kubernetes;

/// <summary>Wires <see cref="KubernetesBootstrap"/>: the Kubernetes API as the discovery method
/// (<see cref="KubernetesPodDiscovery"/> under Akka.Discovery.KubernetesApi's settings), cluster bootstrap, and its
/// contact point (<see cref="BootstrapContactPoint"/>, in place of Akka.Management's HTTP server), all started with the
/// actor system.</summary>
public static class KubernetesBootstrapHosting
{
    /// <param name="hostname">This member's remoting address (the pod's IP): also the contact point it serves and
    /// advertises, which must be the address the Kubernetes API lists for its pod.</param>
    public static AkkaConfigurationBuilder WithKubernetesBootstrap(this AkkaConfigurationBuilder builder, string hostname,
        KubernetesBootstrap kubernetes)
    {
        // Akka.Management's settings only (autoStart: false): bootstrap reads its host name and port; its HTTP server
        // does not start on the Ceen.Httpd served here (see BootstrapContactPoint).
        builder.WithAkkaManagement(new AkkaManagementOptions { HostName = hostname, Port = kubernetes.BootstrapPort }, autoStart: false);
        builder.WithClusterBootstrap(bootstrap =>
        {
            bootstrap.ContactPointDiscovery.ServiceName = kubernetes.ServiceName;
            bootstrap.ContactPointDiscovery.PortName = kubernetes.PortName;
            bootstrap.ContactPointDiscovery.RequiredContactPointsNr = kubernetes.RequiredContactPoints;
            bootstrap.JoinDecider.Class = typeof(LeaseGuardedJoinDecider);
        }, autoStart: false);
        builder.WithKubernetesDiscovery(discovery =>
        {
            discovery.PodLabelSelector = kubernetes.PodLabelSelector;
            if (kubernetes.Namespace is { } ns) discovery.PodNamespace = ns;
        });
        // Its settings, with the lookup that works with the KubernetesClient served here (see KubernetesPodDiscovery).
        builder.AddHocon($"akka.discovery.kubernetes-api.class = \"{typeof(KubernetesPodDiscovery).AssemblyQualifiedName}\"", HoconAddMode.Prepend);
        builder.AddStartup(async (system, _) =>
        {
            var bootstrap = ClusterBootstrap.Get(system);
            var settings = ClusterBootstrapSettings.Create(system.Settings.Config, system.Log);
            var contactPoint = BootstrapContactPoint.Start(system, hostname, kubernetes.BootstrapPort, settings.ContactPoint.MaxSeedNodesToExpose);
            CoordinatedShutdown.Get(system).AddTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate, "bootstrap-contact-point", async () =>
            {
                await contactPoint.DisposeAsync();
                return Akka.Done.Instance;
            });
            // What Akka.Management does when it binds: tells bootstrap the contact point it serves (the routes it
            // returns are Akka.Http.Shim's, unused here).
            var self = new UriBuilder(Uri.UriSchemeHttp, hostname, kubernetes.BootstrapPort).Uri;
            bootstrap.Routes(ManagementRouteProviderSettings.Create(self, readOnly: true));
            await bootstrap.Start();
        });
        return builder;
    }
}
