using System.Text.Json;
using Telephony.Billing.Rows;
using Telephony.Billing.Sinks.Jsonl;
using Xunit.Abstractions;

namespace Telephony.Billing.Tests;

/// <summary>The JSONL sink on its own, against real files: exactly once through crashes, rotation by size and time.</summary>
public class JsonlFileSinkTests(ITestOutputHelper output)
{
    private const string Projection = "files:cdr";

    internal static CdrRow Cdr(string id, string lastData = "PJSIP/200,30") => new()
    {
        CallDate = new DateTime(2026, 11, 22, 11, 0, 0), Clid = "\"Alice\" <100>", Src = "100", Dst = "200", LastApp = "Dial",
        LastData = lastData, Duration = 30, BillSec = 20, Disposition = "ANSWERED", AmaFlags = 3, UniqueId = "1700000000.1",
        LinkedId = "1700000000.1", Node = "pbx1", Origin = CdrOrigin.AsteriskCdr, RecordId = id,
        StartUtc = new DateTime(2026, 11, 22, 10, 0, 0, 250, DateTimeKind.Utc),
        AnswerUtc = new DateTime(2026, 11, 22, 10, 0, 10, 500, DateTimeKind.Utc),
        EndUtc = new DateTime(2026, 11, 22, 10, 0, 30, 750, DateTimeKind.Utc),
    };

    /// <summary>Batch n holds rows n.0 .. n.(rows-1) and ends at offset n * 10.</summary>
    private static ProjectionBatch Batch(int n, int rows = 3) =>
        new(Projection, n * 10, rows, 0, Enumerable.Range(0, rows).Select(i => Cdr($"cdr1:{n}.{i}")).ToList(), [], []);

    private static List<string> Expected(int fromBatch, int toBatch, int rows = 3) =>
        Enumerable.Range(fromBatch, toBatch - fromBatch + 1).SelectMany(n => Enumerable.Range(0, rows).Select(i => $"cdr1:{n}.{i}")).ToList();

    /// <summary>The record ids of every line of every file, in file then line order; every line must be whole JSON.</summary>
    internal static List<string> RecordIds(JsonlFileSink sink, string projection) =>
        Lines(sink, projection).Select(l => l.GetProperty("record_id").GetString()!).ToList();

    internal static List<JsonElement> Lines(JsonlFileSink sink, string projection) =>
        sink.FilesOf(projection).SelectMany(File.ReadAllLines).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();

    [Fact]
    public async Task A_line_holds_the_cdr_columns_with_Asterisk_times_and_the_natural_key()
    {
        var sink = new JsonlFileSink("files", TestDatabases.TempFolder());
        await sink.ReadOffsetAsync(Projection, CancellationToken.None);
        await sink.WriteAsync(Batch(1, rows: 1), CancellationToken.None);
        var line = Lines(sink, Projection).Single();
        output.WriteLine(line.ToString());
        Assert.Equal("cdr", line.GetProperty("type").GetString());
        Assert.Equal("2026-11-22 11:00:00", line.GetProperty("calldate").GetString());
        Assert.Equal("\"Alice\" <100>", line.GetProperty("clid").GetString());
        Assert.Equal(20, line.GetProperty("billsec").GetInt32());
        Assert.Equal(3, line.GetProperty("amaflags").GetInt32());
        Assert.Equal("2026-11-22T10:00:10.500000Z", line.GetProperty("answer_utc").GetString());
        Assert.Equal(("pbx1", "asterisk-cdr", "cdr1:1.0"),
            (line.GetProperty("node").GetString(), line.GetProperty("origin").GetString(), line.GetProperty("record_id").GetString()));
        Assert.Equal(JsonValueKind.Null, line.GetProperty("sequence").ValueKind);
    }

    [Fact]
    public async Task A_crash_after_the_lines_but_before_the_offset_writes_those_rows_once_after_the_restart()
    {
        var folder = TestDatabases.TempFolder();
        var sink = new JsonlFileSink("files", folder);
        Assert.Equal(0, await sink.ReadOffsetAsync(Projection, CancellationToken.None));
        for (var n = 1; n <= 3; n++) await sink.WriteAsync(Batch(n), CancellationToken.None);
        var statePath = Path.Combine(folder, "files.cdr.offset");
        var stateAfter3 = await File.ReadAllBytesAsync(statePath);

        // Batch 4 reaches the file, then the process dies before its offset is recorded: the old state is what the
        // disk keeps. A torn line of a batch 5 being written is left at the end too.
        await sink.WriteAsync(Batch(4), CancellationToken.None);
        await File.WriteAllBytesAsync(statePath, stateAfter3);
        await File.AppendAllTextAsync(sink.FilesOf(Projection).Last(), "{\"type\":\"cdr\",\"record_id\":\"cdr1:5.0\",\"cal");

        var restarted = new JsonlFileSink("files", folder);
        Assert.Equal(30, await restarted.ReadOffsetAsync(Projection, CancellationToken.None));
        Assert.Equal(Expected(1, 3), RecordIds(restarted, Projection));
        await restarted.WriteAsync(Batch(4), CancellationToken.None);
        await restarted.WriteAsync(Batch(5), CancellationToken.None);
        Assert.Equal(Expected(1, 5), RecordIds(restarted, Projection));

        // A batch the offset already covers (the projection did not hear the ack) is not written again.
        await restarted.WriteAsync(Batch(5), CancellationToken.None);
        Assert.Equal(Expected(1, 5), RecordIds(restarted, Projection));
    }

