using System.Diagnostics;
using System.Globalization;
using Akka.Actor;
using Akka.Hosting;
using Telephony.Actors.Actions;
using Telephony.Actors.Hosting;
using Telephony.Ami.Actions;
using Telephony.Ami.Client;
using Telephony.Domain.Actions;
using Telephony.Simulator;
using Telephony.Simulator.Calls;
namespace Telephony.Benchmarks;

internal static partial class ActionsBenchmark
{
    // ------------------------------------------------------------------------------------------------------------
    private sealed class ApiSide(BenchHost host, AsteriskSimulator sim, string channel)
    {
        private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(60);
        private readonly IActorRef _region = host.Registry.Get<NodeRegion>();
        private readonly string[] _nodes = sim.Nodes.Select(n => n.Name).ToArray();
        private readonly List<Submission> _all = [];

        private sealed class Submission(int node, DateTimeOffset at, DateTimeOffset? scheduled = null)
        {
            public int Node { get; } = node;
            public DateTimeOffset SubmittedAt { get; } = at;
            /// <summary>Paced: when the schedule wanted it submitted (later = the process was stalled, e.g. by a GC).</summary>
            public DateTimeOffset ScheduledAt { get; } = scheduled ?? at;
            public DateTimeOffset AckedAt { get; set; }
            public ActionRecord? Accepted { get; set; }
            public string? Refused { get; set; }
        }

        public sealed record Phase(int Count, double Seconds, double SubmitSeconds, double UpSeconds, double CpuPercent, int Gen0, int Gen2,
            Percentiles Wire, double PacerLagMs, int OutOfOrder, IReadOnlyList<(string Step, Percentiles Ms)> Steps, int Refused)
        {
            public double PerSecond => Count / Seconds;
            public JournalWriter Writer { get; init; }
            public double GcPauseMs { get; init; }

            public void PrintBreakdown(string label)
            {
                Console.WriteLine($"  journal writer (SQLite group writer; all writes of the process): {Writer.Groups:N0} transactions, {Writer.Rows:N0} rows " +
                                  $"({(double)Writer.Rows / Math.Max(1, Writer.Groups):F1} rows each, {(double)Writer.Rows / Math.Max(1, Count):F2} per action), " +
                                  $"busy {Writer.Busy.TotalSeconds:F2} s of {Seconds:F2} s ({Writer.Busy.TotalSeconds / Seconds * 100:F0} %), " +
                                  $"{Writer.Checkpoints:N0} checkpoints; GC pauses {GcPauseMs:F0} ms");
                Console.WriteLine($"  where the time goes ({label}, per action, milliseconds; {Refused} refused):");
                foreach (var (step, p) in Steps) Console.WriteLine($"    {step,-44} {p}");
            }
        }

        public async Task<Phase> ThroughputAsync(int count, int inFlight, Process? cpu)
        {
            var baseline = await DoneCount();
            var before = ReceiptMarks(sim).Select(l => l.Count).ToArray();
            var mine = new List<Submission>(count);
            using var gate = new SemaphoreSlim(inFlight, inFlight);
            var cpuStart = cpu?.TotalProcessorTime ?? TimeSpan.Zero;
            var gen0 = GC.CollectionCount(0);
            var gen2 = GC.CollectionCount(2);
            var writer = JournalWriter.Now();
            var pause = GC.GetTotalPauseDuration();
            var start = Now();
            var sw = Stopwatch.StartNew();
            var acks = new List<Task>(count);
            for (var i = 0; i < count; i++)
            {
                await gate.WaitAsync();
                var s = new Submission(i % _nodes.Length, Now());
                mine.Add(s);
                acks.Add(Submit(s, gate));
            }
            await Task.WhenAll(acks);
            var submitSeconds = sw.Elapsed.TotalSeconds;
            await WaitDone(baseline + mine.Count(s => s.Accepted is not null));
            var seconds = sw.Elapsed.TotalSeconds;
            cpu?.Refresh();
            var cpuPercent = cpu is null ? 0 : (cpu.TotalProcessorTime - cpuStart).TotalSeconds / seconds * 100;
            _all.AddRange(mine);
            var phase = await Analyse(mine, before, start, seconds, submitSeconds, cpuPercent, GC.CollectionCount(0) - gen0, GC.CollectionCount(2) - gen2, 0);
            return phase with { Writer = JournalWriter.Now() - writer, GcPauseMs = (GC.GetTotalPauseDuration() - pause).TotalMilliseconds };
        }

