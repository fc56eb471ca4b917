using Akka.Actor;
using Akka.Event;
using Telephony.Actors.Hosting;
using Telephony.Actors.Persistence;
using Telephony.Actors.Queues;
using Telephony.Testing;
using Xunit.Abstractions;

namespace Telephony.Actors.Tests;

/// <summary>The journal database really stopped while a member starts entities (the queue keeper wakes every agent,
/// nodes redeliver to calls): each start fails its recovery and stops. The log must say so once and then count, not
/// print a stack trace per start, and the entities must serve again once the database is back.</summary>
public sealed class JournalOutageRecoveryTests(ITestOutputHelper output)
{
    private sealed class LogTap : ReceiveActor
    {
        public LogTap(List<LogEvent> seen) => Receive<LogEvent>(e =>
        {
            lock (seen) seen.Add(e);
        });
    }

    [Fact]
    public async Task Three_hundred_agents_woken_while_the_journal_is_down_log_one_error_and_one_summary_and_serve_once_it_is_back()
    {
        using var mariadb = await PrivateMariaDb.StartAsync();
        var journal = new TestJournal(JournalProvider.MySql, mariadb.ConnectionString);
        await using var host = await TelephonyHost.StartAsync(TelephonyHost.OptionsFor(journal));
        var seen = new List<LogEvent>();
        var tap = host.System.ActorOf(Props.Create(() => new LogTap(seen)));
        host.System.EventStream.Subscribe(tap, typeof(Error));
        host.System.EventStream.Subscribe(tap, typeof(Warning));
        var agents = host.Registry.Get<AgentRegion>();

        mariadb.StopServer();
        const int woken = 300;
        for (var i = 0; i < woken; i++) agents.Tell(new WakeAgent($"outage-{i}"));

        var failures = RecoveryFailures.Get(host.System);
        await IngestScenarioTests.WaitUntil(() => failures.Total >= woken, "every woken agent tried to recover and failed", 60);
        // The summary comes when the 10 s window ends.
        await IngestScenarioTests.WaitUntil(() => Lines(seen).Any(l => l.Contains("more entity recoveries failed")), "the window's summary");

        var lines = Lines(seen);
        foreach (var line in lines) output.WriteLine(line);
        var errors = lines.Where(l => l.StartsWith("Error")).ToList();
        Assert.Single(errors, l => l.Contains("recovery of agent/outage-") && l.Contains("the journal could not be read"));
        Assert.DoesNotContain(lines, l => l.Contains("Persistence failure when replaying"));
        var summary = Assert.Single(lines, l => l.Contains("more entity recoveries failed"));
        Assert.Contains($"{failures.Total - 1} more entity recoveries failed", summary);
        Assert.Contains($"(agent {failures.Total - 1})", summary);

        await mariadb.StartServerAsync();
        // Not configured, so it answers that it is unknown: an answer comes only from an entity that has recovered.
        AgentUnknown? answer = null;
        await IngestScenarioTests.WaitUntil(async () =>
        {
            try
            {
                answer = await agents.Ask<AgentUnknown>(new GetAgent("outage-7"), TimeSpan.FromSeconds(3));
                return true;
            }
            catch (AskTimeoutException)
            {
                return false;
            }
        }, "agent outage-7 answers once the journal is back", 60);
        Assert.Equal("outage-7", answer!.AgentId);
    }

    private static List<string> Lines(List<LogEvent> seen)
    {
        lock (seen) return seen.Select(e => $"{e.GetType().Name}: {e.Message}").ToList();
    }
}
