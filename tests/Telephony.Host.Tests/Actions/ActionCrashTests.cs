using Telephony.Simulator;
using Xunit.Abstractions;

namespace Telephony.Host.Tests.Actions;

/// <summary>The service as a real process, killed with SIGKILL while it sends Originates to four Asterisk nodes.</summary>
public class ActionCrashTests(ITestOutputHelper output)
{
    private const int Originates = 1000;
    private static readonly string[] Final = ["Failed", "Ended", "Expired", "Cancelled", "Refused", "Unknown"];

    [Fact]
    public async Task A_host_killed_while_sending_1000_originates_to_4_nodes_sends_none_twice_and_settles_every_one()
    {
        // long@test calls last 60 s of script time (15 s here): some are still up when the host is back, found live.
        await using var sim = await AsteriskSimulator.StartAsync(new SimulatorOptions
            { Port = 0, Nodes = 4, TimeScale = 0.25, TimeZone = TimeZoneInfo.Utc, CdrLinkedIdAndSequence = true });
        var work = Directory.CreateTempSubdirectory("telephony-action-crash-");
        var environment = new Dictionary<string, string>
        {
            ["TELEPHONY__PROGRESSINTERVAL"] = "00:00:05",
            // 4 x 25/s: the 1,000 take ~10 s to send, so the kill lands mid-stream.
            ["TELEPHONY__HOCON"] = "telephony.actions { rate-per-second = 25, burst = 10, max-originates-in-progress = 0 }",
        };
        for (var i = 0; i < 4; i++)
        {
            environment[$"TELEPHONY__NODES__{i}__NAME"] = $"pbx{i + 1}";
            environment[$"TELEPHONY__NODES__{i}__HOST"] = "127.0.0.1";
            environment[$"TELEPHONY__NODES__{i}__PORT"] = sim.Nodes[i].Port.ToString();
            environment[$"TELEPHONY__NODES__{i}__USERNAME"] = "admin";
            environment[$"TELEPHONY__NODES__{i}__SECRET"] = "secret";
        }
        var requests = Enumerable.Range(0, Originates)
            .Select(i => (Node: $"pbx{i % 4 + 1}", Channel: i % 3 == 0 ? "Local/long@test" : "Local/answer@test", Key: $"dialer-{i}"))
            .ToList();

        int acceptedBeforeKill;
        using (var first = HostProcess.Start(work.FullName, environment))
        {
            using var http = new ActionHttp(await first.ManagementEndpointAsync(TimeSpan.FromSeconds(60)));
            await Until(() => sim.Nodes.All(n => n.Sessions.LoggedInNow > 0), "all four nodes log in", first);
            // The dialer submits while the queues send; the host dies a third of the way through.
            var submitting = SubmitAll(http, requests, tolerateDeath: true);
            await Until(() => sim.Nodes.Sum(n => n.Actions["Originate"]) >= 300, "some 300 Originates reach the nodes", first);
            first.KillHard();
            Assert.Equal(137, first.ExitCode);
            acceptedBeforeKill = (await submitting).Count(a => a is not null);
        }
        var sentBeforeKill = sim.Nodes.Sum(n => n.Actions["Originate"]);
        output.WriteLine($"accepted before the kill: {acceptedBeforeKill}; Originates Asterisk had received: {sentBeforeKill}");

        using var second = HostProcess.Start(work.FullName, environment);
        using var again = new ActionHttp(await second.ManagementEndpointAsync(TimeSpan.FromSeconds(60)));
        // The dialer retries every request it is not sure of, with the same key: a retry must never place a second call.
        ActionHttp.Action?[] retried;
        try
        {
            retried = await SubmitAll(again, requests, tolerateDeath: false);
        }
        catch (Exception)
        {
            output.WriteLine(second.Output[^Math.Min(8000, second.Output.Length)..]);
            throw;
        }
        Assert.All(retried, a => Assert.NotNull(a));
        Assert.Equal(Originates, retried.Select(a => a!.Id).Distinct().Count());

        List<ActionHttp.Action> actions = [];
        try
        {
            await Until(async () =>
            {
                actions = [];
                foreach (var node in requests.Select(r => r.Node).Distinct()) actions.AddRange(await again.ListAsync(node, 1000));
                return actions.Count == Originates && actions.All(a => Final.Contains(a.Status));
            }, "every action reaches a final status", second, seconds: 180);
        }
        finally
        {
            output.WriteLine("statuses: " + string.Join(", ", actions.GroupBy(a => a.Status).Select(g => $"{g.Key} {g.Count()}")));
            foreach (var a in actions.Where(a => !Final.Contains(a.Status)).Take(10))
                output.WriteLine($"  not final: {a.Id} {a.Status} sent {a.SentAt} '{a.Message}' received by Asterisk " +
                                 sim.Nodes.Sum(n => n.OriginatesByChannelId.OriginatesReceived(a.ChannelId!)));
        }

        var byStatus = actions.GroupBy(a => a.Status).ToDictionary(g => g.Key, g => g.Count());
        output.WriteLine("statuses: " + string.Join(", ", byStatus.Select(s => $"{s.Key} {s.Value}")));
        output.WriteLine($"Unknown: {byStatus.GetValueOrDefault("Unknown")}");
        foreach (var node in sim.Nodes) output.WriteLine($"{node.Name}: {node.OriginatesByChannelId.Summary()}");

        // Never twice: no ChannelId reached Asterisk more than once, and every Originate it got is one of ours.
        Assert.All(sim.Nodes, n => Assert.Empty(n.OriginatesByChannelId.DuplicateChannelIds));
        var ours = actions.Select(a => a.ChannelId!).ToHashSet();
        Assert.All(sim.Nodes.SelectMany(n => n.OriginatesByChannelId.Snapshot().Keys), id => Assert.Contains(id, ours));
        var received = sim.Nodes.SelectMany(n => n.OriginatesByChannelId.Snapshot().Keys).ToHashSet();
        // An action said to have ended was received; one that was never written was not.
        Assert.All(actions.Where(a => a.Status == "Ended"), a => Assert.Contains(a.ChannelId!, received));
        Assert.All(actions.Where(a => a.SentAt is null), a => Assert.DoesNotContain(a.ChannelId!, received));
        Assert.True(byStatus.GetValueOrDefault("Ended") > Originates / 2, "most calls were placed and ended");
        work.Delete(recursive: true);
    }

    private static async Task<ActionHttp.Action?[]> SubmitAll(ActionHttp http, IReadOnlyList<(string Node, string Channel, string Key)> requests,
        bool tolerateDeath)
    {
        using var gate = new SemaphoreSlim(16);
        return await Task.WhenAll(requests.Select(async r =>
        {
            await gate.WaitAsync();
            try
            {
                return await http.OriginateAsync(r.Node, r.Channel, r.Key, tolerateDeath, tolerateDeath ? TimeSpan.Zero : TimeSpan.FromSeconds(90));
            }
            finally
            {
                gate.Release();
            }
        }));
    }

    private static Task Until(Func<bool> condition, string what, HostProcess host, int seconds = 90) =>
        Until(() => Task.FromResult(condition()), what, host, seconds);

    private static async Task Until(Func<Task<bool>> condition, string what, HostProcess host, int seconds = 90)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (DateTime.UtcNow < deadline)
        {
            if (host.HasExited) Assert.Fail($"the host exited ({host.ExitCode}) while waiting until {what}:\n{host.Output}");
            try
            {
                if (await condition()) return;
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            await Task.Delay(250);
        }
        Assert.Fail($"timed out after {seconds}s waiting until {what}:\n{host.Output[^Math.Min(6000, host.Output.Length)..]}");
    }
}
