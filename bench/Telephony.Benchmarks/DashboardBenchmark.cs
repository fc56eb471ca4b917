using System.Globalization;
using OpenQA.Selenium.Chrome;
using Telephony.Testing;

namespace Telephony.Benchmarks;

/// <summary>
/// How fast the dashboard paints on loopback, in Debian's Chromium headless: the demo service as a process, the page
/// loaded <c>--loads</c> times from a blank tab. Reported: first contentful paint (the page's shell) and the first
/// data drawn (the script's <c>telephony-first-data</c> mark: every JSON route answered and drawn). The raw limit is
/// the same browser painting the same page's HTML from a file (no server, no script): the ratio is what serving it
/// and its two assets costs on top of the browser's own floor.
/// </summary>
public static class DashboardBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var loads = args.SkipWhile(a => a != "--loads").Skip(1).Select(int.Parse).FirstOrDefault(10);
        var work = Directory.CreateTempSubdirectory("telephony-dashboard-bench-");
        using var host = HostProcess.Start(work.FullName, new Dictionary<string, string>
        {
            ["TELEPHONY__MANAGEMENT__URL"] = "http://127.0.0.1:0",
            ["TELEPHONY__DEMO__CALLSPERSECOND"] = "3",
        });
        var endpoint = await host.ManagementEndpointAsync(TimeSpan.FromSeconds(90));
        using var http = new HttpClient();
        var page = await http.GetStringAsync($"http://{endpoint}/");
        var file = Path.Combine(work.FullName, "dashboard.html");
        await File.WriteAllTextAsync(file, page); // its /ui/ assets do not resolve from a file: the HTML alone
        await Task.Delay(TimeSpan.FromSeconds(10)); // the demo's node logs in and calls flow

        var options = new ChromeOptions { BinaryLocation = "/usr/bin/chromium" };
        options.AddArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1280,900");
        using var browser = new ChromeDriver(ChromeDriverService.CreateDefaultService("/usr/bin", "chromedriver"), options);
        var js = (OpenQA.Selenium.IJavaScriptExecutor)browser;

        // A performance entry's start (ms from navigation), polled every 20 ms until it is there.
        double Entry(string name, int tries)
        {
            for (var i = 0; i < tries; i++)
            {
                var at = js.ExecuteScript($"const e = performance.getEntriesByName('{name}')[0]; return e ? e.startTime : null;");
                if (at is not null) return Convert.ToDouble(at, CultureInfo.InvariantCulture);
                Thread.Sleep(20);
            }
            throw new TimeoutException($"no '{name}' within {tries * 20} ms");
        }

        double Paint() => Entry("first-contentful-paint", 100);
        double FirstData() => Entry("telephony-first-data", 500);

        var raw = new List<double>();
        var paint = new List<double>();
        var data = new List<double>();
        for (var i = 0; i < loads + 1; i++) // the first of each is a warm-up (the host's and the browser's first run)
        {
            browser.Navigate().GoToUrl("about:blank");
            browser.Navigate().GoToUrl(new Uri(file).AbsoluteUri);
            var r = Paint();
            browser.Navigate().GoToUrl("about:blank");
            browser.Navigate().GoToUrl($"http://{endpoint}/");
            var p = Paint();
            var d = FirstData();
            if (i == 0) continue;
            raw.Add(r);
            paint.Add(p);
            data.Add(d);
        }
        browser.Quit();

        double Median(List<double> xs) => xs.Order().ElementAt(xs.Count / 2);
        Console.WriteLine($"loads {loads}: first paint median {Median(paint):0} ms (max {paint.Max():0}), first data drawn median {Median(data):0} ms " +
                          $"(max {data.Max():0}); the same HTML from a file paints in {Median(raw):0} ms");
        Console.WriteLine($"dashboard: first paint {Median(paint):0} ms, first data {Median(data):0} ms, {Median(paint) / Median(raw):0.00} x of a static file's paint");
        try { work.Delete(recursive: true); } catch (IOException) { }
        return 0;
    }
}
