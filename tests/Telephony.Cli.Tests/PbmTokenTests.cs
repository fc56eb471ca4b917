namespace Telephony.Cli.Tests;

/// <summary>A host serving its endpoint beyond loopback must have a token; pbm without it, or with a wrong one, gets a
/// one-line refusal and exit code 1.</summary>
public class PbmTokenTests(TokenDemoHost host) : IClassFixture<TokenDemoHost>
{
    [Fact]
    public async Task Without_a_token_the_request_is_refused_with_401()
    {
        var run = await Pbm.RunAsync(host.Endpoint, "cluster", "show");

        Assert.Equal(1, run.ExitCode);
        Assert.Empty(run.Stdout);
        var line = Assert.Single(run.ErrorLines);
        Assert.StartsWith($"pbm: {host.Endpoint} refused the request (401): missing or wrong bearer token", line);
    }

    [Fact]
    public async Task A_wrong_token_is_refused_with_401()
    {
        var run = await Pbm.RunAsync(host.Endpoint, "cluster", "show", "--token", "guess");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("(401)", Assert.Single(run.ErrorLines));
    }

    [Fact]
    public async Task The_token_from_the_option_or_from_PBM_TOKEN_is_accepted()
    {
        var byOption = await Pbm.RunAsync(host.Endpoint, "--token", TokenDemoHost.Token, "cluster", "show");
        var byEnvironment = await Pbm.RunAsync(new Dictionary<string, string> { ["PBM_TOKEN"] = TokenDemoHost.Token }, host.Endpoint, "node", "list");

        Assert.True(byOption.ExitCode == 0, byOption.ToString());
        Assert.Equal("Count: 1 nodes", byOption.Lines[^1]);
        Assert.True(byEnvironment.ExitCode == 0, byEnvironment.ToString());
        Assert.StartsWith("demo-1 | Connected", byEnvironment.Lines[0]);
    }

    [Fact]
    public async Task Health_probes_need_no_token_and_metrics_do()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(20) };
        using (var live = await http.GetAsync($"http://{host.Endpoint}/health/live"))
            Assert.Equal(System.Net.HttpStatusCode.OK, live.StatusCode); // an orchestrator's probe carries no token
        using (var metrics = await http.GetAsync($"http://{host.Endpoint}/metrics"))
            Assert.Equal(System.Net.HttpStatusCode.Unauthorized, metrics.StatusCode);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"http://{host.Endpoint}/metrics");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", TokenDemoHost.Token);
        using var scraped = await http.SendAsync(request);
        Assert.Equal(System.Net.HttpStatusCode.OK, scraped.StatusCode); // Prometheus' scrape config carries it
    }

    [Fact]
    public void The_host_says_it_listens_on_every_address_and_requires_the_token()
    {
        Assert.Matches(@"management endpoint listening on http://0\.0\.0\.0:\d+ \(bearer token required\)", host.Output);
    }
}
