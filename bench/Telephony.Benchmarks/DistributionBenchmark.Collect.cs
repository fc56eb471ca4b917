using Akka.Actor;
using Akka.Hosting;
using Telephony.Actors.Actions;
using Telephony.Actors.Hosting;
using Telephony.Actors.Queues;
using Telephony.Ami.Client;
using Telephony.Domain.Actions;
using Telephony.Domain.Queues;
using Telephony.Domain.Queues.Calls;
using Telephony.Simulator;

namespace Telephony.Benchmarks;

internal static partial class DistributionBenchmark
{
    /// <summary>
    /// The bench's own ear on the wire: one more AMI session per node, logged in with <c>Events: user</c>, so it gets
    /// only the UserEvents (TelephonyQueueJoin, TelephonyConnectResult: a few per caller) and costs the simulator and
    /// the host next to nothing. Each is stamped when read, on the bench clock.
    /// </summary>
    internal sealed class WireListener : IAsyncDisposable
    {
        private readonly List<AmiClient> _clients = [];
        private readonly List<Task> _loops = [];
        private readonly CancellationTokenSource _stop = new();
        private readonly Lock _lock = new();

        public Dictionary<(string Node, string UniqueId), DateTimeOffset> Joins { get; } = [];

        /// <summary>Per caller (node, Uniqueid of its ;2), the TelephonyConnectResults in the order read.</summary>
        public Dictionary<(string Node, string UniqueId), List<(string Agent, string Status, DateTimeOffset At)>> Results { get; } = [];

        public static async Task<WireListener> StartAsync(AsteriskSimulator sim)
        {
            var l = new WireListener();
            var before = sim.Nodes.Select(n => n.Sessions.LoggedInNow).ToArray();
            foreach (var node in sim.Nodes)
            {
                var client = new AmiClient(IngestBenchmark.NodeFor(node).ToClientOptions() with { EventMask = "user", ActionIdPrefix = "bench-" });
                l._clients.Add(client);
                var name = node.Name;
                client.Start();
                l._loops.Add(Task.Run(() => l.ReadAsync(client, name)));
            }
            var sw = System.Diagnostics.Stopwatch.StartNew();
            while (sim.Nodes.Select((n, i) => n.Sessions.LoggedInNow > before[i]).Any(x => !x))
            {
                if (sw.Elapsed > TimeSpan.FromSeconds(30)) throw new TimeoutException("the bench's listener sessions did not log in");
                await Task.Delay(10);
            }
            return l;
        }

        private async Task ReadAsync(AmiClient client, string node)
        {
            try
            {
                while (await client.Events.WaitToReadAsync(_stop.Token))
                    while (client.Events.TryRead(out var m))
                    {
                        if (m.EventName != "UserEvent") continue;
                        var at = Now();
                        var kind = m["UserEvent"];
                        var key = (node, m["Uniqueid"] ?? "");
                        lock (_lock)
                        {
                            if (kind == "TelephonyQueueJoin") Joins.TryAdd(key, at);
                            else if (kind == "TelephonyConnectResult")
                            {
                                if (!Results.TryGetValue(key, out var list)) Results[key] = list = [];
                                list.Add((m["Agent"] ?? "", m["DialStatus"] ?? "", at));
                            }
                        }
                    }
            }
            catch (OperationCanceledException)
            {
            }
        }

        public async ValueTask DisposeAsync()
        {
            _stop.Cancel();
            foreach (var c in _clients) await c.DisposeAsync();
            try
            {
                await Task.WhenAll(_loops);
            }
            catch (Exception)
            {
            }
        }
    }

    /// <summary>One connect action as the simulator received it, with what the queue journaled about it.</summary>
    internal sealed record Redirect(string Node, string ReservationId, string Channel, string Exten, DateTimeOffset Received,
        DateTimeOffset? SentAt, DateTimeOffset? RespondedAt, DateTimeOffset QueuedAt)
    {
        public string Status { get; init; } = "";
    }

    internal sealed record Run(
        List<Started> Callers,
        List<Redirect> Redirects,
        int RedirectReceipts,
        int OutOfWindow,
        Dictionary<string, AgentOffered> Offers,
        Dictionary<CallerKey, CallerJoined> Joined,
        Dictionary<string, OfferEnded> OfferEnds,
        Dictionary<string, CallerConnected> Connects,
        Dictionary<string, CallCompleted> Completions,
        List<CallerLeft> Lefts,
        Dictionary<(string Node, string UniqueId), DateTimeOffset> WireJoins,
        Dictionary<(string Node, string UniqueId), List<(string Agent, string Status, DateTimeOffset At)>> WireResults,
        IReadOnlyList<QueueInfo> Queues,
        long QueueJournalRows,
        long AgentJournalRows,
        DateTimeOffset Started)
    {
        public Dictionary<string, List<Telephony.Domain.Queues.Agents.IAgentEvent>> AgentEvents { get; init; } = [];

        /// <summary>Per queue, the time (At) of every event it journaled, in journal order.</summary>
        public Dictionary<string, List<DateTimeOffset>> QueueEventTimes { get; init; } = [];
    }

