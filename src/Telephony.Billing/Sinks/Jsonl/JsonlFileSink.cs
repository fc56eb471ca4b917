using System.Buffers;
using System.Globalization;
using Telephony.Billing.Rows;

namespace Telephony.Billing.Sinks.Jsonl;

/// <summary>
/// Billing rows as JSON lines (<see cref="JsonlRows"/>) in a folder, one series of files per projection
/// (<c>&lt;sink&gt;.&lt;tag&gt;-000001-20261122T100000Z.jsonl</c>), rotated by size and time. Exactly once without
/// transactions: a batch's lines are written and fsynced, then the projection's state file
/// (<c>&lt;sink&gt;.&lt;tag&gt;.offset</c>: offset, current file, its length) is replaced atomically. Whenever the
/// projection (re)starts, everything written after that recorded state is cut away first (the current file is truncated
/// to the recorded length, later files are deleted), so the rows of the batches after the offset are written once.
/// Amended billing records are new lines with a higher <c>revision</c>: consumers keep the highest revision per natural
/// key (cdr: node, origin, record_id; cel: node, event_id; call: node, linkedid, record_index).
/// </summary>
public sealed class JsonlFileSink : IBillingSink
{
    private const string Extension = ".jsonl";
    private const string RebuildSuffix = ".rebuild";
    private const string OldSuffix = ".old";

    private readonly string _folder;
    private readonly JsonlSinkOptions _options;
    private readonly TimeProvider _time;
    private readonly bool _isLive;
    private readonly Dictionary<string, ProjectionFiles> _projections = new(StringComparer.Ordinal);

    public JsonlFileSink(string name, string folder, JsonlSinkOptions? options = null, TimeProvider? time = null)
        : this(name, folder, options ?? new JsonlSinkOptions(), time ?? TimeProvider.System, isLive: true)
    {
    }

    private JsonlFileSink(string name, string folder, JsonlSinkOptions options, TimeProvider time, bool isLive)
    {
        if (string.IsNullOrWhiteSpace(folder)) throw new ArgumentException($"billing sink '{name}' (jsonl) needs a folder as its connection string");
        options.Validate(name);
        Name = name;
        _folder = Path.GetFullPath(folder.TrimEnd('/', '\\'));
        _options = options;
        _time = time;
        _isLive = isLive;
    }

    public string Name { get; }
    public string Tables => _folder;

    /// <summary>The data files of <paramref name="projection"/> in the order they were written.</summary>
    public IReadOnlyList<string> FilesOf(string projection) => ListFiles(DurableFiles.SafeName(projection)).Select(f => f.Path).ToList();

