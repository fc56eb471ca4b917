using System.Text.Json;
using System.Text.RegularExpressions;
using Telephony.Host.Metrics;
using YamlDotNet.RepresentationModel;

namespace Telephony.Host.Tests.Metrics;

/// <summary>
/// The monitoring files shipped in docker/monitoring parse, and say what the service serves: Prometheus scrapes every
/// member's /metrics with the management token; every query of the Grafana dashboard names metrics the service
/// exports (a renamed metric would leave a panel empty without anyone noticing), and every metric is on a panel.
/// </summary>
public partial class MonitoringConfigTests
{
    private static string Folder => Path.Combine(Binaries.RepositoryRoot, "docker", "monitoring");

    [Fact]
    public void Prometheus_scrapes_the_three_compose_members_metrics_with_the_management_token()
    {
        var yaml = new YamlStream();
        using (var reader = new StreamReader(Path.Combine(Folder, "prometheus.yml"))) yaml.Load(reader);
        var root = (YamlMappingNode)yaml.Documents.Single().RootNode;
        var job = (YamlMappingNode)((YamlSequenceNode)root["scrape_configs"]).Children.Single();
        Assert.Equal("/metrics", job["metrics_path"].ToString());
        var authorization = (YamlMappingNode)job["authorization"];
        Assert.Equal("Bearer", authorization["type"].ToString());
        Assert.False(string.IsNullOrWhiteSpace(authorization["credentials_file"].ToString()));
        var targets = ((YamlSequenceNode)((YamlMappingNode)((YamlSequenceNode)job["static_configs"]).Children[0])["targets"])
            .Children.Select(t => t.ToString()).ToList();
        Assert.Equal(["member1:9110", "member2:9110", "member3:9110"], targets);
        // The same members and port as docker/compose.yaml.
        var compose = File.ReadAllText(Path.Combine(Binaries.RepositoryRoot, "docker", "compose.yaml"));
        Assert.Contains("TELEPHONY__MANAGEMENT__URL: http://0.0.0.0:9110", compose);
        Assert.All(targets, t => Assert.Contains($"\n  {t.Split(':')[0]}:", compose));
    }

    [Fact]
    public void Every_dashboard_query_names_exported_metrics_and_every_metric_is_on_the_dashboard()
    {
        using var dashboard = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, "grafana-dashboard.json")));
        var panels = dashboard.RootElement.GetProperty("panels").EnumerateArray().ToList();
        Assert.NotEmpty(panels);
        var exprs = panels.SelectMany(p => p.GetProperty("targets").EnumerateArray()).Select(t => t.GetProperty("expr").GetString()!).ToList();
        var exported = MetricsSnapshot.CounterNames.Select(c => c.Name + "_total")
            .Concat(MetricsSnapshot.GaugeNames.Select(g => g.Name))
            .Concat(["telephony_journal_write_seconds_bucket", "telephony_journal_write_seconds_sum", "telephony_journal_write_seconds_count"])
            .Concat(["telephony_queue_decision_seconds_bucket", "telephony_queue_decision_seconds_sum", "telephony_queue_decision_seconds_count"])
            .Concat(["telephony_entity_recovery_failures_total", "telephony_queue_asks_resent_total", "telephony_queue_asks_expired_total"])
            .ToHashSet();
        var named = exprs.SelectMany(e => MetricName().Matches(e).Select(m => m.Value)).ToHashSet();
        Assert.Empty(named.Except(exported));
        // Each metric family appears somewhere (the histogram by its buckets).
        var families = MetricsSnapshot.CounterNames.Select(c => c.Name + "_total").Concat(MetricsSnapshot.GaugeNames.Select(g => g.Name))
            .Append("telephony_journal_write_seconds_bucket").Append("telephony_queue_decision_seconds_bucket")
            .Concat(["telephony_entity_recovery_failures_total", "telephony_queue_asks_resent_total", "telephony_queue_asks_expired_total"]);
        Assert.Empty(families.Except(named));
    }

    [GeneratedRegex(@"telephony_[a-z_]+")]
    private static partial Regex MetricName();
}
