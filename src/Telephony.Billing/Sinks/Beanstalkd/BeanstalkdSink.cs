using System.Globalization;
using System.Text.Json;
using Telephony.Billing.Rows;

namespace Telephony.Billing.Sinks.Beanstalkd;

/// <summary>
/// Puts each CDR of a batch into a beanstalkd tube as cdr_beanstalkd's JSON (<see cref="BeanstalkdCdrJob"/>); cel and
/// call rows are not put. beanstalkd has no transactions, so delivery is at least once: the projection's offset is kept
/// in a side file (<c>&lt;state folder&gt;/&lt;sink&gt;.&lt;tag&gt;.offset</c>, replaced atomically) written only after
/// every job of the batch was answered. Within a process a job is never put twice (the keys put since the last offset
/// are remembered across retries of a batch); a crash between the puts and the offset puts the batch's jobs again on
/// restart, and consumers dedupe on (Node, Origin, RecordID).
/// Server answers: DRAINING, OUT_OF_MEMORY and INTERNAL_ERROR are retried with backoff for
/// <see cref="BeanstalkdSinkOptions.RetryFor"/>, then the batch fails (the projection backs off and tries again);
/// JOB_TOO_BIG is counted and the job appended to <c>quarantine.jsonl</c> (fsynced before the offset moves) so nothing is
/// silently lost; BURIED counts as delivered (the job is in the server, buried).
/// </summary>
public sealed class BeanstalkdSink : IBillingSink
{
    private static readonly JsonSerializerOptions QuarantineJson = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private readonly string _host;
    private readonly int _port;
    private readonly BeanstalkdSinkOptions _options;
    private readonly string _stateFolder;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<string, long> _offsets = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<string>> _putSinceOffset = new(StringComparer.Ordinal);
    private BeanstalkdConnection? _connection;
    private long _inserted, _buried, _quarantined, _retried;

    public BeanstalkdSink(string name, string server, BeanstalkdSinkOptions? options = null, TimeProvider? time = null)
    {
        Name = name;
        _options = options ?? new BeanstalkdSinkOptions();
        _options.Validate(name);
        (_host, _port) = ParseServer(name, server);
        _stateFolder = Path.GetFullPath(_options.StateFolder ?? Path.Combine("data", "billing", DurableFiles.SafeName(name)));
        _time = time ?? TimeProvider.System;
    }

    public string Name { get; }
    public string Tables => $"beanstalkd {_host}:{_port} tube {_options.Tube}";

    /// <summary>Jobs the server answered INSERTED to.</summary>
    public long Inserted => Interlocked.Read(ref _inserted);

    /// <summary>Jobs the server answered BURIED to: stored, but waiting for a kick.</summary>
    public long Buried => Interlocked.Read(ref _buried);

    /// <summary>Jobs the server refused as too big, kept in <see cref="QuarantinePath"/>.</summary>
    public long Quarantined => Interlocked.Read(ref _quarantined);

    /// <summary>Puts answered DRAINING / OUT_OF_MEMORY / INTERNAL_ERROR, or lost with the connection, and put again.</summary>
    public long Retried => Interlocked.Read(ref _retried);

    public string QuarantinePath => Path.Combine(_stateFolder, "quarantine.jsonl");

    public async Task<long> ReadOffsetAsync(string projection, CancellationToken ct)
    {
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            Directory.CreateDirectory(_stateFolder);
            var offset = DurableFiles.ReadState<OffsetState>(OffsetPath(projection))?.Offset ?? 0;
            _offsets[projection] = offset;
            return offset;
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task WriteAsync(ProjectionBatch batch, CancellationToken ct)
    {
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (!_offsets.TryGetValue(batch.Projection, out var stored))
            {
                Directory.CreateDirectory(_stateFolder);
                stored = DurableFiles.ReadState<OffsetState>(OffsetPath(batch.Projection))?.Offset ?? 0;
            }
            if (batch.Offset <= stored) return;
            if (!_putSinceOffset.TryGetValue(batch.Projection, out var put)) _putSinceOffset[batch.Projection] = put = new(StringComparer.Ordinal);

            var jobs = new List<BeanstalkdJob>();
            foreach (var row in batch.Cdr)
            {
                if (!_options.Origins.Contains(row.Origin, StringComparer.Ordinal)) continue;
                var key = string.Create(CultureInfo.InvariantCulture, $"{row.Node}/{row.Origin}/{row.RecordId}/{row.Revision}");
                if (!put.Contains(key)) jobs.Add(new BeanstalkdJob(key, _options.PriorityOf(row), BeanstalkdCdrJob.Body(row)));
            }
            if (jobs.Count > 0) await PutAllAsync(batch.Projection, jobs, put, ct).ConfigureAwait(false);

            DurableFiles.WriteState(OffsetPath(batch.Projection),
                new OffsetState { Projection = batch.Projection, Offset = batch.Offset, UpdatedUtc = _time.GetUtcNow().UtcDateTime });
            _offsets[batch.Projection] = batch.Offset;
            put.Clear();
        }
        finally
        {
            _gate.Release();
        }
    }

    public Task<IBillingSink> BeginRebuildAsync(CancellationToken ct) =>
        Task.FromException<IBillingSink>(new NotSupportedException(
            $"billing sink '{Name}' (beanstalkd) cannot be rebuilt: jobs put in a tube cannot be taken back. To put every CDR " +
            $"again, stop the service and delete the offset files in {_stateFolder}"));

    public Task CompleteRebuildAsync(CancellationToken ct) => BeginRebuildAsync(ct);

