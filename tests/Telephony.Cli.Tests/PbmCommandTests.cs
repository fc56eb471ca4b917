using System.Text.Json;

namespace Telephony.Cli.Tests;

/// <summary>Every pbm command, run as a real process against a real host in demo mode.</summary>
public class PbmCommandTests(DemoHost host) : IClassFixture<DemoHost>
{
    private Task<PbmRun> Run(params string[] args) => Pbm.RunAsync([host.Endpoint, .. args]);

    private static string[] Ok(PbmRun run)
    {
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Empty(run.Stderr);
        return run.Lines;
    }

    [Fact]
    public async Task Cluster_show_prints_the_one_member_up_and_reachable_then_the_count()
    {
        var lines = Ok(await Run("cluster", "show"));

        Assert.Equal(2, lines.Length);
        Assert.Matches(@"^akka\.tcp://telephony@127\.0\.0\.1:\d+ \| \[\] \| Up \| Reachable$", lines[0]);
        Assert.Equal("Count: 1 nodes", lines[1]);
    }

    [Fact]
    public async Task Cluster_status_names_this_member_the_leader_and_no_unreachable_member()
    {
        var lines = Ok(await Run("cluster", "status"));

        var self = Assert.Single(lines, l => l.StartsWith("Self: ")).Split(' ')[1];
        Assert.Contains($"Leader: {self}", lines);
        Assert.Contains("Unreachable: 0", lines);
        Assert.EndsWith("| Up | Reachable", lines[0]);
    }

    [Fact]
    public async Task Cluster_leader_is_this_member_when_it_is_alone()
    {
        var leader = Assert.Single(Ok(await Run("cluster", "leader")));
        var member = Ok(await Run("cluster", "show"))[0].Split(" | ")[0];

        Assert.Equal(member, leader);
    }

    [Fact]
    public async Task Cluster_tail_shows_this_member_coming_up()
    {
        var lines = Ok(await Run("cluster", "tail", "-n", "20"));

        Assert.Contains(lines, l => l.Contains(" MemberUp akka.tcp://telephony@") && l.EndsWith("| Up"));
        Assert.Contains(lines, l => l.Contains(" LeaderChanged "));
    }

    [Fact]
    public async Task Node_list_shows_the_demo_node_connected()
    {
        var lines = Ok(await Run("node", "list"));

        Assert.Equal(2, lines.Length);
        Assert.StartsWith("demo-1 | Connected | since ", lines[0]);
        Assert.Contains("| buffer ", lines[0]);
        Assert.Equal("Count: 1 nodes", lines[1]);
    }

    [Fact]
    public async Task Node_show_prints_the_AMI_session_and_its_counters()
    {
        var lines = Ok(await Run("node", "show", "demo-1"));

        Assert.Equal("Node: demo-1", Collapse(lines[0]));
        Assert.Contains("AMI state: Connected", lines.Select(Collapse));
        Assert.Contains(lines, l => l.StartsWith("Connected since:") && !l.EndsWith('-'));
        Assert.Contains(lines, l => l.StartsWith("Buffer:") && l.EndsWith("/200000"));
        Assert.Contains(lines, l => Collapse(l).StartsWith("CEL: "));
    }

    [Fact]
    public async Task Node_show_of_a_node_that_is_not_configured_is_one_line_and_exit_code_1()
    {
        var run = await Run("node", "show", "pbx-nowhere");

        Assert.Equal(1, run.ExitCode);
        Assert.Empty(run.Stdout);
        var line = Assert.Single(run.ErrorLines);
        Assert.Contains("404: no node 'pbx-nowhere' is configured (nodes: demo-1)", line);
    }

    [Fact]
    public async Task Call_list_shows_the_calls_of_this_member_and_call_show_prints_a_listed_one()
    {
        var lines = Ok(await Run("call", "list"));
        Assert.Matches(@"^Count: \d+ calls$", lines[^1]);
        var calls = lines[..^1];
        Assert.NotEmpty(calls);
        Assert.All(calls, c => Assert.Matches(@"^demo-1/\S+$", c));

        // The newest: the call-show test of an unknown call may have left an empty entity (demo-1/1.1) at the start.
        var call = calls[^1];
        var shown = Ok(await Run("call", "show", call));

        Assert.Equal($"Call: {call}", Collapse(shown[0]));
        Assert.Contains(shown, l => l.StartsWith("CEL events:") && !l.EndsWith(" 0"));
        Assert.Contains(shown, l => l.StartsWith("LinkedID ended:"));
    }

    [Fact]
    public async Task Call_show_of_a_call_never_seen_is_exit_code_1()
    {
        var run = await Run("call", "show", "demo-1/1.1");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("nothing is journaled for call demo-1/1.1", Assert.Single(run.ErrorLines));
    }

    [Fact]
    public async Task Cluster_sharding_regions_lists_the_agent_node_call_and_queue_regions()
    {
        var lines = Ok(await Run("cluster-sharding", "regions"));

        Assert.Equal(["agent", "asterisk-node", "call", "queue", "Count: 4 regions"], lines);
    }

