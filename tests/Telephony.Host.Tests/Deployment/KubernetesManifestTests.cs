using Microsoft.Extensions.Configuration;
using YamlDotNet.RepresentationModel;

namespace Telephony.Host.Tests.Deployment;

/// <summary>
/// The manifests in docker/k8s, read as Kubernetes would read them (every YAML document of every file), say what the
/// service needs: members found through the Kubernetes API by a selector that matches their pods, with the right to
/// list pods; probes on the management endpoint's health routes; a preStop that leaves the cluster with the pbm the
/// image ships; secrets only from Secrets; and an environment the host accepts.
/// </summary>
public class KubernetesManifestTests
{
    private static string Folder => Path.Combine(Binaries.RepositoryRoot, "docker", "k8s");

    private static readonly Lazy<IReadOnlyList<(string File, YamlMappingNode Node)>> Documents = new(Load);

    private static IReadOnlyList<(string File, YamlMappingNode Node)> Load()
    {
        var documents = new List<(string, YamlMappingNode)>();
        foreach (var file in Directory.GetFiles(Folder, "*.yaml").Order())
        {
            var yaml = new YamlStream();
            using (var reader = new StreamReader(file)) yaml.Load(reader);
            documents.AddRange(yaml.Documents.Select(d => (Path.GetFileName(file), (YamlMappingNode)d.RootNode)));
        }
        return documents;
    }

    private static IEnumerable<YamlMappingNode> OfKind(string kind) =>
        Documents.Value.Where(d => Text(d.Node, "kind") == kind).Select(d => d.Node);

    private static YamlMappingNode Single(string kind) => Assert.Single(OfKind(kind));

    [Fact]
    public void Every_document_is_a_named_object_without_a_namespace()
    {
        Assert.NotEmpty(Documents.Value);
        foreach (var (file, node) in Documents.Value)
        {
            Assert.False(string.IsNullOrEmpty(Text(node, "apiVersion")), file);
            var metadata = Map(node, "metadata");
            Assert.False(string.IsNullOrEmpty(Text(metadata, "name")), file);
            // Namespace-agnostic: kubectl apply -n <namespace> decides.
            Assert.False(metadata.Children.ContainsKey("namespace"), $"{file}: {Text(metadata, "name")} names a namespace");
        }
    }

    [Fact]
    public void Each_StatefulSet_probes_the_health_routes_and_leaves_the_cluster_before_it_stops()
    {
        var managementPort = new Uri(ConfigMap()["TELEPHONY__MANAGEMENT__URL"]).Port;
        foreach (var set in StatefulSets())
        {
            var container = Container(set);
            Assert.Equal(managementPort, ContainerPort(container, "management"));
            Assert.Equal(("/health/ready", managementPort), Probe(container, "readinessProbe"));
            Assert.Equal(("/health/live", managementPort), Probe(container, "livenessProbe"));
            var preStop = Seq(Map(Map(Map(container, "lifecycle"), "preStop"), "exec"), "command");
            Assert.Equal($"pbm 127.0.0.1:{managementPort} cluster leave", string.Join(' ', preStop));
            // A hand-over takes up to ~20 s, then the member leaves (README, "Restarting a member").
            Assert.True(int.Parse(Text(PodSpec(set), "terminationGracePeriodSeconds")) >= 45, Name(set));
        }
        // pbm is in the image, on the PATH.
        var dockerfile = File.ReadAllText(Path.Combine(Binaries.RepositoryRoot, "docker", "Dockerfile"));
        Assert.Contains("dotnet publish src/Telephony.Cli/Telephony.Cli.csproj -c Release -o /app/pbm", dockerfile);
        Assert.Contains("/app/pbm/Telephony.Cli.dll", dockerfile);
        Assert.Contains("> /usr/local/bin/pbm", dockerfile);
    }

    [Fact]
    public void Discovery_selects_kubernetes_and_its_selector_and_port_find_every_member_pod()
    {
        var config = ConfigMap();
        Assert.Equal("kubernetes", config["TELEPHONY__CLUSTER__DISCOVERY"]);
        var selector = config["TELEPHONY__CLUSTER__KUBERNETES__PODLABELSELECTOR"].Split(',')
            .Select(term => term.Split('=')).ToDictionary(kv => kv[0].Trim(), kv => kv[1].Trim());
        Assert.NotEmpty(selector);
        var sets = StatefulSets();
        foreach (var set in sets)
        {
            var labels = Labels(Map(Map(Map(set, "spec"), "template"), "metadata"));
            Assert.All(selector, term => Assert.Equal(term.Value, labels.GetValueOrDefault(term.Key)));
            Assert.All(Labels(Map(Map(set, "spec"), "selector"), "matchLabels"), l => Assert.Equal(l.Value, labels.GetValueOrDefault(l.Key)));
            Assert.Equal(int.Parse(config["TELEPHONY__CLUSTER__KUBERNETES__BOOTSTRAPPORT"]),
                ContainerPort(Container(set), config["TELEPHONY__CLUSTER__KUBERNETES__PORTNAME"]));
            Assert.Equal(int.Parse(config["TELEPHONY__CLUSTER__PORT"]), ContainerPort(Container(set), "remoting"));
            // No pod waits for another to be ready: none is before the cluster is formed.
            Assert.Equal("Parallel", Text(Map(set, "spec"), "podManagementPolicy"));
            var headless = Assert.Single(OfKind("Service"), s => Name(s) == Text(Map(set, "spec"), "serviceName"));
            Assert.Equal("None", Text(Map(headless, "spec"), "clusterIP"));
            Assert.All(Labels(Map(headless, "spec"), "selector"), l => Assert.Equal(l.Value, labels.GetValueOrDefault(l.Key)));
        }
        // The first cluster forms once that many pods answer: never more than the StatefulSets start.
        var required = int.Parse(config["TELEPHONY__CLUSTER__KUBERNETES__REQUIREDCONTACTPOINTS"]);
        Assert.InRange(required, 2, sets.Sum(s => int.Parse(Text(Map(s, "spec"), "replicas"))));
    }