    /// <summary>Puts until every job is answered for good, retrying the retryable ones (and a lost connection) with
    /// backoff until <see cref="BeanstalkdSinkOptions.RetryFor"/> has passed.</summary>
    private async Task PutAllAsync(string projection, List<BeanstalkdJob> jobs, HashSet<string> put, CancellationToken ct)
    {
        var deadline = _time.GetUtcNow() + _options.RetryFor;
        var backoff = _options.RetryBackoff;
        var remaining = jobs;
        string? lastProblem = null;
        while (true)
        {
            var retry = new List<BeanstalkdJob>();
            var answered = new bool[remaining.Count];
            try
            {
                var connection = await ConnectedAsync(ct).ConfigureAwait(false);
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                timeout.CancelAfter(_options.IoTimeout + TimeSpan.FromMilliseconds(remaining.Count));
                var current = remaining;
                await connection.PutAsync(current, Seconds(_options.Delay), Seconds(_options.TimeToRun), (i, reply) =>
                {
                    answered[i] = true;
                    var job = current[i];
                    switch (reply.Outcome)
                    {
                        case PutOutcome.Inserted:
                            Interlocked.Increment(ref _inserted);
                            put.Add(job.Key);
                            break;
                        case PutOutcome.Buried:
                            Interlocked.Increment(ref _buried);
                            put.Add(job.Key);
                            break;
                        case PutOutcome.JobTooBig:
                            Quarantine(projection, job, reply);
                            Interlocked.Increment(ref _quarantined);
                            put.Add(job.Key);
                            break;
                        case PutOutcome.ProtocolError:
                            break;
                        default:
                            Interlocked.Increment(ref _retried);
                            lastProblem = reply.Line;
                            retry.Add(job);
                            break;
                    }
                }, timeout.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or BeanstalkdException
                                          or OperationCanceledException && !ct.IsCancellationRequested)
            {
                await DropConnectionAsync().ConfigureAwait(false);
                lastProblem = e.Message;
                for (var i = 0; i < remaining.Count; i++)
                    if (!answered[i] || (!put.Contains(remaining[i].Key) && !retry.Contains(remaining[i])))
                    {
                        Interlocked.Increment(ref _retried);
                        retry.Add(remaining[i]);
                    }
            }
            if (retry.Count == 0) return;
            if (_time.GetUtcNow() >= deadline)
                throw new BeanstalkdException(
                    $"beanstalkd {_host}:{_port}: {retry.Count} of {jobs.Count} CDR jobs not accepted after {_options.RetryFor.TotalSeconds:F0} s " +
                    $"(last: {lastProblem}); the batch will be tried again");
            await Task.Delay(backoff, _time, ct).ConfigureAwait(false);
            backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, _options.MaxRetryBackoff.Ticks));
            remaining = retry;
        }
    }

    private async Task<BeanstalkdConnection> ConnectedAsync(CancellationToken ct)
    {
        if (_connection is not null) return _connection;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(_options.IoTimeout);
        var connection = await BeanstalkdConnection.ConnectAsync(_host, _port, timeout.Token).ConfigureAwait(false);
        try
        {
            await connection.UseAsync(_options.Tube, timeout.Token).ConfigureAwait(false);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        return _connection = connection;
    }

    private async Task DropConnectionAsync()
    {
        if (_connection is null) return;
        try
        {
            await _connection.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or ObjectDisposedException)
        {
            // Already broken: nothing more to release.
        }
        _connection = null;
    }

    /// <summary>Appends the refused job to quarantine.jsonl and fsyncs it, before the offset can move past it.</summary>
    private void Quarantine(string projection, BeanstalkdJob job, PutReply reply)
    {
        Directory.CreateDirectory(_stateFolder);
        var line = JsonSerializer.SerializeToUtf8Bytes(new QuarantinedJob
        {
            QuarantinedUtc = _time.GetUtcNow().UtcDateTime,
            Projection = projection,
            Reason = reply.Line,
            Tube = _options.Tube,
            Priority = job.Priority,
            Bytes = job.Body.Length,
            Job = JsonDocument.Parse(job.Body).RootElement,
        }, QuarantineJson);
        using var stream = new FileStream(QuarantinePath, FileMode.Append, FileAccess.Write, FileShare.Read);
        stream.Write(line);
        stream.Write("\n"u8);
        stream.Flush(flushToDisk: true);
    }

    private string OffsetPath(string projection) => Path.Combine(_stateFolder, DurableFiles.SafeName(projection) + ".offset");

    private static uint Seconds(TimeSpan t) => (uint)Math.Clamp(Math.Ceiling(t.TotalSeconds), 0, uint.MaxValue);

    internal static (string Host, int Port) ParseServer(string sink, string server)
    {
        var text = server.Trim();
        if (text.StartsWith("beanstalkd://", StringComparison.OrdinalIgnoreCase)) text = text["beanstalkd://".Length..];
        var colon = text.LastIndexOf(':');
        if (colon < 0 && text.Length > 0) return (text, BeanstalkdProtocol.DefaultPort);
        if (colon > 0 && int.TryParse(text[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and < 65536)
            return (text[..colon].Trim('[', ']'), port);
        throw new ArgumentException($"billing sink '{sink}' (beanstalkd): connection string '{server}' is not host[:port]");
    }

    private sealed record OffsetState
    {
        public required string Projection { get; init; }
        public required long Offset { get; init; }
        public required DateTime UpdatedUtc { get; init; }
    }

    private sealed record QuarantinedJob
    {
        public required DateTime QuarantinedUtc { get; init; }
        public required string Projection { get; init; }
        public required string Reason { get; init; }
        public required string Tube { get; init; }
        public required uint Priority { get; init; }
        public required int Bytes { get; init; }
        public required JsonElement Job { get; init; }
    }
}
