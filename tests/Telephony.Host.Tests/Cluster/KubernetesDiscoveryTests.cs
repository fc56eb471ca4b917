using System.Net;
using System.Net.Sockets;
using Akka.Configuration;
using Akka.Hosting;
using Akka.Management.Cluster.Bootstrap.ContactPoint;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Telephony.Actors.Hosting;
using Telephony.Actors.Hosting.Kubernetes;

namespace Telephony.Host.Tests.Cluster;

/// <summary>
/// <c>Telephony:Cluster:Discovery=kubernetes</c> puts cluster bootstrap over the Kubernetes API in place of the seed
/// list: the Akka setup the host builds has no seeds, has the bootstrap and discovery settings it was given and the
/// lease-guarded join decider; the default (seeds) builds what it built before. No Kubernetes runs here: the live test
/// shows that bootstrap's contact point is served and that the member does not form a cluster of its own meanwhile.
/// </summary>
public class KubernetesDiscoveryTests
{
    private static readonly Dictionary<string, string?> Kubernetes = new()
    {
        ["Telephony:Cluster:Discovery"] = "kubernetes",
        ["Telephony:Cluster:Kubernetes:PodLabelSelector"] = "app.kubernetes.io/name=telephony,app.kubernetes.io/component=member",
        ["Telephony:Cluster:Kubernetes:PortName"] = "bootstrap",
        ["Telephony:Cluster:Kubernetes:RequiredContactPoints"] = "3",
        ["Telephony:Cluster:Hostname"] = "10.42.0.17",
        ["Telephony:Cluster:Port"] = "4053",
        ["Telephony:Cluster:AllowPlainText"] = "true",
        ["Telephony:Journal:Provider"] = "mysql",
        // Never opened: building the Akka setup reads no database.
        ["Telephony:Journal:ConnectionString"] = "Server=127.0.0.1;Port=1;Database=telephony",
    };

    [Fact]
    public void With_kubernetes_discovery_the_Akka_setup_has_no_seeds_and_bootstraps_through_the_Kubernetes_API()
    {
        var (config, setups) = AkkaSetupOf(Kubernetes);

        Assert.Empty(config.GetStringList("akka.cluster.seed-nodes"));
        Assert.Equal("kubernetes-api", config.GetString("akka.discovery.method"));
        Assert.Equal(typeof(KubernetesPodDiscovery), Type.GetType(config.GetString("akka.discovery.kubernetes-api.class")));
        Assert.Equal("app.kubernetes.io/name=telephony,app.kubernetes.io/component=member",
            config.GetString("akka.discovery.kubernetes-api.pod-label-selector"));
        var bootstrap = config.GetConfig("akka.management.cluster.bootstrap");
        Assert.Equal("bootstrap", bootstrap.GetString("contact-point-discovery.port-name"));
        Assert.Equal(3, bootstrap.GetInt("contact-point-discovery.required-contact-point-nr"));
        Assert.Equal("akka.discovery", bootstrap.GetString("contact-point-discovery.discovery-method"));
        Assert.Equal(typeof(LeaseGuardedJoinDecider), Type.GetType(bootstrap.GetString("join-decider.class")));
        // The contact point this member advertises is its pod IP, the address the Kubernetes API lists for it.
        Assert.Equal("10.42.0.17", config.GetString("akka.management.http.hostname"));
        Assert.Equal(8558, config.GetInt("akka.management.http.port"));
        // The MariaDB journal has a formation lease: bootstrap forms a new cluster only through it.
        Assert.Contains(setups, s => s is FormationGuardSetup);
    }

    [Fact]
    public void By_default_the_Akka_setup_is_the_seed_list_as_before()
    {
        var seeds = new Dictionary<string, string?>
        {
            ["Telephony:Cluster:Seeds:0"] = "akka.tcp://telephony@127.0.0.1:4053",
            ["Telephony:Cluster:Seeds:1"] = "akka.tcp://telephony@127.0.0.1:4054",
            ["Telephony:Cluster:Port"] = "4053",
        };
        var (config, setups) = AkkaSetupOf(seeds);

        Assert.Equal(["akka.tcp://telephony@127.0.0.1:4053", "akka.tcp://telephony@127.0.0.1:4054"],
            config.GetStringList("akka.cluster.seed-nodes"));
        Assert.False(config.HasPath("akka.management"));
        Assert.False(config.HasPath("akka.discovery.kubernetes-api"));
        Assert.DoesNotContain(setups, s => s is FormationGuardSetup);
        // "seeds" said explicitly is the same.
        var (explicitly, _) = AkkaSetupOf(new Dictionary<string, string?>(seeds) { ["Telephony:Cluster:Discovery"] = "seeds" });
        Assert.Equal(config.Root.ToString(), explicitly.Root.ToString());

        // With a MariaDB journal the seeds go to the formation lease's actor, as before, and not to bootstrap.
        var (leased, leasedSetups) = AkkaSetupOf(new Dictionary<string, string?>(seeds)
        {
            ["Telephony:Journal:Provider"] = "mysql",
            ["Telephony:Journal:ConnectionString"] = "Server=127.0.0.1;Port=1;Database=telephony",
        });
        Assert.Empty(leased.GetStringList("akka.cluster.seed-nodes"));
        Assert.False(leased.HasPath("akka.management"));
        Assert.DoesNotContain(leasedSetups, s => s is FormationGuardSetup);
    }

