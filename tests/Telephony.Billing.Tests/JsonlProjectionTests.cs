using Akka.Actor;
using Telephony.Actors.Calls;
using Telephony.Billing.Hosting;
using Telephony.Billing.Projections;
using Telephony.Billing.Sinks;
using Telephony.Billing.Sinks.Jsonl;
using Telephony.Domain.Billing;
using Xunit.Abstractions;

namespace Telephony.Billing.Tests;

/// <summary>Simulator -> node -> call entities -> journal -> billing projections -> JSONL files.</summary>
public class JsonlProjectionTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_host_stopped_mid_way_leaves_files_with_exactly_the_journaled_rows_and_a_rebuild_writes_the_same()
    {
        await using var sim = await ProjectionScenarioTests.StartSimulatorAsync();
        var journal = TestJournal.Sqlite();
        var folder = Path.Combine(TestDatabases.TempFolder(), "billing");
        var files = new JsonlFileSink("files", folder);
        BillingSinkOptions Files(Func<IBillingSink, IBillingSink>? wrap = null) => new()
        {
            Name = "files", Kind = BillingSinkKind.Jsonl, ConnectionString = folder, Jsonl = new JsonlSinkOptions { MaxFileBytes = 8192 },
            Wrap = wrap,
        };
        var slow = BillingHost.Options(Files(inner => new ThrottledSink(inner) { Delay = TimeSpan.FromMilliseconds(300) })) with { BatchSize = 2 };

        await using (var host = await BillingHost.StartAsync(journal, slow, BillingHost.NodeFor(sim.Node)))
        {
            await Wait.Until(() => sim.Node.Sessions.LoggedInNow > 0, "the node logs in");
            for (var i = 0; i < 20; i++) sim.Node.StartCall(ProjectionScenarioTests.Scripts[i % ProjectionScenarioTests.Scripts.Length]);
            await Wait.Until(async () => (await host.ReadTagAsync(CallTags.Billing)).Count >= 20, "every call is billed", 60);
            await Wait.Until(() => Lines(files, "files:cel").Count > 0, "the projection has written some lines");
            var journaled = ProjectionScenarioTests.Flatten(await host.ReadTagAsync(CallTags.Cel)).Count(e => e.Kind == RecordedEventKind.Cel);
            var written = Lines(files, "files:cel").Count;
            output.WriteLine($"stopping the host with {written} of {journaled} cel lines written");
            Assert.True(written < journaled, "the host stops before the cel projection has finished (mid-way)");
        }

        await using (var host = await BillingHost.StartAsync(journal, BillingHost.Options(Files()), BillingHost.NodeFor(sim.Node)))
        {
            await Wait.Until(() => sim.Node.Sessions.LoggedInNow > 0, "the node logs in again");
            for (var i = 0; i < 8; i++) sim.Node.StartCall(ProjectionScenarioTests.Scripts[i % ProjectionScenarioTests.Scripts.Length]);
            await Wait.Until(async () => (await host.ReadTagAsync(CallTags.Billing)).Count >= 28, "every call is billed", 60);
            await ProjectionScenarioTests.WaitCaughtUpAsync(host);
            await AssertFilesMatchJournalAsync(host, files, folder, "after the restart");
            output.WriteLine($"{files.FilesOf("files:cel").Count} cel files, {files.FilesOf("files:cdr").Count} cdr files");
            Assert.True(files.FilesOf("files:cel").Count > 1, "the cel lines were rotated into several files");

            var reply = await host.Billing.Ask<object>(new RebuildSink("files"), TimeSpan.FromSeconds(10));
            Assert.IsType<RebuildAccepted>(reply);
            await Wait.Until(async () => (await host.StatusAsync()).Rebuilds.Any(r => r.Phase == RebuildPhase.Completed), "the rebuild completes", 60);
            await ProjectionScenarioTests.WaitCaughtUpAsync(host);
            await AssertFilesMatchJournalAsync(host, files, folder, "after the rebuild");
            Assert.False(Directory.Exists(folder + ".rebuild") || Directory.Exists(folder + ".old"), "the rebuild folders are gone");
        }
    }

    [Fact]
    public async Task A_host_that_stops_finishes_the_write_in_flight_and_writes_nothing_after_it_has_stopped()
    {
        await using var sim = await ProjectionScenarioTests.StartSimulatorAsync();
        var journal = TestJournal.Sqlite();
        var folder = Path.Combine(TestDatabases.TempFolder(), "billing");
        var files = new JsonlFileSink("files", folder);
        var slow = new List<ThrottledSink>();
        var options = BillingHost.Options(new BillingSinkOptions
        {
            Name = "files", Kind = BillingSinkKind.Jsonl, ConnectionString = folder,
            Wrap = inner =>
            {
                var sink = new ThrottledSink(inner) { Delay = TimeSpan.FromSeconds(1) };
                lock (slow) slow.Add(sink);
                return sink;
            },
        }) with { BatchSize = 2 };

        await using (var host = await BillingHost.StartAsync(journal, options, BillingHost.NodeFor(sim.Node)))
        {
            await Wait.Until(() => sim.Node.Sessions.LoggedInNow > 0, "the node logs in");
            for (var i = 0; i < 6; i++) sim.Node.StartCall(ProjectionScenarioTests.Scripts[i % ProjectionScenarioTests.Scripts.Length]);
            await Wait.Until(() => Lines(files, "files:cel").Count > 0, "the projection has written some lines", 60);
            // Stop while a 1 s write is on its way (one begins right after the last one ends).
            await Wait.Until(() => slow.Sum(s => s.Begun) > slow.Sum(s => s.Finished), "a write is under way");
        }

        var begun = slow.Sum(s => s.Begun);
        var finished = slow.Sum(s => s.Finished);
        var offsets = Directory.GetFiles(folder, "*.offset").Order().Select(File.ReadAllText).ToList();
        output.WriteLine($"after the stop: {begun} writes begun, {finished} finished; {offsets.Count} offset files");
        Assert.Equal(begun, finished);
        // A write that outlived its host would land now, beside whatever runs next on these files.
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.Equal(begun, slow.Sum(s => s.Begun));
        Assert.Equal(offsets, Directory.GetFiles(folder, "*.offset").Order().Select(File.ReadAllText).ToList());
    }

    [Fact]
    public async Task Projections_that_start_again_report_no_lag_before_they_know_their_offset_and_none_when_caught_up()
    {
        await using var sim = await ProjectionScenarioTests.StartSimulatorAsync();
        var journal = TestJournal.Sqlite();
        var folder = Path.Combine(TestDatabases.TempFolder(), "billing");
        BillingSinkOptions Files(Func<IBillingSink, IBillingSink>? wrap = null) => new()
        {
            Name = "files", Kind = BillingSinkKind.Jsonl, ConnectionString = folder, Wrap = wrap,
        };

        await using (var host = await BillingHost.StartAsync(journal, BillingHost.Options(Files()), BillingHost.NodeFor(sim.Node)))
        {
            await Wait.Until(() => sim.Node.Sessions.LoggedInNow > 0, "the node logs in");
            for (var i = 0; i < 12; i++) sim.Node.StartCall(ProjectionScenarioTests.Scripts[i % ProjectionScenarioTests.Scripts.Length]);
            await Wait.Until(async () => (await host.ReadTagAsync(CallTags.Billing)).Count >= 12, "every call is billed", 60);
            await ProjectionScenarioTests.WaitCaughtUpAsync(host);
        }

        // Everything journaled is projected and nothing new happens: whatever the new projections report as lag while
        // they start (their offsets take 2 s to read) must be "not measured yet" (-1) or 0, never the journal's history.
        var slow = BillingHost.Options(Files(inner => new SlowOffsetSink(inner) { Delay = TimeSpan.FromSeconds(2) }));
        await using (var host = await BillingHost.StartAsync(journal, slow, BillingHost.NodeFor(sim.Node)))
        {
            var seen = new List<string>();
            var until = DateTime.UtcNow.AddSeconds(5);
            while (DateTime.UtcNow < until)
            {
                foreach (var p in (await host.StatusAsync()).Projections)
                    if (p.LagEvents > 0) seen.Add($"{p.Name}: lag {p.LagEvents} events / {p.LagSeconds:F1} s at offset {p.Offset} ({p.State})");
                await Task.Delay(50);
            }
            foreach (var line in seen.Distinct()) output.WriteLine(line);
            Assert.Empty(seen);
            Assert.All((await host.StatusAsync()).Projections, p => Assert.Equal(0, p.LagEvents));
        }
    }

    private static List<string> Lines(JsonlFileSink files, string projection) =>
        JsonlFileSinkTests.Lines(files, projection).Select(l => l.ToString()).ToList();

    /// <summary>One line per Cdr / CEL event and per billing record revision the journal holds: no more, no less.
    /// Asterisk sends a call's Cdr after its LINKEDID_END, so the journal may still grow for a moment after the calls
    /// are billed and the projections reported caught up: compare until both agree (or time runs out, then show the
    /// difference). A line written twice never agrees.</summary>
    private async Task AssertFilesMatchJournalAsync(BillingHost host, JsonlFileSink files, string folder, string when)
    {
        List<(List<string> Journal, List<string> Files)> last;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            last = await CompareAsync(host, files);
            if (last.All(pair => pair.Journal.SequenceEqual(pair.Files)) || DateTime.UtcNow > deadline) break;
            await Task.Delay(200);
        }
        if (!last.All(pair => pair.Journal.SequenceEqual(pair.Files)))
        {
            // Seen once in a full CI run (a Cdr journaled, not in the files) and not again in 40 runs alone or under
            // load: say exactly what differs and where each projection stood, so the next occurrence can be traced.
            foreach (var (journal, written) in last)
                output.WriteLine($"{when}: missing from the files [{string.Join(", ", journal.Except(written))}], " +
                                 $"not in the journal [{string.Join(", ", written.Except(journal))}]");
            foreach (var p in (await host.StatusAsync()).Projections)
                output.WriteLine($"{p.Name}: offset {p.Offset}, head {p.JournalHead}, lag {p.LagEvents}, state {p.State}, failures {p.Failures}, restarts {p.Restarts}, last error {p.LastError}");
            foreach (var state in Directory.GetFiles(folder, "*.offset")) output.WriteLine($"{Path.GetFileName(state)}: {File.ReadAllText(state)}");
        }
        foreach (var (journal, written) in last) Assert.Equal(journal, written);
    }

    private static async Task<List<(List<string> Journal, List<string> Files)>> CompareAsync(BillingHost host, JsonlFileSink files)
    {
        var cdr = ProjectionScenarioTests.Flatten(await host.ReadTagAsync(CallTags.Cdr)).Where(e => e.Kind == RecordedEventKind.Cdr)
            .Select(e => e.Identity).Order().ToList();
        var cel = ProjectionScenarioTests.Flatten(await host.ReadTagAsync(CallTags.Cel)).Where(e => e.Kind == RecordedEventKind.Cel)
            .Select(e => e.Identity).Order().ToList();
        var billed = (await host.ReadTagAsync(CallTags.Billing)).Select(e => (CallCompleted)e.Event)
            .SelectMany(c => c.Records.Select((_, i) => $"{c.LinkedId}#{i}@{c.Revision}")).Order().ToList();

        var cdrLines = JsonlFileSinkTests.Lines(files, "files:cdr");
        var celLines = JsonlFileSinkTests.Lines(files, "files:cel");
        var billingLines = JsonlFileSinkTests.Lines(files, "files:billing");
        return
        [
            (cdr, cdrLines.Select(l => l.GetProperty("record_id").GetString()!).Order().ToList()),
            (cel, celLines.Select(l => l.GetProperty("event_id").GetString()!).Order().ToList()),
            (billed, billingLines.Where(l => l.GetProperty("type").GetString() == "cdr")
                .Select(l => $"{l.GetProperty("record_id").GetString()}@{l.GetProperty("revision").GetInt32()}").Order().ToList()),
            (billed, billingLines.Where(l => l.GetProperty("type").GetString() == "call")
                .Select(l => $"{l.GetProperty("linkedid").GetString()}#{l.GetProperty("record_index").GetInt32()}@{l.GetProperty("revision").GetInt32()}")
                .Order().ToList()),
        ];
    }
}
