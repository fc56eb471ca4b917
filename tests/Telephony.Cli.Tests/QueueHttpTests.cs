using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Telephony.Cli.Tests;

/// <summary>
/// <c>/queues</c> and <c>/agents</c> as a program other than pbm uses them: a caller put into a queue through the API,
/// the status codes, a 400 naming the field of a bad body, run-time membership, and the token rules. The callers posted
/// here have uniqueIds no channel has: in <c>sales</c>, where no agent is a member, they simply wait.
/// </summary>
[Collection(QueueHostCollection.Collection)]
public sealed class QueueHttpTests(QueueHost host) : IDisposable
{
    private readonly HttpClient _http = Client(host, QueueHost.Token);

    private static HttpClient Client(QueueHost host, string? token)
    {
        var http = new HttpClient { BaseAddress = new Uri($"http://{host.Endpoint}/"), Timeout = TimeSpan.FromSeconds(30) };
        if (token is not null) http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    public void Dispose() => _http.Dispose();

    private async Task<(HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response)> Send(HttpMethod method, string path, string? json = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (json is not null) request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        var response = await _http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, JsonDocument.Parse(body.Length == 0 ? "{}" : body).RootElement, response);
    }

    private static string[] Fields(JsonElement body) =>
        body.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("field").GetString()!).ToArray();

    [Fact]
    public async Task A_caller_posted_to_a_queue_is_accepted_at_position_1_and_queue_show_lists_it_waiting()
    {
        var uniqueId = $"api-{Guid.NewGuid():N}";
        var caller = $$"""
            {"node": "demo-1", "uniqueId": "{{uniqueId}}", "channel": "PJSIP/crm-{{uniqueId[4..12]}}", "priority": 3,
             "callerIdNum": "0201234567", "callerIdName": "Bob Crm", "linkedId": "{{uniqueId}}"}
            """;

        var (status, joined, response) = await Send(HttpMethod.Post, "queues/sales/callers", caller);

        Assert.True(status == HttpStatusCode.Accepted, joined.ToString());
        Assert.Equal("sales", joined.GetProperty("queue").GetString());
        Assert.Equal($"demo-1/{uniqueId}", joined.GetProperty("caller").GetString());
        Assert.Equal(1, joined.GetProperty("position").GetInt32());
        Assert.Equal("/queues/sales", response.Headers.Location?.OriginalString);

        // The same channel posted again joins once.
        var again = await Send(HttpMethod.Post, "queues/sales/callers", caller);
        Assert.Equal(HttpStatusCode.Accepted, again.Status);
        Assert.Equal(1, again.Body.GetProperty("position").GetInt32());

        var run = await Pbm.RunAsync(host.PbmVariables, host.Endpoint, "queue", "show", "sales");
        Assert.True(run.ExitCode == 0, run.ToString());
        var lines = run.Lines;
        Assert.Contains("Waiting:       1 (longest ", lines[3]);
        var callers = Array.IndexOf(lines, "Waiting callers:");
        Assert.Matches(@"^POS +CALLER +CHANNEL +CALLER ID +PRIO +WAIT +PHASE +RINGING$", lines[callers + 1]);
        Assert.Matches($@"^1 +demo-1/{uniqueId} +PJSIP/crm-\w+ +Bob Crm <0201234567> +3 +\d+[smh]\S* +Waiting +-$", lines[callers + 2]);
        Assert.Equal("Agents:", lines[callers + 3]);

        var view = JsonDocument.Parse(await _http.GetStringAsync("queues/sales")).RootElement;
        var waiting = Assert.Single(view.GetProperty("waiting").EnumerateArray());
        Assert.Equal(1, waiting.GetProperty("position").GetInt32());
        Assert.Equal("PJSIP/crm-" + uniqueId[4..12], waiting.GetProperty("channel").GetString());
        Assert.Equal(1, view.GetProperty("statistics").GetProperty("offered").GetInt32());
    }

    [Theory]
    [InlineData("""{"node": "demo-1", "uniqueId": "1.1", "channel": "PJSIP/1",""", "body")]
    [InlineData("""["demo-1", "1.1"]""", "body")]
    [InlineData("""{"uniqueId": "1.1", "channel": "PJSIP/1"}""", "node")]
    [InlineData("""{"node": "pbx-nowhere", "uniqueId": "1.1", "channel": "PJSIP/1"}""", "node")]
    [InlineData("""{"node": "demo-1", "channel": "PJSIP/1"}""", "uniqueId")]
    [InlineData("""{"node": "demo-1", "uniqueId": "", "channel": "PJSIP/1"}""", "uniqueId")]
    [InlineData("""{"node": "demo-1", "uniqueId": "1.1"}""", "channel")]
    [InlineData("""{"node": "demo-1", "uniqueId": "1.1", "channel": 17}""", "channel")]
    [InlineData("""{"node": "demo-1", "uniqueId": "1.1", "channel": "PJSIP/1\r\nAction: Command"}""", "channel")]
    [InlineData("""{"node": "demo-1", "uniqueId": "1.1", "channel": "PJSIP/1", "callerIdName": "Bob|Alice"}""", "callerIdName")]
    [InlineData("""{"node": "demo-1", "uniqueId": "1.1", "channel": "PJSIP/1", "callerIdNum": "020\n123"}""", "callerIdNum")]
    [InlineData("""{"node": "demo-1", "uniqueId": "1.1", "channel": "PJSIP/1", "priority": 100}""", "priority")]
    [InlineData("""{"node": "demo-1", "uniqueId": "1.1", "channel": "PJSIP/1", "priority": "high"}""", "priority")]
    [InlineData("""{"node": "demo-1", "uniqueId": "1.1", "channel": "PJSIP/1", "queue": "support"}""", "queue")]
    [InlineData("""{"node": "demo-1", "uniqueId": "1.1", "channel": "PJSIP/1", "Node": "demo-1"}""", "Node")]
    public async Task A_bad_caller_is_400_with_the_field_named_and_nobody_joins(string json, string field)
    {
        var (status, body, _) = await Send(HttpMethod.Post, "queues/closed/callers", json);

        Assert.True(status == HttpStatusCode.BadRequest, body.ToString());
        Assert.Contains(field, Fields(body));
        Assert.Contains(field + ": ", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_caller_for_an_unknown_queue_is_404_and_one_a_queue_refuses_is_409_with_the_reason()
    {
        const string caller = """{"node": "demo-1", "uniqueId": "refused.1", "channel": "PJSIP/refused-1"}""";

        var unknown = await Send(HttpMethod.Post, "queues/nowhere/callers", caller);
        var refused = await Send(HttpMethod.Post, "queues/closed/callers", caller);

        Assert.Equal(HttpStatusCode.NotFound, unknown.Status);
        Assert.Equal("no such queue 'nowhere' (configured: closed, sales, support)", unknown.Body.GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.Conflict, refused.Status);
        Assert.Equal("queue closed refused the caller: no agent is logged in (RefuseJoinWhen)", refused.Body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task An_agent_joins_a_queue_at_run_time_with_a_penalty_and_leaves_it()
    {
        var (status, agent, _) = await Send(HttpMethod.Post, "agents/1003/queues", """{"queue": "closed", "penalty": 2}""");

        Assert.True(status == HttpStatusCode.OK, agent.ToString());
        Assert.Equal(2, agent.GetProperty("queues").GetProperty("closed").GetInt32());
        var members = JsonDocument.Parse(await _http.GetStringAsync("agents?queue=closed")).RootElement;
        Assert.Equal(["1003"], members.GetProperty("agents").EnumerateArray().Select(a => a.GetProperty("agentId").GetString()));

        var left = await Send(HttpMethod.Delete, "agents/1003/queues/closed");

        Assert.Equal(HttpStatusCode.OK, left.Status);
        Assert.False(left.Body.GetProperty("queues").TryGetProperty("closed", out _));
        members = JsonDocument.Parse(await _http.GetStringAsync("agents?queue=closed")).RootElement;
        Assert.Empty(members.GetProperty("agents").EnumerateArray());
    }

    [Theory]
    [InlineData("agents/1003/queues", """{"queue": "nowhere"}""", "queue")]
    [InlineData("agents/1003/queues", """{"penalty": 1}""", "queue")]
    [InlineData("agents/1003/queues", """{"queue": "closed", "penalty": -1}""", "penalty")]
    [InlineData("agents/1002/pause", """{"reason": 5}""", "reason")]
    [InlineData("agents/1002/pause", """{"why": "lunch"}""", "why")]
    [InlineData("agents/1002/logout", """lunch""", "body")]
    public async Task A_bad_agent_body_is_400_with_the_field_named(string path, string json, string field)
    {
        var (status, body, _) = await Send(HttpMethod.Post, path, json);

        Assert.True(status == HttpStatusCode.BadRequest, body.ToString());
        Assert.Equal([field], Fields(body));
    }

    [Theory]
    [InlineData("GET", "agents/nobody", "no such agent 'nobody' (configured: 1001, 1002, 1003)")]
    [InlineData("POST", "agents/nobody/unpause", "no such agent 'nobody' (configured: 1001, 1002, 1003)")]
    [InlineData("DELETE", "agents/1003/queues/nowhere", "no such queue 'nowhere' (configured: closed, sales, support)")]
    [InlineData("GET", "queues/nowhere", "no such queue 'nowhere' (configured: closed, sales, support)")]
    public async Task Unknown_names_in_the_path_are_404(string method, string path, string message)
    {
        var (status, body, _) = await Send(new HttpMethod(method), path);

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal(message, body.GetProperty("error").GetString());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("guess")]
    public async Task Without_the_token_a_queue_route_is_401(string? token)
    {
        using var http = Client(host, token);

        var response = await http.GetAsync("queues/sales");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.StartsWith("missing or wrong bearer token",
            JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString());
    }
}
