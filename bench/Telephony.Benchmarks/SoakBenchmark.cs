using Telephony.Testing.Fleet;

namespace Telephony.Benchmarks;

/// <summary>
/// <c>soak</c>: the fleet soak of issue 19 at the size asked for (see <see cref="FleetSoakOptions"/>), printing its
/// schedule, its accounting and, last, the one summary line. Exit code 1 when a promise was broken. Needs the test
/// MariaDB of scripts/services.sh (<c>source .local/services.env</c>) for the server it creates its databases on,
/// unless the outage runs, which starts a MariaDB of its own.
/// </summary>
internal static class SoakBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        FleetSoakOptions options;
        try
        {
            options = FleetSoakOptions.Parse(args);
        }
        catch (Exception e) when (e is ArgumentException or FormatException)
        {
            Console.Error.WriteLine("soak: " + e.Message);
            return 2;
        }
        var started = DateTime.UtcNow;
        var report = await FleetSoak.RunAsync(options, line => Console.WriteLine($"{DateTime.UtcNow:HH:mm:ss} {line}"));
        Console.WriteLine($"soak ran {(DateTime.UtcNow - started).TotalMinutes:0.0} min");
        Console.WriteLine(report.Summary);
        return report.Problems.Count == 0 ? 0 : 1;
    }
}
