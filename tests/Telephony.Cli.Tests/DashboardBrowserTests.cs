using System.Net.Http.Headers;
using System.Text.Json;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using Xunit.Abstractions;

namespace Telephony.Cli.Tests;

/// <summary>
/// The dashboard in a real browser: Debian's Chromium, headless, driven through chromedriver. A supervisor signs in
/// with the operator token, watches the numbers move as the simulator's calls flow, and pauses an agent from the page;
/// a wallboard signed in with the read-only token sees the same board and cannot.
/// </summary>
[Collection(DashboardHostCollection.Collection)]
public sealed class DashboardBrowserTests(DashboardHost host, ITestOutputHelper output) : IDisposable
{
    private readonly List<ChromeDriver> _browsers = [];

    private ChromeDriver Browser()
    {
        // Debian's paths, installed by scripts/services.sh; missing, the test fails (it is never skipped).
        const string driver = "/usr/bin/chromedriver", binary = "/usr/bin/chromium";
        Assert.True(File.Exists(driver) && File.Exists(binary), $"{binary} and {driver} are needed (apt-get install chromium chromium-driver)");
        var options = new ChromeOptions { BinaryLocation = binary };
        options.AddArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1400,1000");
        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(driver)!, Path.GetFileName(driver));
        service.HideCommandPromptWindow = true;
        var browser = new ChromeDriver(service, options, TimeSpan.FromSeconds(60));
        _browsers.Add(browser);
        return browser;
    }

    private ChromeDriver SignedIn(string token)
    {
        var browser = Browser();
        browser.Navigate().GoToUrl($"http://{host.Endpoint}/");
        var field = Until(browser, b => b.FindElement(By.Id("token")) is { Displayed: true } f ? f : null, "the sign-in form");
        field.SendKeys(token);
        browser.FindElement(By.CssSelector("#sign-in button")).Click();
        Until(browser, b => b.FindElements(By.CssSelector("#node-demo-1 td")).Count > 6 ? true : (bool?)null, "the board with node demo-1");
        return browser;
    }

    private T Until<T>(IWebDriver browser, Func<IWebDriver, T?> read, string what, int seconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                if (read(browser) is { } found) return found;
            }
            catch (WebDriverException)
            {
                // not there yet, or redrawn under us: the page replaces its rows every second
            }
            Thread.Sleep(200);
        }
        output.WriteLine(browser.PageSource);
        throw new TimeoutException($"the page did not show {what} within {seconds} s");
    }

    private static string Text(IWebDriver browser, string css) => browser.FindElement(By.CssSelector(css)).Text;

    private static bool? Click(IWebDriver browser, string css)
    {
        browser.FindElement(By.CssSelector(css)).Click();
        return true;
    }

    private async Task<string> AgentStatus(string id)
    {
        using var http = new HttpClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", DashboardHost.OperatorToken);
        using var doc = JsonDocument.Parse(await http.GetStringAsync($"http://{host.Endpoint}/agents/{id}"));
        return doc.RootElement.GetProperty("status").GetString()!;
    }

    [Fact]
    public async Task A_supervisor_sees_the_numbers_move_as_calls_flow_and_pauses_an_agent_from_the_page()
    {
        var browser = SignedIn(DashboardHost.OperatorToken);
        Assert.Equal("operator", Until(browser, b => Text(b, "#role"), "the role"));

        // Live, without a reload: the node's journaled events grow while the demo's calls flow.
        var first = Until(browser, b => (long?)long.Parse(Text(b, "#node-demo-1 td:nth-child(7)")), "the journaled count");
        Until(browser, b => long.Parse(Text(b, "#node-demo-1 td:nth-child(7)")) > first ? true : (bool?)null, "the journaled count grow");
        Assert.Equal("Connected", Until(browser, b => Text(b, "#node-demo-1 td:nth-child(3)"), "the AMI state"));
        Until(browser, b => b.FindElements(By.CssSelector("#queues tbody tr")).Count == 2 ? true : (bool?)null, "the two demo queues");
        Assert.Contains("Up", Until(browser, b => Text(b, "#members tbody"), "the members"));

        // Any agent that can be paused now (one auto-paused by its phone would offer Unpause instead).
        var agent = Until(browser, b => b.FindElements(By.CssSelector(".agent[data-status=Available]")).FirstOrDefault()?.GetAttribute("id"),
            "an available agent")["agent-".Length..];
        Until(browser, b => Click(b, $"#agent-{agent} button[data-action=pause]"), $"agent {agent}'s pause button");
        Until(browser, b => b.FindElement(By.Id("agent-" + agent)).GetAttribute("data-status") == "OnBreak" ? true : (bool?)null, $"agent {agent} on break");
        Assert.Equal("OnBreak", await AgentStatus(agent)); // in the cluster, not only on the page

        Until(browser, b => Click(b, $"#agent-{agent} button[data-action=unpause]"), $"agent {agent}'s unpause button");
        Until(browser, b => b.FindElement(By.Id("agent-" + agent)).GetAttribute("data-status") == "Available" ? true : (bool?)null, $"agent {agent} back");
    }

    [Fact]
    public async Task A_wallboard_with_the_read_only_token_sees_the_board_but_cannot_pause_an_agent()
    {
        var browser = SignedIn(DashboardHost.ReadOnlyToken);
        Assert.Equal("read-only", Until(browser, b => Text(b, "#role"), "the role"));
        Assert.False(Until(browser, b => (bool?)b.FindElement(By.CssSelector("#agent-10006 button[data-action=logout]")).Enabled,
            "agent 10006's log-out button"));

        // Asked anyway from the page's own session (as a crafted request would): the endpoint refuses it.
        ((IJavaScriptExecutor)browser).ExecuteScript("act('/agents/10006/logout', {})");
        Until(browser, b => Text(b, "#notice").Contains("refused (403)") ? true : (bool?)null, "the refusal");
        Assert.NotEqual("LoggedOut", await AgentStatus("10006"));
    }

    public void Dispose()
    {
        foreach (var b in _browsers) b.Quit();
    }
}
