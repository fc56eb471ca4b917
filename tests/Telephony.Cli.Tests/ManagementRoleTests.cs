using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Telephony.Cli.Tests;

/// <summary>
/// Two tokens, two roles: the operator's token reads and acts, the read-only token (a wallboard's) only reads, and
/// anything else is turned away. The dashboard's page itself needs no token: it holds no data.
/// </summary>
[Collection(DashboardHostCollection.Collection)]
public sealed class ManagementRoleTests(DashboardHost host)
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(20) };

    private async Task<(HttpStatusCode Status, string Body)> Send(HttpMethod method, string path, string? token)
    {
        using var request = new HttpRequestMessage(method, $"http://{host.Endpoint}{path}");
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (method == HttpMethod.Post) request.Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json");
        using var response = await Http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_read_only_token_reads_everything_and_is_refused_every_change_naming_the_token_it_needs()
    {
        Assert.Equal(HttpStatusCode.OK, (await Send(HttpMethod.Get, "/nodes", DashboardHost.ReadOnlyToken)).Status);
        Assert.Equal(HttpStatusCode.OK, (await Send(HttpMethod.Get, "/agents/10001", DashboardHost.ReadOnlyToken)).Status);

        foreach (var path in new[] { "/agents/10001/pause", "/cluster/leave", "/actions" })
        {
            var (status, body) = await Send(HttpMethod.Post, path, DashboardHost.ReadOnlyToken);
            Assert.Equal(HttpStatusCode.Forbidden, status);
            Assert.Contains("operator's token", body);
        }
        var agent = JsonDocument.Parse((await Send(HttpMethod.Get, "/agents/10001", DashboardHost.ReadOnlyToken)).Body).RootElement;
        Assert.NotEqual("OnBreak", agent.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Each_token_learns_its_role_from_the_session_and_a_wrong_token_is_turned_away()
    {
        var viewer = JsonDocument.Parse((await Send(HttpMethod.Get, "/session", DashboardHost.ReadOnlyToken)).Body).RootElement;
        var op = JsonDocument.Parse((await Send(HttpMethod.Get, "/session", DashboardHost.OperatorToken)).Body).RootElement;

        Assert.Equal(("Viewer", "Operator"), (viewer.GetProperty("role").GetString(), op.GetProperty("role").GetString()));
        Assert.True(op.GetProperty("tokenRequired").GetBoolean());
        Assert.Equal(HttpStatusCode.Unauthorized, (await Send(HttpMethod.Get, "/session", "guess")).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Send(HttpMethod.Post, "/agents/10001/pause", null)).Status);
    }

    [Fact]
    public async Task The_dashboard_page_and_its_assets_are_served_without_a_token_and_load_nothing_from_elsewhere()
    {
        var (status, page) = await Send(HttpMethod.Get, "/", null);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("<script src=\"/ui/dashboard.js\">", page);
        foreach (var asset in new[] { "/ui/dashboard.js", "/ui/dashboard.css" })
        {
            var (assetStatus, text) = await Send(HttpMethod.Get, asset, null);
            Assert.Equal(HttpStatusCode.OK, assetStatus);
            Assert.DoesNotContain("http://", text);
            Assert.DoesNotContain("https://", text);
        }
        Assert.DoesNotContain("https://", page);
        Assert.Equal(HttpStatusCode.NotFound, (await Send(HttpMethod.Get, "/ui/missing.js", null)).Status);
    }
}