        public async Task<Phase> PacedAsync(double rate, double seconds, Process cpu)
        {
            var baseline = await DoneCount();
            var before = ReceiptMarks(sim).Select(l => l.Count).ToArray();
            var total = (int)(rate * seconds);
            var mine = new List<Submission>(total);
            var acks = new List<Task>(total);
            var cpuStart = cpu.TotalProcessorTime;
            var gen0 = GC.CollectionCount(0);
            var gen2 = GC.CollectionCount(2);
            var writer = JournalWriter.Now();
            var pause = GC.GetTotalPauseDuration();
            var start = Now();
            var sw = Stopwatch.StartNew();
            var lag = await Pace(rate, total, i =>
            {
                var s = new Submission(i % _nodes.Length, Now(), start + TimeSpan.FromSeconds(i / rate));
                mine.Add(s);
                acks.Add(Submit(s, null));
            });
            var submitSeconds = sw.Elapsed.TotalSeconds;
            await Task.WhenAll(acks);
            await WaitDone(baseline + mine.Count(s => s.Accepted is not null));
            var all = sw.Elapsed.TotalSeconds;
            cpu.Refresh();
            _all.AddRange(mine);
            var phase = await Analyse(mine, before, start, all, submitSeconds, (cpu.TotalProcessorTime - cpuStart).TotalSeconds / all * 100,
                GC.CollectionCount(0) - gen0, GC.CollectionCount(2) - gen2, lag);
            return phase with { Writer = JournalWriter.Now() - writer, GcPauseMs = (GC.GetTotalPauseDuration() - pause).TotalMilliseconds };
        }

        private async Task Submit(Submission s, SemaphoreSlim? gate)
        {
            try
            {
                var answer = await _region.Ask<IActionMessage>(new SubmitAction(Originate(_nodes[s.Node], channel)), AskTimeout);
                s.AckedAt = Now();
                if (answer is ActionSubmitted ok) s.Accepted = ok.Action;
                else s.Refused = answer.ToString();
            }
            catch (Exception e)
            {
                s.Refused = e.Message;
            }
            finally
            {
                gate?.Release();
            }
        }

        /// <summary>Actions past Sent (answered, or further) on every node, by the queues' own counts.</summary>
        private async Task<long> DoneCount()
        {
            var lists = await Task.WhenAll(_nodes.Select(n => _region.Ask<ActionList>(new ListActions(n, null, 0), AskTimeout)));
            return lists.Sum(l => l.Counts.Where(c => c.Key is not (ActionStatus.Queued or ActionStatus.Sent)).Sum(c => (long)c.Value));
        }

        private async Task WaitDone(long target)
        {
            var sw = Stopwatch.StartNew();
            while (await DoneCount() < target)
            {
                if (sw.Elapsed > TimeSpan.FromMinutes(5)) throw new TimeoutException("the actions were not all answered within 5 minutes");
                await Task.Delay(5);
            }
        }

        private async Task<Dictionary<string, ActionRecord>> Records()
        {
            var lists = await Task.WhenAll(_nodes.Select(async n => (ActionList)await ActionListAsk.AskAsync(_region, n, null, int.MaxValue, AskTimeout)));
            return lists.SelectMany(l => l.Actions).ToDictionary(r => r.Id, StringComparer.Ordinal);
        }

        /// <summary>Waits (at most <paramref name="limit"/>) for every action to reach a final status; false if some did not.</summary>
        public async Task<bool> WaitAllFinal(TimeSpan limit)
        {
            var sw = Stopwatch.StartNew();
            while (!(await Records()).Values.All(r => r.Status.IsFinal()))
            {
                if (sw.Elapsed > limit) return false;
                await Task.Delay(100);
            }
            return true;
        }

