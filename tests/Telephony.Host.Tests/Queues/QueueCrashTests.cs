using System.Diagnostics;
using Telephony.Simulator;
using Telephony.Simulator.Queue;
using Xunit.Abstractions;

namespace Telephony.Host.Tests.Queues;

/// <summary>
/// The service as a real process, SIGKILLed while one call queue has 200 callers waiting and 50 agents busy on four
/// Asterisk nodes, and started again on the same journal; the simulator (in the test process) keeps every call going
/// meanwhile. Its ledger of agent legs bridged to callers is the proof of who talked to whom.
/// </summary>
public class QueueCrashTests(ITestOutputHelper output)
{
    private const string Queue = "sales";
    private const double TimeScale = 0.25; // every simulated time below lasts a quarter of it on the wall clock
    private const int Nodes = 4;
    private const int AgentCount = 50;
    private const int Callers = 280;
    private const int DowntimeCallers = 24;

    /// <summary>How long a caller without patience listens before its phone gives up (simulated; 60 s wall).</summary>
    private static readonly TimeSpan PhoneMaxWait = TimeSpan.FromSeconds(240);

    private static string HostNode(int index) => $"pbx-{(char)('a' + index)}";

    [Fact]
    public async Task A_host_killed_with_200_callers_waiting_and_50_agents_busy_connects_each_caller_at_most_once_and_never_gives_an_agent_two_calls()
    {
        // 50 agents over the four nodes (ids <node><nnn>: 2007 is node 2's 7th), each ringing 2-6 s and talking
        // 40-200 s (10-50 s wall): all busy when the host dies, some finishing while it is dead, the others after.
        var draw = new Random(18);
        var agents = Enumerable.Range(0, AgentCount).Select(i =>
        {
            var node = i % Nodes + 1;
            return AgentBehavior.Answers($"{node}{i / Nodes + 1:000}", node, 2 + draw.NextDouble() * 4, 40 + draw.NextDouble() * 160);
        }).ToList();
        await using var sim = await AsteriskSimulator.StartAsync(new SimulatorOptions
        {
            Port = 0, Nodes = Nodes, TimeScale = TimeScale, TimeZone = TimeZoneInfo.Utc,
            // One scaled clock per node that calls start on: without it each call starts on the wall clock and runs
            // 1/TimeScale as fast, so the ledger's times of two callers that joined apart are not comparable.
            SubSecondTimes = true,
            VirtualQueue = new VirtualQueueOptions { Agents = agents, MaxWait = PhoneMaxWait },
        });
        var ledger = sim.VirtualQueue.Ledger;
        await using var watch = new LedgerWatch(ledger);
        var nodeIndex = sim.Nodes.Select((n, i) => (n.Name, i)).ToDictionary(x => x.Name, x => x.i);
        string HostKey(QueueCaller c) => $"{HostNode(nodeIndex[c.NodeName])}/{c.Uniqueid}";

        var work = Directory.CreateTempSubdirectory("telephony-queue-crash-");
        var environment = new Dictionary<string, string>
        {
            ["TELEPHONY__PROGRESSINTERVAL"] = "00:00:05",
            // The queue's recovery and the agents' deadlines are Akka info lines: kept for the diagnosis of a failure.
            ["Logging__LogLevel__Akka"] = "Information",
            [$"TELEPHONY__QUEUES__{Queue}__STRATEGY"] = "leastrecent",
            // The simulated Dial gives up after 15 s simulated (3.75 s wall); the reservation lives this + 15 s.
            [$"TELEPHONY__QUEUES__{Queue}__RINGTIMEOUT"] = "5",
        };
        for (var i = 0; i < Nodes; i++)
        {
            environment[$"TELEPHONY__NODES__{i}__NAME"] = HostNode(i);
            environment[$"TELEPHONY__NODES__{i}__HOST"] = "127.0.0.1";
            environment[$"TELEPHONY__NODES__{i}__PORT"] = sim.Nodes[i].Port.ToString();
            environment[$"TELEPHONY__NODES__{i}__USERNAME"] = "admin";
            environment[$"TELEPHONY__NODES__{i}__SECRET"] = "secret";
        }
        foreach (var a in agents)
        {
            environment[$"TELEPHONY__AGENTS__{a.Id}__NODE"] = HostNode(a.Node - 1);
            environment[$"TELEPHONY__AGENTS__{a.Id}__EXTENSION"] = new AgentRoute(a.Node, a.Id).Extension;
            environment[$"TELEPHONY__AGENTS__{a.Id}__QUEUES"] = Queue;
            environment[$"TELEPHONY__AGENTS__{a.Id}__LOGGEDIN"] = "true";
        }

        // ---------------------------------------------------------------- before the kill
        var callers = new List<QueueCaller>();
        var gone = new System.Collections.Concurrent.ConcurrentDictionary<QueueCaller, DateTimeOffset>(); // when each call ended
        QueueCaller Noted(QueueCaller c)
        {
            _ = c.Completion.ContinueWith(_ => gone[c] = DateTimeOffset.UtcNow, TaskScheduler.Default);
            return c;
        }
        var patienceDraw = new Random(1818);
        QueueHttp.Queue atKill;
        HashSet<(string, string)> talkingAtKill;
        int goneBeforeKill;
        var killedAt = DateTimeOffset.MinValue;
        var first = HostProcess.Start(work.FullName, environment);
        using (first)
        {
            using var http = new QueueHttp(await first.ManagementEndpointAsync(TimeSpan.FromSeconds(60)));
            await Until(() => sim.Nodes.All(n => n.Sessions.LoggedInNow > 0), "all four nodes log in", first);
            await Until(async () => await http.QueueAsync(Queue) is { } q && q.Available == AgentCount,
                $"the queue sees its {AgentCount} agents available", first);

            // 280 callers in 6 s, round-robin over the nodes; 30% hang up after 40-200 s (10-50 s wall).
            for (var i = 0; i < Callers; i++)
            {
                TimeSpan? patience = patienceDraw.NextDouble() < 0.3 ? TimeSpan.FromSeconds(40 + patienceDraw.NextDouble() * 160) : null;
                callers.Add(Noted(sim.Nodes[i % Nodes].StartQueueCaller(Queue, priority: 3, patience)
                                  ?? throw new InvalidOperationException("a node is restarting")));
                await Task.Delay(20);
            }
            await Task.WhenAll(callers.Select(c => c.Joined)).WaitAsync(TimeSpan.FromSeconds(60));

            // Every join journaled (so the host's count of callers is exact); the first talks ending, so agents are
            // offered again all the time; nearly every agent talking, about 200 in line,
            // and at least one agent ringing: the kill lands on connects in flight.
            QueueHttp.Queue? last = null;
            await Until(async () => (last = await http.QueueAsync(Queue)) is { } q && q.Statistics.Offered == Callers
                    && q.Statistics.Completed >= 5 && q.Connected.Count >= AgentCount - 5 && q.Waiting.Count >= 180
                    && q.Waiting.Any(w => w.Phase != "Waiting"),
                $"all {Callers} callers are in the queue, 5 calls done, {AgentCount - 5}+ connected, 180+ waiting, one ringing", first,
                describe: () => last is null ? "no answer"
                    : $"offered {last.Statistics.Offered}, completed {last.Statistics.Completed}, connected {last.Connected.Count}, " +
                      $"waiting {last.Waiting.Count}, ringing {last.Waiting.Count(w => w.Phase != "Waiting")}");
            atKill = last!;
            first.KillHard();
            killedAt = DateTimeOffset.UtcNow;
            Assert.Equal(137, first.ExitCode);
            talkingAtKill = ledger.Connections.Where(c => c.End is null).Select(c => (c.CallerNode, c.CallerUniqueid)).ToHashSet();
            goneBeforeKill = callers.Count(c => c.Completion.IsCompleted);
        }
        var killed = Stopwatch.StartNew();
        output.WriteLine($"at the kill: host {atKill.Statistics}; {atKill.Connected.Count} connected, {atKill.Waiting.Count} waiting " +
                         $"({atKill.Waiting.Count(w => w.Phase != "Waiting")} with an agent ringing); simulator: {talkingAtKill.Count} talking, " +
                         $"{ledger.Waiting} on music, {goneBeforeKill} callers already gone; ringing at the kill: " +
                         string.Join(", ", atKill.Waiting.Where(w => w.Phase != "Waiting").Select(w => $"{w.Key} (agent {w.Agent})")));

        // ---------------------------------------------------------------- while the host is dead
        // Calls keep arriving: half hang up after 4-12 s (1-3 s wall), before the host is back; the other half wait.
        var downtime = new List<QueueCaller>();
        for (var i = 0; i < DowntimeCallers; i++)
            downtime.Add(Noted(sim.Nodes[i % Nodes].StartQueueCaller(Queue, priority: 3,
                i % 2 == 0 ? TimeSpan.FromSeconds(4 + patienceDraw.NextDouble() * 8) : null) ?? throw new InvalidOperationException("a node is restarting")));
        await Task.WhenAll(downtime.Select(c => c.Joined)).WaitAsync(TimeSpan.FromSeconds(60));
        // Dead long enough that some of the talks up at the kill end unseen (and the impatient newcomers hang up).
        await Until(() => downtime.Where(c => c.Patience is not null).All(c => c.Completion.IsCompleted)
                          && ledger.Connections.Count(c => c.End is not null && talkingAtKill.Contains((c.CallerNode, c.CallerUniqueid))) >= 5,
            "some talks up at the kill end and the impatient newcomers hang up", null);
        var endedUnseen = ledger.Connections.Count(c => c.End is not null && talkingAtKill.Contains((c.CallerNode, c.CallerUniqueid)));
        var goneUnseen = callers.Count(c => c.Completion.IsCompleted) - goneBeforeKill;
        var downtimeGoneBeforeRestart = downtime.Where(c => c.Completion.IsCompleted).ToHashSet();
        var deadFor = killed.Elapsed;

        // ---------------------------------------------------------------- after the restart
        using var second = HostProcess.Start(work.FullName, environment);
        var restarted = Stopwatch.StartNew();
        output.WriteLine($"dead for {deadFor.TotalSeconds:0.0}s: {endedUnseen} talks ended, {goneUnseen} waiting callers hung up, " +
                         $"{DowntimeCallers} new callers joined ({downtimeGoneBeforeRestart.Count} hung up again) unseen");
        using var again = new QueueHttp(await second.ManagementEndpointAsync(TimeSpan.FromSeconds(60)));
        // The host is blind from the kill until its AMI sessions are back: what a node says meanwhile is lost to it.
        await Until(() => sim.Nodes.All(n => n.Sessions.LoggedInNow > 0), "all four nodes log in again", second);
        var seeingAgainAt = DateTimeOffset.UtcNow;
        var blind = seeingAgainAt - killedAt;
        var everyone = callers.Concat(downtime).ToList();

        // Drained on the simulator: talks over, and every caller not connected gone by its patience or its phone's
        // maximum wait (60 s wall after it joined), so this is bounded whatever the host does.
        await Until(() => everyone.All(c => c.Completion.IsCompleted), "every simulated caller's call ends", second, seconds: 240,
            describe: () => $"{everyone.Count(c => !c.Completion.IsCompleted)} callers still up, {ledger.Waiting} on music");
        var simulatorDrained = restarted.Elapsed;
        // ... and on the host: nobody left waiting or connected, no agent holding a reservation.
        QueueHttp.Queue? final = null;
        IReadOnlyList<QueueHttp.AgentInfo>? agentInfos = null;
        // Then every end is the host's to see: 45 s is ample for its reservation deadlines (20 s) and keeper (10 s).
        var hostDrained = await Eventually(async () =>
            (final = await again.QueueAsync(Queue)) is { Waiting.Count: 0, Connected.Count: 0 }
            && (agentInfos = await again.AgentsAsync()) is { } list && list.Count == AgentCount
            && list.All(a => a.ReservationId is null && a.Activity == "Idle"), second, seconds: 45);
        var drained = restarted.Elapsed;
        final ??= await again.QueueAsync(Queue);
        agentInfos ??= await again.AgentsAsync();

        // ---------------------------------------------------------------- figures
        var connections = ledger.Connections;
        var byCaller = connections.GroupBy(c => (c.CallerNode, c.CallerUniqueid)).ToDictionary(g => g.Key, g => g.Count());
        int ConnectionsOf(QueueCaller c) => byCaller.GetValueOrDefault((c.NodeName, c.Uniqueid));
        var connected = everyone.Count(c => c.Outcome == QueueCallerOutcome.Connected);
        var abandoned = everyone.Count(c => c.Outcome == QueueCallerOutcome.Abandoned && c.Patience is not null);
        var timedOut = everyone.Count(c => c.Outcome == QueueCallerOutcome.Abandoned && c.Patience is null);
        var hungUp = everyone.Count(c => c.Outcome == QueueCallerOutcome.HungUp);
        output.WriteLine($"callers: {everyone.Count} ({Callers} before the kill, {DowntimeCallers} while dead); connected {connected}, " +
                         $"abandoned (patience) {abandoned}, timed out (phone's {PhoneMaxWait.TotalSeconds:0} s) {timedOut}, hung up by AMI {hungUp}");
        output.WriteLine($"ledger: joined {ledger.Joined}, abandoned {ledger.Abandoned}, on music {ledger.Waiting}, connections {connections.Count}, " +
                         $"still talking {connections.Count(c => c.End is null)}, overlaps {ledger.Overlaps().Count}, " +
                         $"callers connected twice {ledger.CallersConnectedMoreThanOnce().Count}");
        var perAgent = connections.GroupBy(c => c.AgentId).ToDictionary(g => g.Key, g => g.Count());
        output.WriteLine($"connections per agent: min {agents.Min(a => perAgent.GetValueOrDefault(a.Id))}, max {perAgent.Values.DefaultIfEmpty().Max()}, " +
                         $"mean {connections.Count / (double)AgentCount:0.0}: " +
                         string.Join(" ", agents.Select(a => $"{a.Id}:{perAgent.GetValueOrDefault(a.Id)}")));
        output.WriteLine($"Redirects sent: {sim.Nodes.Sum(n => n.Actions["Redirect"])} ({string.Join(", ", sim.Nodes.Select(n => $"{n.Name} {n.Actions["Redirect"]}"))})");
        output.WriteLine($"host at the end: {(final is null ? "no answer" : $"{final.Statistics}; {final.Waiting.Count} waiting, {final.Connected.Count} connected")}");
        output.WriteLine($"drain after the restart: simulator {simulatorDrained.TotalSeconds:0.0}s, host {(hostDrained ? $"{drained.TotalSeconds:0.0}s" : "never (see below)")}");
        var seen = watch.Connections;
        var upAtKill = seen.Where(c => c.Up < killedAt && (c.Over is null || c.Over > killedAt)).ToList();
        output.WriteLine($"blind for {blind.TotalSeconds:0.0}s (kill {killedAt:HH:mm:ss.fff} to AMI logins {seeingAgainAt:HH:mm:ss.fff}): " +
                         $"of {upAtKill.Count} talks up at the kill {upAtKill.Count(c => c.Over <= seeingAgainAt)} ended then, " +
                         $"{upAtKill.Count(c => c.Over > seeingAgainAt)} after");
        if (!hostDrained) await DiagnoseAsync(again, final, agentInfos, everyone, HostKey, first, second, seen, gone, killedAt, seeingAgainAt);
        var logs = Path.Combine(work.FullName, "host-before-kill.log");
        File.WriteAllText(logs, first.Output);
        File.WriteAllText(Path.Combine(work.FullName, "host-after-restart.log"), second.Output);
        output.WriteLine($"host output: {logs} and host-after-restart.log beside it (kept when the test fails)");
        // A talk answered after the kill and over before the host read its nodes again left no trace it could read:
        // for the host that caller hung up while its agent rang (abandoned). Up to half a second before the kill the
        // answer may or may not have been read.
        var unseenTalks = seen.Where(c => c.Up > killedAt - TimeSpan.FromSeconds(0.5) && c.Over is { } over && over <= seeingAgainAt).ToList();
        output.WriteLine($"talks answered and over while the host was blind: {unseenTalks.Count}" +
                         string.Concat(unseenTalks.Select(c => $" {c.Connection.CallerNode}/{c.Connection.CallerUniqueid} (agent {c.Connection.AgentId})")));
        var wallOverlaps = watch.Overlaps();
        output.WriteLine($"overlaps on the wall clock: {wallOverlaps.Count}");
        foreach (var (a, b) in wallOverlaps.Take(10))
            output.WriteLine($"  OVERLAP agent {a.Connection.AgentId}@{a.Connection.AgentNode}: " +
                             $"{a.Connection.CallerNode}/{a.Connection.CallerUniqueid} up {a.Up:HH:mm:ss.fff}-{a.Over:HH:mm:ss.fff} and " +
                             $"{b.Connection.CallerNode}/{b.Connection.CallerUniqueid} up {b.Up:HH:mm:ss.fff}-{b.Over:HH:mm:ss.fff} " +
                             $"(wall clock); host lines: " +
                             string.Join(" | ", Lines(first.Output + second.Output, $"agent {a.Connection.AgentId}:").Take(5)));
        foreach (var (a, b) in ledger.Overlaps().Take(10))
            output.WriteLine($"  LEDGER OVERLAP agent {a.AgentId}@{a.AgentNode}: {a.CallerNode}/{a.CallerUniqueid} {a.Start:HH:mm:ss.fff}-{a.End:HH:mm:ss.fff} " +
                             $"and {b.CallerNode}/{b.CallerUniqueid} {b.Start:HH:mm:ss.fff}-{b.End:HH:mm:ss.fff}");

        // ---------------------------------------------------------------- the simulator's proof
        // No agent on two callers at once (on the callers' simulated clocks, and on the wall clock), no caller
        // connected twice.
        Assert.Empty(wallOverlaps);
        Assert.Empty(ledger.Overlaps());
        Assert.Empty(ledger.CallersConnectedMoreThanOnce());
        // Every caller that joined has exactly one fate: connected once (and the talk ended), or gone unconnected
        // by its patience (abandoned) or by its phone's maximum wait (timed out). Nobody was hung up by the queue.
        Assert.Equal(everyone.Count, ledger.Joined);
        Assert.Equal(0, ledger.Waiting);
        Assert.All(connections, c => Assert.NotNull(c.End));
        Assert.All(everyone, c => Assert.Equal(c.Outcome == QueueCallerOutcome.Connected ? 1 : 0, ConnectionsOf(c)));
        Assert.Equal(0, hungUp);
        Assert.Equal(everyone.Count, connected + abandoned + timedOut);
        Assert.Equal(everyone.Count - connected, ledger.Abandoned);
        // A caller that joined and hung up while the host was dead was never in its queue, so never connected.
        Assert.All(downtimeGoneBeforeRestart, c => Assert.Equal(0, ConnectionsOf(c)));

        // ---------------------------------------------------------------- the host's account agrees
        Assert.True(hostDrained, "the restarted host's queue empties and every agent ends idle without a reservation (see the output)");
        var s = final!.Statistics;
        // Offered: every caller that joined before the kill (each join was journaled before it), plus those of the
        // downtime the host could still have learnt of (up when it came back); none that hung up before.
        var seenOfDowntime = s.Offered - Callers;
        output.WriteLine($"downtime callers the host learnt of: {seenOfDowntime} of {DowntimeCallers - downtimeGoneBeforeRestart.Count} still up at the restart");
        Assert.InRange(seenOfDowntime, 0, DowntimeCallers - downtimeGoneBeforeRestart.Count);
        Assert.Equal(0, s.Refused);
        Assert.Equal(s.Offered, s.Left);
        // Answered: one per connection in the ledger (the host connected every one of them, before or after the kill),
        // less those it could not see at all.
        Assert.InRange(s.Answered, connections.Count - unseenTalks.Count, connections.Count);
        Assert.Equal(s.Answered, s.Completed);
        // The others hung up (no MaxWait on the queue, no node restarted): abandoned, for the host.
        Assert.Equal(s.Offered - s.Answered, s.Abandoned);
        Assert.Equal(0, s.TimedOut + s.LeftEmpty + s.Dropped);
        // Each agent's own count of calls is its connections in the ledger.
        Assert.All(agentInfos!, a => Assert.InRange(a.Calls,
            perAgent.GetValueOrDefault(a.Id) - unseenTalks.Count(c => c.Connection.AgentId == a.Id), perAgent.GetValueOrDefault(a.Id)));
        work.Delete(recursive: true);
    }