    [Fact]
    public async Task Region_stats_of_the_call_region_counts_entities_per_shard()
    {
        var lines = Ok(await Run("cluster-sharding", "region-stats", "-r", "call"));

        Assert.Equal("Region: call", lines[0]);
        Assert.Contains(lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^Shard \d+: \d+ entities$"));
        var total = System.Text.RegularExpressions.Regex.Match(lines[^1], @"^Shards: (\d+), entities: (\d+)$");
        Assert.True(total.Success, lines[^1]);
        Assert.True(int.Parse(total.Groups[2].Value) > 0);
    }

    [Fact]
    public async Task Region_stats_of_an_unknown_region_names_the_known_ones()
    {
        var run = await Run("cluster-sharding", "region-stats", "-r", "parking");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("no shard region 'parking' on this member (regions: agent, asterisk-node, call, queue)", Assert.Single(run.ErrorLines));
    }

    [Fact]
    public async Task Actor_hierarchy_to_depth_2_shows_the_guardians_and_their_children()
    {
        var lines = Ok(await Run("actor", "hierarchy", "-d", "2"));

        Assert.Equal("/", lines[0]);
        Assert.Contains("/user", lines);
        Assert.Contains("/system", lines);
        Assert.Contains(lines, l => l.StartsWith("/system/sharding (+"));
        Assert.Contains("/user/management-cluster-events", lines);
        Assert.DoesNotContain(lines, l => l.StartsWith("/system/sharding/"));
        Assert.Matches(@"^Count: \d+ actors$", lines[^1]);
    }

    [Fact]
    public async Task Actor_hierarchy_from_a_path_walks_only_that_subtree()
    {
        var lines = Ok(await Run("actor", "hierarchy", "-s", "/system/sharding", "-d", "3"));

        Assert.StartsWith("/system/sharding", lines[0]);
        Assert.Contains(lines, l => l.StartsWith("/system/sharding/call"));
        Assert.All(lines[..^1], l => Assert.StartsWith("/system/sharding", l));
    }

    [Fact]
    public async Task Cluster_down_unreachable_with_nothing_unreachable_downs_nobody()
    {
        Assert.Equal(["nothing to down: no unreachable members"], Ok(await Run("cluster", "down-unreachable")));
    }

    [Fact]
    public async Task Cluster_down_of_an_address_that_is_no_member_is_refused()
    {
        var run = await Run("cluster", "down", "akka.tcp://telephony@127.0.0.1:1");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("is not a member of this cluster", Assert.Single(run.ErrorLines));
    }

    [Fact]
    public async Task Cluster_join_of_something_that_is_no_address_is_a_usage_error_from_the_endpoint()
    {
        var run = await Run("cluster", "join", "not-an-address");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("'not-an-address' is not an actor system address", Assert.Single(run.ErrorLines));
    }

    [Fact]
    public async Task Projection_list_shows_each_sink_and_tag_with_offset_and_lag()
    {
        var lines = Ok(await Run("projection", "list"));

        Assert.Equal("Count: 5 projections", lines[^1]); // the default sink: cdr, cel, billing, actions, queues
        foreach (var tag in new[] { "cdr", "cel", "billing" })
            Assert.Contains(lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, $@"^sqlite:{tag} \| (Starting|Running|BackingOff|Stopping) \| offset \d+ \| lag "));
        // Rows count since the projection started on this member (they restart when projections move): it says so.
        Assert.All(lines[..^1], l => Assert.Matches(@"\| rows \d+ \| failures \d+ \(since \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ\)", l));
    }

    [Fact]
    public async Task Rebuilding_an_unknown_sink_is_refused_with_the_reason()
    {
        var run = await Run("projection", "rebuild", "no-such-sink");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("cannot rebuild 'no-such-sink'", Assert.Single(run.ErrorLines));
    }

    [Theory]
    [InlineData("projection list", "projections")]
    [InlineData("cluster show", "members")]
    [InlineData("cluster status", "self")]
    [InlineData("cluster leader", "leader")]
    [InlineData("cluster tail", "events")]
    [InlineData("cluster-sharding regions", "regions")]
    [InlineData("cluster-sharding region-stats -r call", "shards")]
    [InlineData("actor hierarchy -d 2", "root")]
    [InlineData("node list", "nodes")]
    [InlineData("node show demo-1", "amiState")]
    [InlineData("call list", "calls")]
    public async Task Json_prints_the_endpoints_answer_which_parses(string command, string property)
    {
        var run = await Run([.. command.Split(' '), "--json"]);

        Assert.True(run.ExitCode == 0, run.ToString());
        using var json = JsonDocument.Parse(run.Stdout);
        Assert.True(json.RootElement.TryGetProperty(property, out _), run.Stdout);
    }

    private static string Collapse(string line) => System.Text.RegularExpressions.Regex.Replace(line, @"\s+", " ");
}