    [Fact]
    public void The_pods_run_as_a_service_account_allowed_to_get_watch_and_list_pods()
    {
        var account = Name(Single("ServiceAccount"));
        Assert.All(StatefulSets(), set => Assert.Equal(account, Text(PodSpec(set), "serviceAccountName")));
        var binding = Single("RoleBinding");
        var subject = (YamlMappingNode)Assert.Single(Seq(binding, "subjects"));
        Assert.Equal(("ServiceAccount", account), (Text(subject, "kind"), Text(subject, "name")));
        var roleRef = Map(binding, "roleRef");
        Assert.Equal("Role", Text(roleRef, "kind"));
        var role = Assert.Single(OfKind("Role"), r => Name(r) == Text(roleRef, "name"));
        var rule = Seq(role, "rules").Cast<YamlMappingNode>().Single(r => Strings(r, "resources").Contains("pods"));
        Assert.Equal([""], Strings(rule, "apiGroups"));
        Assert.Equal(["get", "list", "watch"], Strings(rule, "verbs").Order());
    }

    [Fact]
    public void Secrets_come_from_Secrets_and_no_password_is_written_in_the_environment()
    {
        var secrets = OfKind("Secret").ToDictionary(Name, s => Map(s, "stringData").Children.Keys.Select(k => k.ToString()).ToHashSet());
        // The templates hold placeholders, never a real secret.
        Assert.All(OfKind("Secret").SelectMany(s => Map(s, "stringData").Children.Values),
            v => Assert.StartsWith("REPLACE-", v.ToString()));
        foreach (var set in StatefulSets())
        {
            var mounted = Seq(PodSpec(set), "volumes").Cast<YamlMappingNode>()
                .Where(v => v.Children.ContainsKey("secret")).Select(v => Text(Map(v, "secret"), "secretName")).ToHashSet();
            foreach (var variable in Seq(Container(set), "env").Cast<YamlMappingNode>())
            {
                var name = Text(variable, "name");
                var secret = variable.Children.ContainsKey("valueFrom") && Map(variable, "valueFrom").Children.ContainsKey("secretKeyRef")
                    ? Map(Map(variable, "valueFrom"), "secretKeyRef") : null;
                if (secret is null)
                {
                    Assert.False(IsSecret(name), $"{Name(set)}: {name} is not read from a Secret");
                    continue;
                }
                var (secretName, key) = (Text(secret, "name"), Text(secret, "key"));
                // A Secret of secrets.yaml, or the TLS one made from files and mounted beside it.
                Assert.True(secrets.TryGetValue(secretName, out var keys) ? keys.Contains(key) : mounted.Contains(secretName),
                    $"{Name(set)}: {name} reads {secretName}/{key}, which no manifest defines");
            }
            // pbm in the preStop hook presents the token the endpoint requires.
            Assert.Equal(SecretRef(Env(set, "TELEPHONY__MANAGEMENT__TOKEN")), SecretRef(Env(set, "PBM_TOKEN")));
        }
        Assert.All(ConfigMap(), kv => Assert.False(IsSecret(kv.Key), $"{kv.Key} is in the ConfigMap"));
        var literals = ConfigMap().Values.Concat(StatefulSets().SelectMany(s => Seq(Container(s), "env").Cast<YamlMappingNode>())
            .Where(v => v.Children.ContainsKey("value")).Select(v => Text(v, "value")));
        Assert.All(literals, v => Assert.DoesNotContain("password=", v, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void Every_region_of_the_nodes_has_a_StatefulSet_carrying_its_role()
    {
        var regions = ConfigMap().Where(kv => kv.Key.EndsWith("__REGION")).Select(kv => "region-" + kv.Value).ToHashSet();
        var roles = StatefulSets().Select(s => Text(Env(s, "TELEPHONY__CLUSTER__ROLES__0"), "value")).ToList();
        Assert.NotEmpty(regions);
        Assert.Equal(regions.Order(), roles.Order());
    }

    [Fact]
    public void The_environment_of_a_pod_is_one_the_host_accepts_with_kubernetes_discovery()
    {
        foreach (var set in StatefulSets())
        {
            var environment = new Dictionary<string, string?>(ConfigMap().ToDictionary(kv => kv.Key, kv => (string?)kv.Value));
            foreach (var variable in Seq(Container(set), "env").Cast<YamlMappingNode>())
                environment[Text(variable, "name")] = variable.Children.ContainsKey("value") ? Text(variable, "value") : Placeholder(variable);
            // The certificate files exist only in a pod: the TLS check is ClusterTlsTests' business.
            environment.Remove("TELEPHONY__CLUSTER__TLS__CERTIFICATE");
            environment["TELEPHONY__CLUSTER__ALLOWPLAINTEXT"] = "true";
            var configuration = new ConfigurationBuilder()
                .AddInMemoryCollection(environment.Select(kv => new KeyValuePair<string, string?>(kv.Key.Replace("__", ":"), kv.Value)))
                .Build();

            var settings = HostSettings.From(configuration, AppContext.BaseDirectory);

            var kubernetes = Assert.IsType<Telephony.Actors.Hosting.Kubernetes.KubernetesBootstrap>(settings.Telephony.Kubernetes);
            Assert.Equal(ConfigMap()["TELEPHONY__CLUSTER__KUBERNETES__PODLABELSELECTOR"], kubernetes.PodLabelSelector);
            Assert.Empty(settings.Telephony.SeedNodes);
            Assert.Equal(4, settings.Telephony.Nodes.Count);
            Assert.NotNull(settings.Management.Token);
        }
    }

    // What Kubernetes would put in the variable: the pod IP for status.podIP, some value for a Secret's key.
    private static string Placeholder(YamlMappingNode variable)
    {
        var from = Map(variable, "valueFrom");
        if (from.Children.ContainsKey("fieldRef"))
        {
            Assert.Equal("status.podIP", Text(Map(from, "fieldRef"), "fieldPath"));
            return "10.42.0.17";
        }
        return Text(variable, "name").Contains("CONNECTIONSTRING") ? "Server=mariadb;Database=telephony" : "from-a-secret";
    }

    private static (string Name, string Key) SecretRef(YamlMappingNode variable)
    {
        var secret = Map(Map(variable, "valueFrom"), "secretKeyRef");
        return (Text(secret, "name"), Text(secret, "key"));
    }

    private static bool IsSecret(string name) =>
        name.Contains("SECRET") || name.Contains("PASSWORD") || name.Contains("TOKEN") || name.Contains("CONNECTIONSTRING");

    private static List<YamlMappingNode> StatefulSets()
    {
        var sets = OfKind("StatefulSet").ToList();
        Assert.NotEmpty(sets);
        return sets;
    }

    private static Dictionary<string, string> ConfigMap() =>
        Map(Single("ConfigMap"), "data").Children.ToDictionary(kv => kv.Key.ToString(), kv => kv.Value.ToString());

    private static YamlMappingNode PodSpec(YamlMappingNode set) => Map(Map(Map(set, "spec"), "template"), "spec");

    private static YamlMappingNode Container(YamlMappingNode set) =>
        (YamlMappingNode)Assert.Single(Seq(PodSpec(set), "containers"));

    private static YamlMappingNode Env(YamlMappingNode set, string name) =>
        Assert.Single(Seq(Container(set), "env").Cast<YamlMappingNode>(), v => Text(v, "name") == name);

    private static int ContainerPort(YamlMappingNode container, string name) =>
        int.Parse(Text(Seq(container, "ports").Cast<YamlMappingNode>().Single(p => Text(p, "name") == name), "containerPort"));

    /// <summary>An HTTP probe's path and port (a named port resolved to its number).</summary>
    private static (string Path, int Port) Probe(YamlMappingNode container, string probe)
    {
        var get = Map(Map(container, probe), "httpGet");
        var port = Text(get, "port");
        return (Text(get, "path"), int.TryParse(port, out var number) ? number : ContainerPort(container, port));
    }

    private static Dictionary<string, string> Labels(YamlMappingNode node, string key = "labels") =>
        Map(node, key).Children.ToDictionary(kv => kv.Key.ToString(), kv => kv.Value.ToString());

    private static string Name(YamlMappingNode node) => Text(Map(node, "metadata"), "name");
    private static YamlMappingNode Map(YamlMappingNode node, string key) => (YamlMappingNode)node[key];
    private static IEnumerable<YamlNode> Seq(YamlMappingNode node, string key) => ((YamlSequenceNode)node[key]).Children;
    private static List<string> Strings(YamlMappingNode node, string key) => Seq(node, key).Select(n => n.ToString()).ToList();
    private static string Text(YamlMappingNode node, string key) => node[key].ToString();
}
