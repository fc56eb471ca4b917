using System.Text.Json;
using Telephony.Simulator.Queue;
using Telephony.Testing.Fleet;
using Xunit.Abstractions;

namespace Telephony.Host.Tests.Cluster;

/// <summary>
/// A contact centre's queue is big: 2,400 agents make its view ~400 KB of JSON, three times Akka's remoting frame
/// (128,000 bytes), which Akka drops with a warning. A wallboard or <c>pbm queue show</c> pointed at a member that does
/// not host the queue must still see all of it, as the member that does.
/// </summary>
[Collection(SingleHostProcesses.Name)]
public class LargeQueueClusterTests(ITestOutputHelper output)
{
    private const string Queue = "sales";
    private const int Agents = 2400;

    [Fact]
    public async Task Every_member_shows_a_queue_of_2400_agents_whole_wherever_the_queue_runs()
    {
        await using var scenario = await ClusterScenario.StartAsync(output.WriteLine);
        var environment = scenario.Environment();
        environment[$"TELEPHONY__QUEUES__{Queue}__STRATEGY"] = "leastrecent";
        for (var i = 0; i < Agents; i++)
        {
            var id = $"{i % 4 + 1}{i / 4 + 1:0000}";
            environment[$"TELEPHONY__AGENTS__{id}__NODE"] = scenario.Simulator.Nodes[i % 4].Name;
            environment[$"TELEPHONY__AGENTS__{id}__EXTENSION"] = new AgentRoute(i % 4 + 1, id).Extension;
            environment[$"TELEPHONY__AGENTS__{id}__QUEUES"] = Queue;
            environment[$"TELEPHONY__AGENTS__{id}__LOGGEDIN"] = "true";
        }
        using var cluster = await HostCluster.StartAsync([("m1", []), ("m2", [])], environment);
        await cluster.WaitForUpAsync(2, TimeSpan.FromMinutes(2));

        // Until every agent has logged in and told the queue (the keeper starts them all), as the queue's host sees it.
        var views = new Dictionary<string, QueueHttp.Queue?>();
        await cluster.WaitUntilAsync(async () =>
        {
            foreach (var member in cluster.Members)
            {
                using var http = new QueueHttp(member.Endpoint);
                views[member.Name] = await http.QueueAsync(Queue);
            }
            return views.Values.Any(v => v?.Available == Agents);
        }, "one member shows every agent of the queue available", TimeSpan.FromMinutes(3));

        // The other member (which asks the queue across the cluster) shows the same whole view, and lists the queue.
        foreach (var member in cluster.Members)
        {
            using var http = new QueueHttp(member.Endpoint);
            var view = await http.QueueAsync(Queue);
            Assert.True(view is not null, $"{member.Name}: GET /queues/{Queue} did not answer");
            Assert.Equal(Agents, view.Agents.Count);
            Assert.Equal(Agents, view.Available);

            using var client = new HttpClient { BaseAddress = new Uri($"http://{member.Endpoint}/") };
            using var list = JsonDocument.Parse(await client.GetStringAsync("queues"));
            var line = Assert.Single(list.RootElement.GetProperty("queues").EnumerateArray());
            Assert.Equal(Agents, line.GetProperty("agentsLoggedIn").GetInt32());
            Assert.Empty(list.RootElement.GetProperty("unanswered").EnumerateArray());
            output.WriteLine($"{member.Name}: {view.Agents.Count} agents, {view.Json.Length} bytes of JSON");
        }
        Assert.DoesNotContain("OversizedPayload", string.Join("\n", cluster.Members.Select(m => m.Process.Output)));
    }
}
