using Telephony.Actors.Queues;
using Telephony.Domain.Queues;
using Telephony.Domain.Queues.Agents;
using Telephony.Domain.Queues.Calls;
using Telephony.Simulator;
using Telephony.Simulator.Queue;
using Percentiles = Telephony.Benchmarks.ActionsBenchmark.Percentiles;

namespace Telephony.Benchmarks;

internal static partial class DistributionBenchmark
{
    internal sealed record Outcome(double AssignmentsPerSecond, Percentiles Latency, int Lost, int DoubleBooked, bool Consistent)
    {
        /// <summary>Stage 3: the connect Redirect written → the simulator read it.</summary>
        public Percentiles WireLatency { get; init; }
    }

    /// <summary>
    /// Decision latency, per connect Redirect the simulator received (every assignment, answered or not):
    /// from <c>start = max(caller ready, agent ready)</c> to the Redirect's receipt, where
    /// caller ready = its join (the earlier of the bench's listener reading TelephonyQueueJoin and the queue's
    /// CallerJoined time) or, for a caller offered again, the end of its previous offer (the earlier of the listener
    /// reading its TelephonyConnectResult and the queue's OfferEnded time);
    /// agent ready = the end of the agent's previous assignment (ConnectResult ANSWER at the end of the talk, or the
    /// queue's CallCompleted; OfferEnded plus the no-answer/busy delay the agent then owes), or "always" for an agent's
    /// first assignment (every agent was available before the first caller arrived).
    /// </summary>
    private static Outcome Report(Run run, AsteriskSimulator sim, Args a, QueueDirectory directory, IReadOnlyList<AgentBehavior> behaviours)
    {
        var ledger = sim.VirtualQueue.Ledger;
        var connections = ledger.Connections;
        var byReservation = run.Redirects.GroupBy(r => r.ReservationId).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var duplicateKeys = run.Redirects.Count - byReservation.Count;

        // Per caller and per agent, their offers in the order the queue made them.
        var offersOfCaller = run.Offers.Values.GroupBy(o => o.Caller).ToDictionary(g => g.Key, g => g.OrderBy(o => o.At).ToList());
        var offersOfAgent = run.Offers.Values.GroupBy(o => o.AgentId).ToDictionary(g => g.Key, g => g.OrderBy(o => o.At).ToList(), StringComparer.Ordinal);

        DateTimeOffset Min(DateTimeOffset x, DateTimeOffset? y) => y is { } v && v < x ? v : x;

        // The wire result of a caller's i-th offer (TelephonyConnectResult i), if the listener read one.
        DateTimeOffset? WireResult(CallerKey caller, int index) =>
            run.WireResults.TryGetValue((caller.Node, caller.UniqueId), out var list) && index < list.Count ? list[index].At : null;

        DateTimeOffset? EndOf(AgentOffered o, out TimeSpan owed)
        {
            owed = TimeSpan.Zero;
            var index = offersOfCaller[o.Caller].IndexOf(o);
            if (run.Connects.ContainsKey(o.ReservationId))
                return run.Completions.TryGetValue(o.ReservationId, out var done) ? Min(done.At, WireResult(o.Caller, index)) : null;
            if (!run.OfferEnds.TryGetValue(o.ReservationId, out var ended)) return null;
            var settings = directory.Agent(o.AgentId)!;
            owed = ended.Outcome switch
            {
                OfferOutcome.NoAnswer => settings.NoAnswerDelay,
                OfferOutcome.Busy or OfferOutcome.Unavailable => settings.BusyDelay,
                OfferOutcome.Rejected => settings.RejectDelay,
                _ => TimeSpan.Zero,
            };
            return Min(ended.At, ended.Outcome == OfferOutcome.CallerGone ? null : WireResult(o.Caller, index));
        }

        var latency = new List<double>();
        var timeline = new List<(DateTimeOffset Start, double Ms)>();
        var byCaller = new List<double>();
        var byAgent = new List<double>();
        var toGrant = new List<double>();
        var toQueue = new List<double>(); // caller ready (join on the wire) -> the queue's CallerJoined
        var queueToGrant = new List<double>();
        var grantToSent = new List<double>();
        var sentToWire = new List<double>();
        var joinLag = new List<double>(); // queue's CallerJoined - listener's read: how late the listener reads
        int unmatched = 0, noStart = 0;
        // The warm-up's decisions (before the measured arrivals started) are not measured.
        var measured = run.Redirects.Where(r => r.Received >= run.Started).ToList();
        foreach (var r in measured)
        {
            if (!run.Offers.TryGetValue(r.ReservationId, out var offer))
            {
                unmatched++;
                continue;
            }
            var ofCaller = offersOfCaller[offer.Caller];
            var i = ofCaller.IndexOf(offer);
            DateTimeOffset? callerReady;
            if (i == 0)
            {
                run.WireJoins.TryGetValue((offer.Caller.Node, offer.Caller.UniqueId), out var wire);
                callerReady = run.Joined.TryGetValue(offer.Caller, out var j) ? Min(j.At, wire == default ? null : wire) : wire == default ? null : wire;
            }
            else callerReady = EndOf(ofCaller[i - 1], out _);
            var ofAgent = offersOfAgent[offer.AgentId];
            var k = ofAgent.IndexOf(offer);
            DateTimeOffset? agentReady = DateTimeOffset.MinValue;
            if (k > 0)
            {
                var end = EndOf(ofAgent[k - 1], out var owed);
                agentReady = end is { } e ? e + owed : null;
            }
            if (callerReady is not { } c || agentReady is not { } ag)
            {
                noStart++;
                continue;
            }
            var start = c > ag ? c : ag;
            var ms = (r.Received - start).TotalMilliseconds;
            latency.Add(ms);
            timeline.Add((start, ms));
            (c >= ag ? byCaller : byAgent).Add(ms);
            toGrant.Add((offer.At - start).TotalMilliseconds);
            if (i == 0 && c >= ag && run.Joined.TryGetValue(offer.Caller, out var qj))
            {
                toQueue.Add((qj.At - start).TotalMilliseconds);
                queueToGrant.Add((offer.At - qj.At).TotalMilliseconds);
            }
            if (r.SentAt is { } sent)
            {
                grantToSent.Add((sent - offer.At).TotalMilliseconds);
                sentToWire.Add((r.Received - sent).TotalMilliseconds);
            }
        }
        foreach (var (key, j) in run.Joined)
            if (run.WireJoins.TryGetValue((key.Node, key.UniqueId), out var wire))
                joinLag.Add((j.At - wire).TotalMilliseconds);

        var p = Percentiles.Of(latency);
        Console.WriteLine($"--- decision latency, caller or agent ready -> simulator received the connect Redirect ({latency.Count:N0} of {measured.Count:N0} " +
                          $"Redirects; {noStart} without a known start, {unmatched} without a journaled offer):");
        Console.WriteLine($"  {"all",-58} {p}");
        Console.WriteLine($"  {"caller was the last to be ready (join or back in line)",-58} {Percentiles.Of(byCaller)}  n={byCaller.Count:N0}");
        Console.WriteLine($"  {"agent was the last to be ready (call ended, delay over)",-58} {Percentiles.Of(byAgent)}  n={byAgent.Count:N0}");
        Console.WriteLine($"  {"1 ready -> offer granted (plan, ask, reservation journaled)",-58} {Percentiles.Of(toGrant)}");
        Console.WriteLine($"  {"  1a join on the wire -> queue took it (CallerJoined)",-58} {Percentiles.Of(toQueue)}  (callers joining with an agent free)");
        Console.WriteLine($"  {"  1b queue took the join -> offer granted",-58} {Percentiles.Of(queueToGrant)}");
        Console.WriteLine($"  {"2 granted -> Redirect written (offer journaled, action queue)",-58} {Percentiles.Of(grantToSent)}");
        Console.WriteLine($"  {"3 Redirect written -> simulator received it",-58} {Percentiles.Of(sentToWire)}");
        Console.WriteLine($"  {"(queue's CallerJoined - listener read the join)",-58} {Percentiles.Of(joinLag)}  " +
                          "(positive: the listener read the join first)");
        // Whether the slow decisions are spread out (queueing) or gathered in a few moments (a pause of everything).
        if (timeline.Count > 0)
        {
            var origin = timeline.Min(t => t.Start);
            var slowBySecond = timeline.GroupBy(t => (int)(t.Start - origin).TotalSeconds).OrderBy(g => g.Key)
                .Select(g => $"{g.Key}s {Percentiles.Of(g.Select(t => t.Ms).ToList()).P99:F0}/{g.Max(t => t.Ms):F0}");
            Console.WriteLine($"  per second of the decision's start (from {origin:HH:mm:ss.fff}), p99/max ms: {string.Join(", ", slowBySecond)}");
            var worst = timeline.OrderByDescending(t => t.Ms).Take(10)
                .Select(t => $"{(t.Start - origin).TotalSeconds:F2}s {t.Ms:F0}");
            Console.WriteLine($"  slowest 10 (start, ms): {string.Join(", ", worst)}");
            if (s_pauses is { } gc)
            {
                var end = timeline.Max(t => t.Start.AddMilliseconds(t.Ms));
                var windows = gc.Windows.Where(w => w.End >= origin && w.Start <= end).ToList();
                var byOverlap = timeline.ToLookup(t => windows.Any(w => w.Start <= t.Start.AddMilliseconds(t.Ms) && w.End >= t.Start), t => t.Ms);
                var hit = byOverlap[true].ToList();
                var clear = byOverlap[false].ToList();
                Console.WriteLine($"  blocking garbage collections meanwhile: {windows.Count} ({string.Join(", ", windows.Select(w => $"gen{w.Generation} {(w.End - w.Start).TotalMilliseconds:F0} ms"))}); " +
                                  $"decisions that overlapped one: {hit.Count:N0}, {Percentiles.Of(hit)}");
                Console.WriteLine($"  {"decisions that overlapped no collection",-58} {Percentiles.Of(clear)}  n={clear.Count:N0}");
            }
        }

        // Assignments per second: connect Redirects received, all nodes together.
        var times = measured.Select(r => r.Received).Order().ToList();
        var peak = 0;
        for (int first = 0, last = 0; last < times.Count; last++)
        {
            while (times[last] - times[first] >= TimeSpan.FromSeconds(1)) first++;
            peak = Math.Max(peak, last - first + 1);
        }
        var connectedTimes = measured.Where(r => run.Connects.ContainsKey(r.ReservationId)).Select(r => r.Received).Order().ToList();
        var peakConnected = 0;
        for (int first = 0, last = 0; last < connectedTimes.Count; last++)
        {
            while (connectedTimes[last] - connectedTimes[first] >= TimeSpan.FromSeconds(1)) first++;
            peakConnected = Math.Max(peakConnected, last - first + 1);
        }
        var span = times.Count > 1 ? (times[^1] - times[0]).TotalSeconds : 0;
        var lastArrival = run.Callers.Count == 0 ? run.Started : run.Callers.Max(c => c.StartedAt);
        var inArrivals = times.Count(t => t <= lastArrival);
        var arrivalSpan = (lastArrival - run.Started).TotalSeconds;
        Console.WriteLine($"--- assignments (connect Redirects received): {times.Count:N0}; busiest 1 s window {peak:N0}; " +
                          $"while callers arrived ({arrivalSpan:F2} s) {inArrivals:N0} = {inArrivals / Math.Max(0.001, arrivalSpan):N0}/s; " +
                          $"first to last {span:F2} s = {times.Count / Math.Max(0.001, span):N0}/s; per second from the first arrival: " +
                          string.Join(" ", Buckets(times, run.Started)));
        Console.WriteLine($"  of them answered by the agent (connections): {connectedTimes.Count:N0}, busiest 1 s window {peakConnected:N0}");
        Console.WriteLine($"  receipts {run.RedirectReceipts:N0}, matched to the queues' actions {run.Redirects.Count:N0}, outside [SentAt, RespondedAt] {run.OutOfWindow}, " +
                          $"reservation ids on more than one Redirect {duplicateKeys}");

        // Accounting from the simulator's ledger and the callers themselves.
        var connectedCallers = connections.Select(c => (c.CallerNode, c.CallerUniqueid)).ToHashSet();
        var idleByQueue = run.Queues.ToDictionary(q => q.Queue, q => q.Agents.Count(x => x.Activity == "Idle"));
        int connected = 0, abandoned = 0, waitingLegit = 0, lostGaveUp = 0, lostHungUp = 0, lostWaiting = 0, unjoined = 0;
        foreach (var s in run.Callers)
        {
            var caller = s.Caller;
            if (!caller.Joined.IsCompleted)
            {
                unjoined++;
                continue;
            }
            if (connectedCallers.Contains((s.Node, caller.Uniqueid))) connected++;
            else if (!caller.Completion.IsCompleted)
            {
                if (idleByQueue.GetValueOrDefault(s.Queue) > 0) lostWaiting++;
                else waitingLegit++;
            }
            else if (caller.Outcome == QueueCallerOutcome.Abandoned && s.Patience is not null) abandoned++;
            else if (caller.Outcome == QueueCallerOutcome.Abandoned) lostGaveUp++;
            else lostHungUp++;
        }
        var lost = lostGaveUp + lostHungUp + lostWaiting + unjoined;
        // The ledger's Overlaps() compares Start/End taken on each caller's own simulated clock; at a small time scale
        // those clocks drift apart by more than a call (a wall millisecond is 1/scale simulated ms). The same check on
        // the wall clock: an agent's next connect Redirect received before its previous conversation's end was on
        // the wire (the listener's read of that caller's TelephonyConnectResult ANSWER, which follows the agent's
        // hang-up; or the queue's CallCompleted if the listener missed it).
        int wallOverlaps = 0, wallUnknown = 0;
        foreach (var (_, list) in offersOfAgent)
            for (var x = 0; x + 1 < list.Count; x++)
            {
                var o1 = list[x];
                if (!run.Connects.ContainsKey(o1.ReservationId)) continue;
                if (!byReservation.TryGetValue(list[x + 1].ReservationId, out var next)) continue;
                var end = WireResult(o1.Caller, offersOfCaller[o1.Caller].IndexOf(o1))
                          ?? (run.Completions.TryGetValue(o1.ReservationId, out var cd) ? cd.At : null);
                if (end is null) wallUnknown++;
                else if (next.Received < end) wallOverlaps++;
            }
        var overlaps = ledger.Overlaps().Count;
        var twice = ledger.CallersConnectedMoreThanOnce().Count;
        Console.WriteLine($"--- accounting ({run.Callers.Count:N0} callers; simulator ledger: joined {ledger.Joined:N0}, abandoned {ledger.Abandoned:N0}, " +
                          $"waiting {ledger.Waiting}, connections {connections.Count:N0}, still talking {connections.Count(c => c.End is null)}):");
        Console.WriteLine($"  connected {connected:N0}; abandoned (patience ran out) {abandoned:N0}; waiting at the end with no idle agent in their queue {waitingLegit}");
        Console.WriteLine($"  lost {lost}: gave up at the phone's maximum wait without a patience {lostGaveUp}, hung up by the system {lostHungUp}, " +
                          $"still waiting while their queue had idle agents {lostWaiting}, never joined {unjoined}");
        Console.WriteLine($"  double-booked {wallOverlaps + twice}: agent given a caller before its previous conversation ended on the wire {wallOverlaps}, " +
                          $"caller connected more than once {twice}; the ledger's own overlap check on each call's simulated clock says {overlaps} " +
                          "(those clocks drift apart by more than a call at this time scale, see docs/performance.md)");
        Console.WriteLine($"  on the wall clock: an agent's next connect Redirect received before its previous conversation ended {wallOverlaps} " +
                          $"({wallUnknown} ends unknown)");
        foreach (var (first, second) in ledger.Overlaps().Take(1))
        {
            Console.WriteLine($"  overlap: agent {first.AgentId}@{first.AgentNode}: {first.CallerNode}/{first.CallerUniqueid} {first.Start:HH:mm:ss.fff}-{first.End:HH:mm:ss.fff} " +
                              $"and {second.CallerNode}/{second.CallerUniqueid} {second.Start:HH:mm:ss.fff}-{second.End:HH:mm:ss.fff} (simulated clock); the queues' offers of that agent:");
            foreach (var o in offersOfAgent.GetValueOrDefault(first.AgentId) ?? [])
            {
                var fate = run.Connects.TryGetValue(o.ReservationId, out var cc) ? $"connected {cc.At:HH:mm:ss.fff}" +
                                                                                   (run.Completions.TryGetValue(o.ReservationId, out var done) ? $", completed {done.At:HH:mm:ss.fff}" : ", not completed")
                    : run.OfferEnds.TryGetValue(o.ReservationId, out var oe) ? $"ended {oe.Outcome} {oe.At:HH:mm:ss.fff}" : "no outcome journaled";
                var wire = byReservation.TryGetValue(o.ReservationId, out var rd) ? $"Redirect received {rd.Received:HH:mm:ss.fff}" : "no Redirect";
                var left = run.Lefts.FirstOrDefault(l => l.Caller == o.Caller);
                Console.WriteLine($"    {o.ReservationId} caller {o.Caller} offered {o.At:HH:mm:ss.fff}, {wire}, {fate}" +
                                  (left is null ? "" : $"; caller left {left.Reason} {left.At:HH:mm:ss.fff}"));
            }
            Console.WriteLine("    the agent's journal: " + string.Join("; ", (run.AgentEvents.GetValueOrDefault(first.AgentId) ?? [])
                .Select(e => $"{e.GetType().Name} {e.At:HH:mm:ss.fff}" + e switch
                {
                    ReservationGranted g => " " + g.ReservationId,
                    ReservationReleased r => $" {r.ReservationId} {r.Outcome}",
                    AgentAnswered an => " " + an.ReservationId,
                    AgentCallEnded ce => " " + ce.ReservationId,
                    _ => "",
                })));
        }
        foreach (var q in run.Queues)
        {
            var st = q.Statistics;
            Console.WriteLine($"  queue {q.Queue}: offered {st.Offered:N0}, answered {st.Answered:N0}, completed {st.Completed:N0}, abandoned {st.Abandoned:N0}, " +
                              $"no-answers {st.NoAnswers:N0}, timed out {st.TimedOut}, dropped {st.Dropped}; holds now {q.Waiting.Count} waiting, {q.Connected.Count} connected; " +
                              $"agents idle {q.Agents.Count(x => x.Activity == "Idle")}, on break {q.Agents.Count(x => x.Status == nameof(AgentStatus.OnBreak))} " +
                              $"(auto-paused after 3 no-answers)");
        }
        foreach (var q in QueueList)
        {
            var events = (run.QueueEventTimes.GetValueOrDefault(q) ?? []).Order().ToList();
            var peakEvents = 0;
            for (int f = 0, l = 0; l < events.Count; l++)
            {
                while (events[l] - events[f] >= TimeSpan.FromSeconds(1)) f++;
                peakEvents = Math.Max(peakEvents, l - f + 1);
            }
            var distinct = events.Distinct().ToList();
            var gaps = distinct.Zip(distinct.Skip(1), (x, y) => (y - x).TotalMilliseconds).ToList();
            Console.WriteLine($"  queue {q} journal: {events.Count:N0} events, busiest 1 s {peakEvents:N0}; gaps between its successive decisions " +
                              $"(distinct event times) {Percentiles.Of(gaps)}; per second: {string.Join(" ", Buckets(events, run.Started))}");
        }
        Console.WriteLine("  offers by outcome: " + string.Join(", ", run.Offers.Values
            .GroupBy(o => run.Connects.ContainsKey(o.ReservationId) ? "Connected" : run.OfferEnds.TryGetValue(o.ReservationId, out var e) ? e.Outcome.ToString() : "none")
            .OrderByDescending(g => g.Count()).Select(g => $"{g.Key} {g.Count():N0}")));
        Console.WriteLine("  connect Redirects by final status: " + string.Join(", ", run.Redirects.GroupBy(r => r.Status)
            .OrderByDescending(g => g.Count()).Take(6).Select(g => $"{g.Key} {g.Count():N0}")));
        Console.WriteLine("  offers by agent behaviour: " + string.Join(", ", run.Offers.Values
            .GroupBy(o => behaviours.FirstOrDefault(b => b.Id == o.AgentId) is { } b ? b.Busy ? "busy" : b.RingSeconds is null ? "never answers" : "answers" : "?")
            .Select(g => $"{g.Key} {g.Count():N0}")));
        foreach (var (callerKey, list) in offersOfCaller.OrderByDescending(kv => kv.Value.Count).Take(2))
        {
            var sc = run.Callers.FirstOrDefault(c => c.Node == callerKey.Node && c.Caller.Uniqueid == callerKey.UniqueId);
            Console.WriteLine($"  most offered caller {callerKey}: {list.Count:N0} offers, simulator outcome {sc?.Caller.Outcome}, patience {sc?.Patience}; outcomes " +
                              string.Join(", ", list.GroupBy(o => run.Connects.ContainsKey(o.ReservationId) ? "Connected" : run.OfferEnds.TryGetValue(o.ReservationId, out var e) ? e.Outcome.ToString() : "none")
                                  .Select(g => $"{g.Key} {g.Count()}")) + "; first offers: " +
                              string.Join("; ", list.Take(4).Select(o => $"{o.AgentId} {o.At:HH:mm:ss.fff} " +
                                  (byReservation.TryGetValue(o.ReservationId, out var rd) ? $"{rd.Status} rx {rd.Received:HH:mm:ss.fff}" : "no Redirect"))) +
                              (run.WireResults.TryGetValue((callerKey.Node, callerKey.UniqueId), out var res) ? $"; wire results {res.Count}: " + string.Join(" ", res.Take(4).Select(x => $"{x.Agent}={x.Status}@{x.At:HH:mm:ss.fff}")) : ""));
        }
        var queueHolds = run.Queues.Sum(q => q.Waiting.Count + q.Connected.Count);
        var ended = run.Callers.Count(c => c.Caller.Completion.IsCompleted);
        Console.WriteLine($"  journal: {run.QueueJournalRows:N0} queue rows ({(double)run.QueueJournalRows / Math.Max(1, run.Callers.Count):F1} per caller), " +
                          $"{run.AgentJournalRows:N0} agent rows; offers journaled {run.Offers.Count:N0}, connected {run.Connects.Count:N0}, completed {run.Completions.Count:N0}");
        var consistent = run.OutOfWindow == 0 && unmatched == 0 && duplicateKeys == 0 && run.Redirects.Count == run.RedirectReceipts;
        if (!consistent) Console.WriteLine("check: MISMATCH between the simulator's Redirect receipts and the queues' actions (see above)");
        if (queueHolds > run.Callers.Count - ended)
            Console.WriteLine($"check: the queues still hold {queueHolds} callers while {run.Callers.Count - ended} callers' calls are up");
        var perSecond = peak;
        return new Outcome(perSecond, p, lost, wallOverlaps + twice, consistent) { WireLatency = Percentiles.Of(sentToWire) };
    }

    private static IEnumerable<string> Buckets(List<DateTimeOffset> times, DateTimeOffset from)
    {
        var counts = new List<int>();
        foreach (var t in times)
        {
            var i = Math.Max(0, (int)((t - from).TotalSeconds));
            while (counts.Count <= i) counts.Add(0);
            counts[i]++;
        }
        return counts.Select(c => c.ToString("N0", System.Globalization.CultureInfo.InvariantCulture));
    }
}