    [Fact]
    public async Task Rotation_by_size_gives_several_files_whose_union_is_exact_even_across_a_crash_mid_rotation()
    {
        var folder = TestDatabases.TempFolder();
        var options = new JsonlSinkOptions { MaxFileBytes = 2000 };
        var sink = new JsonlFileSink("files", folder, options);
        await sink.ReadOffsetAsync(Projection, CancellationToken.None);
        for (var n = 1; n <= 6; n++) await sink.WriteAsync(Batch(n, rows: 5), CancellationToken.None);
        var statePath = Path.Combine(folder, "files.cdr.offset");
        var stateAfter6 = await File.ReadAllBytesAsync(statePath);
        var filesAfter6 = sink.FilesOf(Projection).Count;

        // Batch 7 is large enough to start new files; the crash loses its offset.
        await sink.WriteAsync(Batch(7, rows: 12), CancellationToken.None);
        Assert.True(sink.FilesOf(Projection).Count > filesAfter6, "batch 7 rotated into new files");
        await File.WriteAllBytesAsync(statePath, stateAfter6);

        var restarted = new JsonlFileSink("files", folder, options);
        Assert.Equal(60, await restarted.ReadOffsetAsync(Projection, CancellationToken.None));
        Assert.Equal(filesAfter6, restarted.FilesOf(Projection).Count);
        await restarted.WriteAsync(Batch(7, rows: 5), CancellationToken.None);
        for (var n = 8; n <= 10; n++) await restarted.WriteAsync(Batch(n, rows: 5), CancellationToken.None);

        var files = restarted.FilesOf(Projection);
        output.WriteLine(string.Join("\n", files.Select(f => $"{Path.GetFileName(f)} {new FileInfo(f).Length}")));
        Assert.True(files.Count >= 5, $"50 rows of ~600 bytes in files of 2000 bytes: {files.Count} files");
        Assert.All(files, f => Assert.InRange(new FileInfo(f).Length, 1, 2000));
        Assert.Equal(Expected(1, 10, rows: 5), RecordIds(restarted, Projection));
    }

    [Fact]
    public async Task Rotation_by_time_starts_a_new_file_once_the_current_one_is_older_than_the_period()
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 11, 22, 10, 0, 0, TimeSpan.Zero));
        var sink = new JsonlFileSink("files", TestDatabases.TempFolder(), new JsonlSinkOptions { RotateEvery = TimeSpan.FromHours(1) }, clock);
        await sink.ReadOffsetAsync(Projection, CancellationToken.None);
        await sink.WriteAsync(Batch(1), CancellationToken.None);
        clock.Advance(TimeSpan.FromMinutes(59));
        await sink.WriteAsync(Batch(2), CancellationToken.None);
        Assert.Single(sink.FilesOf(Projection));
        clock.Advance(TimeSpan.FromMinutes(2));
        await sink.WriteAsync(Batch(3), CancellationToken.None);
        var files = sink.FilesOf(Projection).Select(Path.GetFileName).ToList();
        Assert.Equal(["files.cdr-000001-20261122T100000Z.jsonl", "files.cdr-000002-20261122T110100Z.jsonl"], files);
        Assert.Equal(Expected(1, 3), RecordIds(sink, Projection));
    }

    [Fact]
    public async Task Projections_of_one_sink_write_their_own_files_and_offsets()
    {
        var sink = new JsonlFileSink("files", TestDatabases.TempFolder());
        await sink.ReadOffsetAsync("files:cdr", CancellationToken.None);
        await sink.ReadOffsetAsync("files:billing", CancellationToken.None);
        var billing = new ProjectionBatch("files:billing", 7, 1, 0, [Cdr("linked#0") with { Origin = CdrOrigin.CelDerived }], [], []);
        await Task.WhenAll(sink.WriteAsync(Batch(1), CancellationToken.None), sink.WriteAsync(billing, CancellationToken.None));
        Assert.Equal(Expected(1, 1), RecordIds(sink, "files:cdr"));
        Assert.Equal(["linked#0"], RecordIds(sink, "files:billing"));
        Assert.Equal(10, await sink.ReadOffsetAsync("files:cdr", CancellationToken.None));
        Assert.Equal(7, await sink.ReadOffsetAsync("files:billing", CancellationToken.None));
    }
}

/// <summary>A clock the test moves.</summary>
public sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;
    public override DateTimeOffset GetUtcNow() => _now;
    public void Advance(TimeSpan by) => _now += by;
}
