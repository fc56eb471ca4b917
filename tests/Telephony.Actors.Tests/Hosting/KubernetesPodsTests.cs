using k8s;
using k8s.Models;
using Telephony.Actors.Hosting.Kubernetes;

namespace Telephony.Actors.Tests.Hosting;

/// <summary>Given the pods the Kubernetes API lists for the members' label selector (a fixture in the API's own JSON),
/// the contact points are the running pods, at their IP and their port named like bootstrap's port name.</summary>
public class KubernetesPodsTests
{
    private static V1PodList Pods() =>
        KubernetesJson.Deserialize<V1PodList>(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "fixtures", "kubernetes", "pod-list.json")));

    [Fact]
    public void The_running_pods_with_the_named_port_are_the_contact_points()
    {
        var targets = KubernetesPods.Targets(Pods(), "bootstrap");

        // Not the pending pod (no IP yet), not the one being deleted, not the pod without a bootstrap port.
        Assert.Equal(["10.42.0.17:8558", "10.42.1.9:8558"], targets.Select(t => $"{t.Host}:{t.Port}"));
        Assert.All(targets, t => Assert.Equal(t.Host, t.Address?.ToString()));
    }

    [Fact]
    public void A_port_name_no_pod_has_finds_nothing_and_no_port_name_finds_every_running_pod_without_a_port()
    {
        Assert.Empty(KubernetesPods.Targets(Pods(), "akka-mgmt"));

        var any = KubernetesPods.Targets(Pods(), null);
        Assert.Equal(["10.42.0.17", "10.42.1.9", "10.42.2.3"], any.Select(t => t.Host));
        Assert.All(any, t => Assert.Null(t.Port));
    }
}