    [Fact]
    public async Task A_bootstrapping_member_serves_its_contact_point_and_forms_no_cluster_of_its_own()
    {
        var port = FreePort();
        var options = TelephonyHost.OptionsFor(TestJournal.Sqlite()) with { Kubernetes = new KubernetesBootstrap("app=telephony") { BootstrapPort = port } };
        await using var host = await TelephonyHost.StartAsync(options);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var cluster = Akka.Cluster.Cluster.Get(host.System);

        // Bootstrap answers other pods' probes on its contact point, in the JSON its prober reads...
        var answer = await SeedNodesAsync(http, port);
        Assert.Equal(cluster.SelfAddress, answer.SelfNode);
        Assert.Empty(answer.Nodes);
        // ...and, finding no pod through the Kubernetes API (there is none here), joins nothing: a member without seeds
        // would have joined itself within a second.
        await Task.Delay(TimeSpan.FromSeconds(4));
        Assert.Empty(cluster.State.Members);
        Assert.Equal(404, (int)(await http.GetAsync($"http://127.0.0.1:{port}/cluster/members")).StatusCode);

        // Once this member is up, the contact point names it to the pods that probe it.
        // (The contact point reads the cluster's state, which can lag the join's own completion by a gossip round.)
        await cluster.JoinAsync(cluster.SelfAddress);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        var named = await SeedNodesAsync(http, port);
        while (named.Nodes.Count == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
            named = await SeedNodesAsync(http, port);
        }
        var member = Assert.Single(named.Nodes);
        Assert.Equal(cluster.SelfAddress, member.Node);
    }

    [Fact]
    public async Task Two_bootstrapping_members_probe_each_other_and_form_one_cluster()
    {
        // The Kubernetes API's part (listing the pods) played by Akka's config discovery; the rest is the real wiring.
        var ports = new[] { FreePort(), FreePort() };
        var discovery = $$"""
            akka.management.cluster.bootstrap.contact-point-discovery { discovery-method = config, stable-margin = 1s, interval = 500ms }
            akka.management.cluster.bootstrap.contact-point.probe-interval = 1s
            akka.discovery.config.services.telephony.endpoints = ["127.0.0.1:{{ports[0]}}", "127.0.0.1:{{ports[1]}}"]
            """;
        TelephonyOptions Member(int port)
        {
            var options = TelephonyHost.OptionsFor(TestJournal.Sqlite());
            return options with
            {
                Kubernetes = new KubernetesBootstrap("app=telephony") { BootstrapPort = port, RequiredContactPoints = 2 },
                ExtraHocon = options.ExtraHocon + "\n" + discovery,
            };
        }
        await using var first = await TelephonyHost.StartAsync(Member(ports[0]));
        await using var second = await TelephonyHost.StartAsync(Member(ports[1]));

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        var clusters = new[] { Akka.Cluster.Cluster.Get(first.System), Akka.Cluster.Cluster.Get(second.System) };
        while (clusters.Any(c => c.State.Members.Count(m => m.Status == Akka.Cluster.MemberStatus.Up) < 2) && DateTime.UtcNow < deadline)
            await Task.Delay(250);

        Assert.All(clusters, c => Assert.Equal(2, c.State.Members.Count(m => m.Status == Akka.Cluster.MemberStatus.Up)));
        // The lowest contact point formed the cluster (it is the oldest member); the other joined it.
        Assert.Equal(clusters[ports[0] < ports[1] ? 0 : 1].SelfAddress,
            clusters[0].State.Members.OrderBy(m => m, Akka.Cluster.Member.AgeOrdering).First().Address);
    }

    private static async Task<HttpBootstrapJsonProtocol.SeedNodes> SeedNodesAsync(HttpClient http, int port)
    {
        var body = await PollAsync(() => http.GetStringAsync($"http://127.0.0.1:{port}{BootstrapContactPoint.Path}"));
        return Newtonsoft.Json.JsonConvert.DeserializeObject<HttpBootstrapJsonProtocol.SeedNodes>(body)!;
    }

    private static (Config Config, IReadOnlyList<Akka.Actor.Setup.Setup> Setups) AkkaSetupOf(Dictionary<string, string?> values)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var settings = HostSettings.From(configuration, AppContext.BaseDirectory);
        var builder = new AkkaConfigurationBuilder(new ServiceCollection(), Telephony.Actors.Hosting.TelephonyOptions.ActorSystemName);
        builder.AddTelephony(settings.Telephony);
        return (builder.Configuration.Value, builder.Setups.ToList());
    }

    private static int FreePort() => Telephony.Testing.TestPorts.Free();

    private static async Task<string> PollAsync(Func<Task<string>> get)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            try
            {
                return await get();
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(250);
            }
        }
    }
}
