using System.Net;
using System.Text;
using System.Text.Json;

namespace Telephony.Cli.Tests;

/// <summary>
/// <c>/actions</c> as a program other than pbm uses it: the body's shapes (headers as an object or as pairs), the
/// status codes, and a 400 that names the field for each kind of bad input — malformed JSON and wrong types found by
/// the endpoint, bad values by the queue.
/// </summary>
[Collection(ActionHost.Collection)]
public sealed class ActionHttpTests(DemoHost host) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = new Uri($"http://{host.Endpoint}/"), Timeout = TimeSpan.FromSeconds(30) };

    public void Dispose() => _http.Dispose();

    private async Task<(HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response)> Post(string json)
    {
        var response = await _http.PostAsync("actions", new StringContent(json, Encoding.UTF8, "application/json"));
        var body = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, JsonDocument.Parse(body.Length == 0 ? "{}" : body).RootElement, response);
    }

    private static string[] Fields(JsonElement body) =>
        body.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("field").GetString()!).ToArray();

    private static (string Key, string Value)[] Headers(JsonElement action) =>
        action.GetProperty("headers").EnumerateArray().Select(h => (h.GetProperty("key").GetString()!, h.GetProperty("value").GetString()!)).ToArray();

    [Fact]
    public async Task Headers_as_an_object_are_accepted_with_202_the_action_and_where_to_follow_it()
    {
        var (status, action, response) = await Post("""
            {"node": "demo-1", "action": "Originate", "priority": 2,
             "headers": {"Channel": "Local/answer@test", "Context": "hold", "Exten": "s", "Priority": 1, "Timeout": 30000}}
            """);

        Assert.Equal(HttpStatusCode.Accepted, status);
        var id = action.GetProperty("id").GetString()!;
        Assert.Matches(@"^demo-1:\d+$", id);
        Assert.Equal("Queued", action.GetProperty("status").GetString());
        Assert.Equal(2, action.GetProperty("priority").GetInt32());
        Assert.False(action.GetProperty("existing").GetBoolean());
        Assert.Equal($"/actions/{Uri.EscapeDataString(id)}", response.Headers.Location?.OriginalString);
        // Numbers become their text; the queue adds the ids it correlates the call by, and Async.
        var headers = Headers(action);
        Assert.Equal([("Channel", "Local/answer@test"), ("Context", "hold"), ("Exten", "s"), ("Priority", "1"), ("Timeout", "30000")], headers[..5]);
        Assert.Contains(("ChannelId", action.GetProperty("channelId").GetString()!), headers);
        Assert.Contains(headers, h => h is ("Async", "true"));

        var found = await _http.GetAsync($"actions/{id}");
        Assert.Equal(HttpStatusCode.OK, found.StatusCode);
        Assert.Equal(id, JsonDocument.Parse(await found.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString());
    }

    [Fact]
    public async Task Repeated_headers_are_kept_in_order_as_pairs_or_as_key_value_objects()
    {
        var (status, action, _) = await Post("""
            {"node": "demo-1", "action": "Originate", "notBefore": "2100-01-01T00:00:00Z", "expiresAt": "2100-01-01T02:05:00+01:00",
             "headers": [["Channel", "Local/answer@test"], ["Application", "Echo"],
                         {"key": "Variable", "value": "A=1"}, ["Variable", "B=2"], {"Key": "Variable", "Value": "C=3"}]}
            """);

        Assert.True(status == HttpStatusCode.Accepted, action.ToString());
        Assert.Equal(["A=1", "B=2", "C=3"], Headers(action).Where(h => h.Key == "Variable").Select(h => h.Value));
        Assert.Equal(new DateTimeOffset(2100, 1, 1, 1, 5, 0, TimeSpan.Zero), action.GetProperty("expiresAt").GetDateTimeOffset());
        var cancel = await _http.DeleteAsync($"actions/{action.GetProperty("id").GetString()}");
        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
    }

    [Theory]
    [InlineData("""{"node": "demo-1", "action": "Ping",""", "body")]
    [InlineData("""["demo-1", "Ping"]""", "body")]
    [InlineData("""{"action": "Ping"}""", "node")]
    [InlineData("""{"node": "demo-1"}""", "action")]
    [InlineData("""{"node": 1, "action": "Ping"}""", "node")]
    [InlineData("""{"node": "demo-1", "action": "Ping", "priority": "high"}""", "priority")]
    [InlineData("""{"node": "demo-1", "action": "Ping", "priority": 1.5}""", "priority")]
    [InlineData("""{"node": "demo-1", "action": "Ping", "notBefore": "2025-06-01T09:00:00"}""", "notBefore")]
    [InlineData("""{"node": "demo-1", "action": "Ping", "expiresAt": "soon"}""", "expiresAt")]
    [InlineData("""{"node": "demo-1", "action": "Ping", "idempotencyKey": 4711}""", "idempotencyKey")]
    [InlineData("""{"node": "demo-1", "action": "Ping", "headers": "Channel: x"}""", "headers")]
    [InlineData("""{"node": "demo-1", "action": "Ping", "headers": {"Channel": {"name": "x"}}}""", "headers.Channel")]
    [InlineData("""{"node": "demo-1", "action": "Ping", "headers": [["Channel"]]}""", "headers[0]")]
    [InlineData("""{"node": "demo-1", "action": "Ping", "headers": [["Channel", "x"], {"name": "Exten", "value": "s"}]}""", "headers[1]")]
    [InlineData("""{"node": "demo-1", "action": "Ping", "header": {"Channel": "x"}}""", "header")]
    [InlineData("""{"node": "demo-1", "action": "Ping", "Node": "demo-2"}""", "Node")]
    // Found by the queue: values.
    [InlineData("""{"node": "demo-1", "action": "Originate", "headers": {"Channel": "Local/answer@test", "Application": "Echo", "CallerID": "Bob\r\nAction: Command"}}""", "headers.CallerID")]
    [InlineData("""{"node": "demo-1", "action": "Originate", "headers": {"Channel": "Local/answer@test", "Application": "Echo", "Bad Header": "x"}}""", "headers.Bad Header")]
    [InlineData("""{"node": "demo-1", "action": "Command", "headers": {"Command": "core show channels"}}""", "action")]
    [InlineData("""{"node": "demo-1", "action": "Originate", "headers": {"Channel": "Local/answer@test"}}""", "headers.Context")]
    [InlineData("""{"node": "demo-1", "action": "Ping", "priority": 12}""", "priority")]
    [InlineData("""{"node": "demo-1", "action": "Ping", "notBefore": "2100-01-01T00:05:00Z", "expiresAt": "2100-01-01T00:00:00Z"}""", "expiresAt")]
    public async Task Bad_input_is_400_with_the_field_named_in_the_error_line_and_in_the_errors(string json, string field)
    {
        var (status, body, _) = await Post(json);

        Assert.True(status == HttpStatusCode.BadRequest, body.ToString());
        Assert.Contains(field, Fields(body));
        Assert.Contains(field + ": ", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_node_that_is_not_configured_is_404_before_anything_is_queued()
    {
        var (status, body, _) = await Post("""{"node": "pbx-nowhere", "action": "Ping"}""");

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("no node 'pbx-nowhere' is configured (nodes: demo-1)", body.GetProperty("error").GetString());
    }

    [Theory]
    [InlineData("actions?limit=0", "limit")]
    [InlineData("actions?limit=many", "limit")]
    [InlineData("actions?status=Waiting", "status")]
    [InlineData("actions/17", "id")]
    [InlineData("actions/demo-1:", "id")]
    [InlineData("actions/demo-1:x7", "id")]
    public async Task Bad_queries_and_ids_are_400_naming_what(string path, string field)
    {
        var response = await _http.GetAsync(path);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal([field], Fields(body));
        Assert.StartsWith($"invalid request: {field}: ", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task The_list_of_every_node_is_newest_first_with_the_counts_by_status()
    {
        for (var i = 0; i < 3; i++) Assert.Equal(HttpStatusCode.Accepted, (await Post("""{"node": "demo-1", "action": "Ping"}""")).Status);

        var list = JsonDocument.Parse(await _http.GetStringAsync("actions?limit=3")).RootElement;

        var numbers = list.GetProperty("actions").EnumerateArray().Select(a => long.Parse(a.GetProperty("id").GetString()!.Split(':')[1])).ToList();
        Assert.Equal(3, numbers.Count);
        Assert.Equal(numbers.OrderDescending(), numbers);
        Assert.True(list.GetProperty("counts").EnumerateObject().Sum(c => c.Value.GetInt32()) >= 3);
        Assert.Empty(list.GetProperty("unanswered").EnumerateArray());
    }

    [Fact]
    public async Task A_list_of_hundreds_of_actions_comes_back_whole_newest_first_although_the_node_answers_it_in_pages()
    {
        // ~700 bytes each: 300 are several of the pages a node's queue cuts its answer into (ActionPages, 40 KB).
        for (var i = 0; i < 300; i++) Assert.Equal(HttpStatusCode.Accepted, (await Post("""{"node": "demo-1", "action": "Ping"}""")).Status);

        var list = JsonDocument.Parse(await _http.GetStringAsync("actions?node=demo-1&limit=1000")).RootElement;

        var numbers = list.GetProperty("actions").EnumerateArray().Select(a => long.Parse(a.GetProperty("id").GetString()!.Split(':')[1])).ToList();
        var held = list.GetProperty("counts").EnumerateObject().Sum(c => c.Value.GetInt32());
        Assert.True(numbers.Count >= 300, $"{numbers.Count} actions listed");
        Assert.Equal(Math.Min(1000, held), numbers.Count);
        Assert.Equal(numbers.OrderDescending(), numbers);
        Assert.Equal(numbers.Count, numbers.Distinct().Count());
    }
}