    /// <summary>What the host still holds at the end, each caller with its fate on the simulator and the host's lines
    /// about it, and each agent not idle.</summary>
    private async Task DiagnoseAsync(QueueHttp http, QueueHttp.Queue? final, IReadOnlyList<QueueHttp.AgentInfo>? agents,
        IReadOnlyList<QueueCaller> callers, Func<QueueCaller, string> hostKey, HostProcess before, HostProcess host,
        IReadOnlyList<LedgerWatch.Seen> seen, IReadOnlyDictionary<QueueCaller, DateTimeOffset> gone, DateTimeOffset killedAt,
        DateTimeOffset seeingAgainAt)
    {
        var byKey = callers.ToDictionary(hostKey);
        var actions = new List<QueueHttp.ActionInfo>();
        for (var i = 0; i < Nodes; i++) actions.AddRange(await http.ActionsAsync(HostNode(i)));
        string Window(DateTimeOffset? t) => t is null ? "never" : t < killedAt ? "before the kill" : t <= seeingAgainAt ? "while blind" : "after";
        string Summary(IEnumerable<DateTimeOffset?> times) =>
            string.Join(", ", times.GroupBy(Window).Select(g => $"{g.Count()} {g.Key}"));
        var stuck = (final?.Connected ?? []).Select(c => byKey.GetValueOrDefault(c.Key)).OfType<QueueCaller>().ToList();
        output.WriteLine($"still connected for the host: {stuck.Count}; their talks ended " + Summary(stuck.Select(c =>
            seen.FirstOrDefault(x => x.Connection.CallerNode == c.NodeName && x.Connection.CallerUniqueid == c.Uniqueid)?.Over)));
        var ringing = (final?.Waiting ?? []).Select(c => byKey.GetValueOrDefault(c.Key)).OfType<QueueCaller>().ToList();
        output.WriteLine($"still waiting/ringing for the host: {(final?.Waiting.Count ?? 0)}; their calls ended " +
                         Summary(ringing.Select(c => gone.TryGetValue(c, out var t) ? t : (DateTimeOffset?)null)));
        foreach (var c in (final?.Waiting ?? Enumerable.Empty<QueueHttp.Caller>()).Concat(final?.Connected ?? Enumerable.Empty<QueueHttp.Caller>()).Take(15))
        {
            var sim = byKey.GetValueOrDefault(c.Key);
            var uniqueId = c.Key[(c.Key.IndexOf('/') + 1)..];
            var node = c.Key[..c.Key.IndexOf('/')];
            var talk = sim is null ? null : seen.FirstOrDefault(x => x.Connection.CallerNode == sim.NodeName && x.Connection.CallerUniqueid == sim.Uniqueid);
            var when = (talk is null ? "" : $", talk {When(talk.Up)} to {When(talk.Over)}") +
                       (sim is not null && gone.TryGetValue(sim, out var end) ? $", call over {When(end)}" : "");
            string When(DateTimeOffset? t) => t is null ? "-" : t < killedAt ? $"{(t.Value - killedAt).TotalSeconds:0.0}s before the kill"
                : t <= seeingAgainAt ? $"{(t.Value - killedAt).TotalSeconds:0.0}s after the kill (host blind)"
                : $"{(t.Value - seeingAgainAt).TotalSeconds:0.0}s after the host saw again";
            output.WriteLine($"  STILL IN THE QUEUE {c.Key} ({c.Phase}, agent {c.Agent}); simulator: {sim?.Outcome.ToString() ?? "unknown caller"}, " +
                             $"connections {string.Join(", ", sim?.Connections.Select(x => x.AgentId) ?? Enumerable.Empty<string>())}{when}; " +
                             $"host lines before the kill: {string.Join(" | ", Lines(before.Output, uniqueId).TakeLast(3))}; " +
                             $"after: {string.Join(" | ", Lines(host.Output, uniqueId).Take(5))}");
            foreach (var a in actions.Where(a => sim is not null && a.Id.StartsWith(node + ":", StringComparison.Ordinal) && a.Channel == sim.Channel))
                output.WriteLine($"      action {a.Id} {a.Action} {a.Exten} key {a.Key}: {a.Status} '{a.Message}' queued {a.QueuedAt} sent {a.SentAt} attempts {a.Attempts}");
        }
        foreach (var a in (agents ?? Enumerable.Empty<QueueHttp.AgentInfo>()).Where(a => a.ReservationId is not null || a.Activity != "Idle").Take(15))
            output.WriteLine($"  AGENT NOT FREE {a.Id}: {a.Status}/{a.Activity} ({a.State}), reservation {a.ReservationId} for {a.ReservationCaller}; " +
                             $"host lines: {string.Join(" | ", Lines(host.Output, $"agent {a.Id}:").Take(5))}");
        output.WriteLine("host warnings: " + string.Join("\n", Lines(host.Output, "WARN").TakeLast(30)));
    }