    public async Task<long> ReadOffsetAsync(string projection, CancellationToken ct)
    {
        var files = For(projection);
        await files.Gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            return Recover(files).Offset;
        }
        finally
        {
            files.Gate.Release();
        }
    }

    public async Task WriteAsync(ProjectionBatch batch, CancellationToken ct)
    {
        var files = For(batch.Projection);
        await files.Gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var state = files.State ?? Recover(files);
            // A batch the state already covers (written, then the projection restarted before it heard): nothing to do.
            if (batch.Offset <= state.Offset) return;
            try
            {
                files.State = Append(files.SafeName, state, batch);
            }
            catch
            {
                // The disk may now hold lines past the recorded state: cut them before anything else is written.
                files.State = null;
                throw;
            }
        }
        finally
        {
            files.Gate.Release();
        }
    }

    public Task<IBillingSink> BeginRebuildAsync(CancellationToken ct)
    {
        var folder = _folder + RebuildSuffix;
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        Directory.CreateDirectory(folder);
        return Task.FromResult<IBillingSink>(new JsonlFileSink(Name, folder, _options, _time, isLive: false));
    }

    /// <summary>Swaps the rebuilt folder in with two renames; a crash between them is finished on the next start
    /// (<see cref="FinishSwap"/>).</summary>
    public Task CompleteRebuildAsync(CancellationToken ct)
    {
        var old = _folder + OldSuffix;
        if (Directory.Exists(old)) Directory.Delete(old, recursive: true);
        lock (_projections)
        {
            if (Directory.Exists(_folder)) Directory.Move(_folder, old);
            Directory.Move(_folder + RebuildSuffix, _folder);
            DurableFiles.SyncFolder(Path.GetDirectoryName(_folder)!);
            foreach (var p in _projections.Values) p.State = null;
        }
        Directory.Delete(old, recursive: true);
        return Task.CompletedTask;
    }

    private ProjectionFiles For(string projection)
    {
        lock (_projections)
        {
            if (!_projections.TryGetValue(projection, out var files))
                _projections[projection] = files = new ProjectionFiles(projection, DurableFiles.SafeName(projection));
            return files;
        }
    }

    /// <summary>Reads the recorded state and cuts the disk back to it: the current file to its recorded length, files
    /// begun after it deleted. What remains is exactly the rows of the batches up to the recorded offset.</summary>
    private JsonlState Recover(ProjectionFiles files)
    {
        if (_isLive) FinishSwap();
        Directory.CreateDirectory(_folder);
        var state = DurableFiles.ReadState<JsonlState>(StatePath(files.SafeName))
                    ?? new JsonlState { Projection = files.Projection, Offset = 0, File = null, Length = 0, Sequence = 0, OpenedUtc = Now() };
        foreach (var (path, sequence) in ListFiles(files.SafeName))
        {
            var isCurrent = sequence == state.Sequence && Path.GetFileName(path) == state.File;
            if (state.File is null || sequence > state.Sequence || (sequence == state.Sequence && !isCurrent))
            {
                File.Delete(path);
                continue;
            }
            if (!isCurrent) continue;
            using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read);
            if (stream.Length < state.Length)
                throw new InvalidDataException(
                    $"{path} holds {stream.Length} bytes but {state.Length} were recorded with offset {state.Offset}: the file was cut " +
                    "outside the sink; restore it, or remove the folder to write everything again");
            if (stream.Length > state.Length)
            {
                stream.SetLength(state.Length);
                stream.Flush(flushToDisk: true);
            }
        }
        if (state.File is not null && state.Length > 0 && !File.Exists(Path.Combine(_folder, state.File)))
            throw new InvalidDataException(
                $"{Path.Combine(_folder, state.File)} is missing but recorded with offset {state.Offset}; restore it, or remove the folder to write everything again");
        DurableFiles.SyncFolder(_folder);
        files.State = state;
        return state;
    }

    private JsonlState Append(string safeName, JsonlState state, ProjectionBatch batch)
    {
        var buffer = new ArrayBufferWriter<byte>(Math.Max(256, batch.RowCount * 512));
        var (queues, queueState) = JsonlQueueState.Apply(state.Queues, batch.Queues);
        var ends = JsonlRows.Write(batch, buffer, queues);
        var now = Now();
        if (state.File is null || (state.Length > 0 && _options.RotateEvery is { } every && now - state.OpenedUtc >= every))
            state = Next(safeName, state, now);

        var stream = Open(state);
        try
        {
            var start = 0;
            foreach (var end in ends)
            {
                var line = buffer.WrittenMemory[start..end];
                if (state.Length > 0 && state.Length + line.Length > _options.MaxFileBytes)
                {
                    stream.Flush(flushToDisk: true);
                    stream.Dispose();
                    state = Next(safeName, state, now);
                    stream = Open(state);
                }
                stream.Write(line.Span);
                state = state with { Length = state.Length + line.Length };
                start = end;
            }
            stream.Flush(flushToDisk: true);
        }
        finally
        {
            stream.Dispose();
        }
        state = state with { Offset = batch.Offset, Queues = queueState };
        DurableFiles.WriteState(StatePath(safeName), state);
        return state;
    }

    private JsonlState Next(string safeName, JsonlState state, DateTime now)
    {
        var sequence = state.Sequence + 1;
        var file = string.Create(CultureInfo.InvariantCulture, $"{safeName}-{sequence:D6}-{now:yyyyMMdd'T'HHmmss'Z'}{Extension}");
        // A file left by a failed write in this process (same sequence, any time) holds nothing recorded.
        foreach (var (path, s) in ListFiles(safeName))
            if (s >= sequence) File.Delete(path);
        return state with { File = file, Sequence = sequence, Length = 0, OpenedUtc = now };
    }

    private FileStream Open(JsonlState state)
    {
        var path = Path.Combine(_folder, state.File!);
        var isNew = !File.Exists(path);
        var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.Write, FileShare.Read);
        if (stream.Length < state.Length)
        {
            stream.Dispose();
            throw new InvalidDataException($"{path} holds fewer bytes than recorded ({state.Length}): the file was cut outside the sink");
        }
        // Lines past the recorded length are from a write that failed: they are replaced, not kept.
        if (stream.Length > state.Length) stream.SetLength(state.Length);
        stream.Seek(state.Length, SeekOrigin.Begin);
        if (isNew) DurableFiles.SyncFolder(_folder);
        return stream;
    }

    private List<(string Path, int Sequence)> ListFiles(string safeName)
    {
        if (!Directory.Exists(_folder)) return [];
        var prefix = safeName + "-";
        var files = new List<(string, int)>();
        foreach (var path in Directory.EnumerateFiles(_folder, prefix + "*" + Extension))
        {
            var name = Path.GetFileName(path);
            var digits = name.AsSpan(prefix.Length);
            var dash = digits.IndexOf('-');
            if (dash > 0 && int.TryParse(digits[..dash], NumberStyles.None, CultureInfo.InvariantCulture, out var sequence))
                files.Add((path, sequence));
        }
        files.Sort((a, b) => a.Item2.CompareTo(b.Item2));
        return files;
    }

    /// <summary>A crash between the two renames of <see cref="CompleteRebuildAsync"/> left the rebuilt folder beside a
    /// missing live one: finish the swap; a leftover old folder is removed.</summary>
    private void FinishSwap()
    {
        lock (_projections)
        {
            if (!Directory.Exists(_folder) && Directory.Exists(_folder + RebuildSuffix) && Directory.Exists(_folder + OldSuffix))
                Directory.Move(_folder + RebuildSuffix, _folder);
            if (Directory.Exists(_folder) && Directory.Exists(_folder + OldSuffix))
                Directory.Delete(_folder + OldSuffix, recursive: true);
        }
    }

    private string StatePath(string safeName) => Path.Combine(_folder, safeName + ".offset");

    private DateTime Now() => _time.GetUtcNow().UtcDateTime;

    private sealed class ProjectionFiles(string projection, string safeName)
    {
        public string Projection { get; } = projection;
        public string SafeName { get; } = safeName;
        public SemaphoreSlim Gate { get; } = new(1, 1);

        /// <summary>The recorded state, the disk cut back to it; null until <see cref="Recover"/> ran (again).</summary>
        public JsonlState? State { get; set; }
    }
}

/// <summary>The side file of one projection: its offset and how far its files reached when that offset was recorded.</summary>
internal sealed record JsonlState
{
    public required string Projection { get; init; }
    public required long Offset { get; init; }
    public required string? File { get; init; }
    public required long Length { get; init; }
    public required int Sequence { get; init; }
    public required DateTime OpenedUtc { get; init; }

    /// <summary>What the <c>queues</c> projection's next batch folds over (recorded with the offset it belongs to).</summary>
    public JsonlQueueState? Queues { get; init; }
}
