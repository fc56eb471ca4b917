using Akka.Cluster.Hosting;
using Akka.Hosting;
using Telephony.Actors.Hosting;

namespace Telephony.Host.Vicidial;

public static class VicidialHosting
{
    /// <summary>
    /// Runs the <c>vicidial_manager</c> adapter as one cluster singleton (<c>vicidial-manager</c>) and registers its
    /// proxy under <see cref="VicidialAdapter"/>; does nothing when <paramref name="settings"/> is null (not configured).
    /// One poller for the cluster: the claims already keep two pollers from taking the same row, but only a single
    /// owner can resume the rows in flight after a member dies without two members following the same row.
    /// Call after <c>AddTelephony</c> (it needs the node region).
    /// </summary>
    public static AkkaConfigurationBuilder AddVicidialAdapter(this AkkaConfigurationBuilder builder, VicidialSettings? settings)
    {
        if (settings is null) return builder;
        return builder.WithSingleton<VicidialAdapter>("vicidial-manager",
                (_, registry, _) => VicidialAdapterActor.Props(settings, registry.Get<NodeRegion>()),
                new ClusterSingletonOptions(), createProxyToo: true)
            .WithSingletonWatch("vicidial-manager", null, "Telephony:Vicidial");
    }
}