    private static async Task<Run> Collect(BenchHost host, AsteriskSimulator sim, BenchJournal journal, WireListener listener,
        Arrivals arrivals, QueueDirectory directory, DateTimeOffset started)
    {
        var nodes = host.Registry.Get<NodeRegion>();
        var redirects = new List<Redirect>();
        int receiptsTotal = 0, outOfWindow = 0;
        foreach (var node in sim.Nodes)
        {
            var receipts = node.ActionRate.Timestamps("Redirect");
            receiptsTotal += receipts.Count;
            var list = (ActionList)await ActionListAsk.AskAsync(nodes, node.Name, null, int.MaxValue, TimeSpan.FromSeconds(60));
            // One AMI session per node writes in the order of the action numbers: the k-th Redirect received is the
            // k-th Redirect sent (checked: its receipt lies between the action's SentAt and RespondedAt).
            var sent = list.Actions.Where(r => r.Action == "Redirect" && r.SentAt is not null)
                .OrderBy(r => ActionBook.NumberOf(r.Id)).ToList();
            if (sent.Count != receipts.Count)
                Console.WriteLine($"note: node {node.Name} received {receipts.Count} Redirects, its action queue sent {sent.Count}");
            for (var k = 0; k < Math.Min(sent.Count, receipts.Count); k++)
            {
                var r = sent[k];
                var w = receipts[k];
                if (w < r.SentAt!.Value - TimeSpan.FromMilliseconds(1) || (r.RespondedAt is { } resp && w > resp + TimeSpan.FromMilliseconds(1))) outOfWindow++;
                string H(string name) => r.Headers.FirstOrDefault(h => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Value ?? "";
                redirects.Add(new Redirect(node.Name, r.IdempotencyKey ?? "", H("Channel"), H("Exten"), w, r.SentAt, r.RespondedAt, r.QueuedAt)
                {
                    Status = r.Status + (r.Status == ActionStatus.Failed ? ": " + r.Message : ""),
                });
            }
        }

        var offers = new Dictionary<string, AgentOffered>(StringComparer.Ordinal);
        var joined = new Dictionary<CallerKey, CallerJoined>();
        var offerEnds = new Dictionary<string, OfferEnded>(StringComparer.Ordinal);
        var connects = new Dictionary<string, CallerConnected>(StringComparer.Ordinal);
        var completions = new Dictionary<string, CallCompleted>(StringComparer.Ordinal);
        var lefts = new List<CallerLeft>();
        long queueRows = 0, agentRows = 0;
        var queueTimes = new Dictionary<string, List<DateTimeOffset>>(StringComparer.Ordinal);
        var agentEvents = new Dictionary<string, List<Telephony.Domain.Queues.Agents.IAgentEvent>>(StringComparer.Ordinal);
        var serialization = host.System.Serialization;
        await using (var connection = journal.Open())
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT persistence_id, manifest, message, identifier FROM journal " +
                                  "WHERE persistence_id LIKE 'queue/%' OR persistence_id LIKE 'agent/%' ORDER BY ordering";
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                var e = serialization.Deserialize((byte[])reader.GetValue(2), reader.GetInt32(3), reader.GetString(1));
                var pid = reader.GetString(0);
                if (pid.StartsWith("agent/", StringComparison.Ordinal))
                {
                    agentRows++;
                    if (e is Telephony.Domain.Queues.Agents.IAgentEvent ae)
                    {
                        if (!agentEvents.TryGetValue(pid[6..], out var list)) agentEvents[pid[6..]] = list = [];
                        list.Add(ae);
                    }
                    continue;
                }
                queueRows++;
                if (e is IQueueEvent qe)
                {
                    if (!queueTimes.TryGetValue(pid[6..], out var times)) queueTimes[pid[6..]] = times = [];
                    times.Add(qe.At);
                }
                switch (e)
                {
                    case CallerJoined j: joined.TryAdd(j.Caller, j); break;
                    case AgentOffered o: offers[o.ReservationId] = o; break;
                    case OfferEnded oe: offerEnds.TryAdd(oe.ReservationId, oe); break;
                    case CallerConnected c: connects.TryAdd(c.ReservationId, c); break;
                    case CallCompleted done when done.ReservationId is { } r: completions.TryAdd(r, done); break;
                    case CallerLeft left: lefts.Add(left); break;
                }
            }
        }
        var region = host.Registry.Get<QueueRegion>();
        var infos = await Task.WhenAll(QueueList.Select(q => QueueInfoAsk.AskAsync(host.System, region, q, TimeSpan.FromSeconds(30))));
        return new Run(arrivals.Callers, redirects, receiptsTotal, outOfWindow, offers, joined, offerEnds, connects, completions, lefts,
            listener.Joins, listener.Results, infos, queueRows, agentRows, started) { AgentEvents = agentEvents, QueueEventTimes = queueTimes };
    }
}
