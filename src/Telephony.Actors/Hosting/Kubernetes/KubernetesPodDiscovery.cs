using Akka.Actor;
using Akka.Configuration;
using Akka.Discovery;
using Akka.Discovery.KubernetesApi;
using Akka.Event;
using k8s;

namespace Telephony.Actors.Hosting.Kubernetes;

/// <summary>
/// The lookup of Akka.Discovery.KubernetesApi (the <c>kubernetes-api</c> discovery method and its settings:
/// <c>pod-label-selector</c>, <c>pod-namespace</c> or the pod's own namespace), made with the KubernetesClient served
/// here. Akka.Discovery.KubernetesApi 1.5.73 was built against KubernetesClient 17 and calls a V1PodList constructor
/// that 19.0.2, the oldest version the registry serves, no longer has: every lookup of its own failed with a
/// MissingMethodException. This lists the pods with the in-cluster credentials (the service account's token and CA,
/// KUBERNETES_SERVICE_HOST/PORT) and answers with <see cref="KubernetesPods.Targets"/>.
/// </summary>
public sealed class KubernetesPodDiscovery : ServiceDiscovery
{
    private readonly KubernetesDiscoverySettings _settings;
    private readonly ILoggingAdapter _log;
    private IKubernetes? _client;

    public KubernetesPodDiscovery(ExtendedActorSystem system)
        : this(system, system.Settings.Config.GetConfig("akka.discovery.kubernetes-api"))
    {
    }

    public KubernetesPodDiscovery(ExtendedActorSystem system, Config config)
    {
        _settings = KubernetesDiscoverySettings.Create(config);
        _log = Logging.GetLogger(system, typeof(KubernetesPodDiscovery));
    }

    public override async Task<Resolved> Lookup(Lookup lookup, TimeSpan resolveTimeout)
    {
        // Outside a pod (no service account, no KUBERNETES_SERVICE_HOST) this throws: the lookup fails, bootstrap
        // logs it and tries again later.
        _client ??= new k8s.Kubernetes(KubernetesClientConfiguration.InClusterConfig());
        var selector = _settings.PodLabelSelector(lookup.ServiceName);
        var ns = Namespace();
        using var timeout = new CancellationTokenSource(resolveTimeout);
        var pods = await _client.CoreV1.ListNamespacedPodAsync(ns, labelSelector: selector, cancellationToken: timeout.Token);
        var targets = KubernetesPods.Targets(pods, lookup.PortName);
        if (targets.Count == 0)
            _log.Warning("kubernetes discovery: none of the {0} pods matching [{1}] in namespace {2} is running with a port named [{3}]",
                pods.Items?.Count ?? 0, selector, ns, lookup.PortName);
        return new Resolved(lookup.ServiceName, targets);
    }

    /// <summary>The configured namespace, else the pod's own (its service account's namespace file).</summary>
    private string Namespace() =>
        _settings.PodNamespace is { Length: > 0 } configured ? configured
        : File.Exists(_settings.PodNamespacePath) ? File.ReadAllText(_settings.PodNamespacePath).Trim()
        : throw new InvalidOperationException(
            $"no pod namespace: set Telephony:Cluster:Kubernetes:Namespace, or run in a pod ({_settings.PodNamespacePath} is missing)");
}