        private async Task<Phase> Analyse(List<Submission> mine, int[] before, DateTimeOffset start, double seconds, double submitSeconds,
            double cpuPercent, int gen0, int gen2, double lag)
        {
            var records = await Records();
            var receipts = ReceiptMarks(sim);
            var wire = new List<double>();
            var outOfOrder = 0;
            var steps = new Dictionary<string, List<double>>();
            void Add(string step, DateTimeOffset? from, DateTimeOffset? to)
            {
                if (from is not { } f || to is not { } t) return;
                if (!steps.TryGetValue(step, out var list)) steps[step] = list = [];
                list.Add((t - f).TotalMilliseconds);
            }
            DateTimeOffset lastUp = start;
            for (var k = 0; k < _nodes.Length; k++)
            {
                var onNode = mine.Where(s => s.Node == k && s.Accepted is not null).OrderBy(s => ActionBook.NumberOf(s.Accepted!.Id)).ToList();
                for (var j = 0; j < onNode.Count; j++)
                {
                    var s = onNode[j];
                    var r = records.GetValueOrDefault(s.Accepted!.Id);
                    DateTimeOffset? received = before[k] + j < receipts[k].Count ? receipts[k][before[k] + j] : null;
                    if (received is { } w)
                    {
                        wire.Add((w - s.SubmittedAt).TotalMilliseconds);
                        if (r is not null && (r.SentAt is not { } sent || w < sent - TimeSpan.FromMilliseconds(1) ||
                                              r.RespondedAt is not { } resp || w > resp + TimeSpan.FromMilliseconds(1)))
                            outOfOrder++;
                    }
                    Add("1 submit -> queue actor takes it (QueuedAt)", s.SubmittedAt, s.Accepted.QueuedAt);
                    Add("2 QueuedAt -> Queued journaled (ack read)", s.Accepted.QueuedAt, s.AckedAt);
                    Add("3 QueuedAt -> Sent step taken (SentAt)", s.Accepted.QueuedAt, r?.SentAt);
                    Add("4 SentAt -> simulator received it", r?.SentAt, received);
                    Add("5 simulator received -> response read", received, r?.RespondedAt);
                    Add("= submit -> simulator received (wire)", s.SubmittedAt, received);
                    Add("= submit -> response read (RespondedAt)", s.SubmittedAt, r?.RespondedAt);
                    Add("= submit -> Up (UpAt)", s.SubmittedAt, r?.UpAt);
                    if (s.ScheduledAt != s.SubmittedAt) Add("= scheduled submit -> simulator received", s.ScheduledAt, received);
                    if (r?.UpAt is { } up && up > lastUp) lastUp = up;
                }
            }
            var list = steps.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => (e.Key, Percentiles.Of(e.Value))).ToList();
            return new Phase(mine.Count, seconds, submitSeconds, (lastUp - start).TotalSeconds, cpuPercent, gen0, gen2,
                Percentiles.Of(wire), lag, outOfOrder, list, mine.Count(s => s.Accepted is null));
        }

        /// <param name="UpWithoutSucceeded">Answered, but the OriginateResponse was read before the action's own
        /// response: the queue goes Sent -> Up and journals no Succeeded step (its RespondedAt is the Up's).</param>
        public sealed record Check(int Actions, long Rows, long PayloadBytes, Dictionary<string, long> RowsByStep, int Succeeded, int UpWithoutSucceeded, Dictionary<ActionStatus, int> Final,
            int ReceivedOnce, int NeverReceived, int ReceivedTwice);

        /// <summary>Reads the journal back (the queue's own rows) and asks the simulator about every ChannelId.</summary>
        public async Task<Check> VerifyAsync(BenchJournal journal)
        {
            var accepted = _all.Where(s => s.Accepted is not null).Select(s => s.Accepted!).ToList();
            var ids = accepted.Select(a => a.Id).ToHashSet(StringComparer.Ordinal);
            var succeeded = new HashSet<string>(StringComparer.Ordinal);
            var up = new HashSet<string>(StringComparer.Ordinal);
            var byStep = new Dictionary<string, long>();
            long rows = 0, bytes = 0;
            var serialization = host.System.Serialization;
            await using (var connection = journal.Open())
            {
                await connection.OpenAsync();
                await using var command = connection.CreateCommand();
                command.CommandText = "SELECT manifest, message, identifier FROM journal WHERE persistence_id LIKE 'actions/%' ORDER BY ordering";
                await using var reader = await command.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                {
                    var payload = (byte[])reader.GetValue(1);
                    var e = serialization.Deserialize(payload, reader.GetInt32(2), reader.GetString(0));
                    var (id, step) = e switch
                    {
                        ActionQueued q => (q.Action.Id, "Queued"),
                        ActionMoved m => (m.Transition.Id, m.Transition.To.ToString()),
                        _ => ("", ""),
                    };
                    if (!ids.Contains(id)) continue;
                    rows++;
                    bytes += payload.Length;
                    byStep[step] = byStep.GetValueOrDefault(step) + 1;
                    if (step == nameof(ActionStatus.Succeeded)) succeeded.Add(id);
                    if (step == nameof(ActionStatus.Up)) up.Add(id);
                }
            }
            var records = await Records();
            var final = accepted.GroupBy(a => records.GetValueOrDefault(a.Id)?.Status ?? ActionStatus.Unknown)
                .ToDictionary(g => g.Key, g => g.Count());
            int once = 0, never = 0, twice = 0;
            foreach (var a in accepted)
            {
                var n = sim.Nodes.Single(x => x.Name == a.Node).OriginatesByChannelId.OriginatesReceived(a.ChannelId!);
                if (n == 1) once++;
                else if (n == 0) never++;
                else twice++;
            }
            return new Check(accepted.Count, rows, bytes, byStep, succeeded.Count, up.Count(id => !succeeded.Contains(id)), final, once, never, twice);
        }
    }
}
