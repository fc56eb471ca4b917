using System.Globalization;
using System.Net;
using System.Text.Json;

namespace Telephony.Cli.Tests;

/// <summary>
/// What Prometheus and an orchestrator read from a running member (the demo: the built-in simulated Asterisk making
/// calls, the sales and support queues): <c>/metrics</c> in Prometheus' text format whose counters grow as calls flow,
/// and <c>/health/live</c>, <c>/health/ready</c> naming each check.
/// </summary>
public class MetricsHttpTests(DemoHost demo) : IClassFixture<DemoHost>
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(20) };

    [Fact]
    public async Task Metrics_count_the_nodes_events_as_calls_flow_and_show_the_journal_queues_and_projections()
    {
        var first = await ScrapeUntilAsync(m => Value(m, "telephony_ami_events_received_total", "node=\"demo-1\"") > 0);
        Assert.Equal(1, Value(first, "telephony_ami_connected", "node=\"demo-1\""));
        Assert.True(Value(first, "telephony_journal_write_seconds_count") > 0, "journal writes are timed");
        Assert.NotNull(Value(first, "telephony_queue_waiting", "queue=\"sales\""));
        Assert.NotNull(Value(first, "telephony_projection_lag_events"));
        Assert.Contains("# TYPE telephony_ami_events_received_total counter", first);
        Assert.Contains("# TYPE telephony_journal_write_seconds histogram", first);

        // The snapshot behind the instruments is refreshed every few seconds: the calls keep counting up.
        var before = Value(first, "telephony_events_journaled_total", "node=\"demo-1\"")!.Value;
        var later = await ScrapeUntilAsync(m => Value(m, "telephony_events_journaled_total", "node=\"demo-1\"") > before
                                                 && Value(m, "telephony_queue_decision_seconds_count") > 0);
        Assert.True(Value(later, "telephony_ami_events_received_total", "node=\"demo-1\"") >= Value(first, "telephony_ami_events_received_total", "node=\"demo-1\""));
        // The demo's callers are connected: each queue's decisions (join to connect) are timed, by queue.
        Assert.Contains("# TYPE telephony_queue_decision_seconds histogram", later);
        Assert.Matches("telephony_queue_decision_seconds_bucket\\{[^}]*queue=\"(sales|support)\"", later);
    }

    [Fact]
    public async Task Health_live_and_ready_answer_200_naming_the_member_the_journal_and_every_shard_region()
    {
        using var live = await Http.GetAsync($"http://{demo.Endpoint}/health/live");
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        using var ready = await Http.GetAsync($"http://{demo.Endpoint}/health/ready");
        var body = JsonDocument.Parse(await ready.Content.ReadAsStringAsync()).RootElement;
        Assert.True(ready.StatusCode == HttpStatusCode.OK, body.ToString());
        Assert.Equal("up", body.GetProperty("status").GetString());
        var checks = body.GetProperty("checks").EnumerateArray().Select(c => c.GetProperty("name").GetString()!).ToList();
        Assert.Contains("member", checks);
        Assert.Contains("journal", checks);
        Assert.Contains("shards:call", checks);
        Assert.Contains("shards:asterisk-node", checks);
    }

    private async Task<string> ScrapeUntilAsync(Func<string, bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        var text = "";
        while (DateTime.UtcNow < deadline)
        {
            using var response = await Http.GetAsync($"http://{demo.Endpoint}/metrics");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            text = await response.Content.ReadAsStringAsync();
            if (condition(text)) return text;
            await Task.Delay(1000);
        }
        throw new TimeoutException($"/metrics never showed what was expected; last scrape:\n{text}");
    }

    /// <summary>The value of the first sample of <paramref name="name"/> whose labels contain <paramref name="label"/>.</summary>
    private static double? Value(string exposition, string name, string? label = null)
    {
        foreach (var line in exposition.Split('\n'))
        {
            if (line.StartsWith('#') || !line.StartsWith(name, StringComparison.Ordinal)) continue;
            var rest = line[name.Length..];
            if (rest.Length == 0 || (rest[0] != '{' && rest[0] != ' ')) continue; // another metric with this prefix
            if (label is not null && !rest.Contains(label, StringComparison.Ordinal)) continue;
            var value = rest[(rest.LastIndexOf('}') + 1)..].Trim().Split(' ')[0];
            return double.Parse(value, CultureInfo.InvariantCulture);
        }
        return null;
    }
}