    private static IEnumerable<string> Lines(string text, string needle) =>
        text.Split('\n').Where(l => l.Contains(needle, StringComparison.Ordinal)).Select(l => l.TrimEnd());

    private static Task Until(Func<bool> condition, string what, HostProcess? host, int seconds = 90, Func<string>? describe = null) =>
        Until(() => Task.FromResult(condition()), what, host, seconds, describe);

    private static async Task Until(Func<Task<bool>> condition, string what, HostProcess? host, int seconds = 90, Func<string>? describe = null)
    {
        if (await Eventually(condition, host, seconds)) return;
        Assert.Fail($"timed out after {seconds}s waiting until {what} ({describe?.Invoke()}):\n" +
                    (host is null ? "" : host.Output[^Math.Min(6000, host.Output.Length)..]));
    }

    /// <summary>Polls until the condition holds (true) or the deadline passes (false); fails at once if the host exits.</summary>
    private static async Task<bool> Eventually(Func<Task<bool>> condition, HostProcess? host, int seconds)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (DateTime.UtcNow < deadline)
        {
            if (host is { HasExited: true }) Assert.Fail($"the host exited ({host.ExitCode}):\n{host.Output}");
            if (await condition()) return true;
            await Task.Delay(250);
        }
        return false;
    }
}
