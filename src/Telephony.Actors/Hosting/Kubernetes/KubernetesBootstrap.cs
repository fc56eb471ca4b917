namespace Telephony.Actors.Hosting.Kubernetes;

/// <summary>
/// Cluster formation inside Kubernetes: each member lists the pods matching <see cref="PodLabelSelector"/> through the
/// Kubernetes API (Akka.Discovery.KubernetesApi), asks each of them over HTTP (<see cref="BootstrapContactPoint"/>)
/// which cluster it is in (Akka.Management's cluster bootstrap), joins that cluster, or, when none is running, lets
/// the pod with the lowest address form one — through the formation lease when the journal has one
/// (<see cref="LeaseGuardedJoinDecider"/>).
/// </summary>
/// <param name="PodLabelSelector">The label selector of every member's pod, across all regions
/// (e.g. <c>app.kubernetes.io/name=telephony</c>).</param>
public sealed record KubernetesBootstrap(string PodLabelSelector)
{
    /// <summary>The name of the contact point's container port in the pod spec (<see cref="BootstrapPort"/>).</summary>
    public string PortName { get; init; } = "bootstrap";

    /// <summary>The cluster bootstrap's contact point port (<see cref="BootstrapContactPoint"/>: read-only, no token),
    /// on this member's address.</summary>
    public int BootstrapPort { get; init; } = 8558;

    /// <summary>Pods that must be found and answer before the first cluster is formed: the number of members the
    /// manifests start (all regions together), so that a partial roll-out cannot form a cluster of its own.</summary>
    public int RequiredContactPoints { get; init; } = 2;

    /// <summary>The pods' namespace; null: the pod's own (read from its service account).</summary>
    public string? Namespace { get; init; }

    /// <summary>The name bootstrap looks up (only substituted for <c>{0}</c> in <see cref="PodLabelSelector"/>).</summary>
    public string ServiceName { get; init; } = TelephonyOptions.ActorSystemName;
}
