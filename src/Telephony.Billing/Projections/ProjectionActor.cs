using Akka;
using Akka.Actor;
using Akka.Event;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using Akka.Streams;
using Akka.Streams.Dsl;
using Telephony.Billing.Rows;
using Telephony.Billing.Sinks;

namespace Telephony.Billing.Projections;

/// <summary>The settings a projection runs with (from <see cref="Hosting.BillingOptions"/>).</summary>
public sealed record ProjectionSettings(
    int BatchSize,
    TimeSpan BatchWindow,
    TimeSpan MinBackoff,
    TimeSpan MaxBackoff,
    TimeSpan LagInterval,
    TimeSpan LagLogInterval);

/// <summary>
/// One projection (journal tag -> sink) as an Akka.Streams pipeline: EventsByTag from the offset the sink stored,
/// batches by size and time, each batch written with its offset in one transaction, the whole source restarted with
/// backoff when the sink fails (and the offset read again, so a failed batch is simply read again). The actor keeps
/// the status: offset, counters, last error, and the lag it measures against the journal.
/// </summary>
public sealed class ProjectionActor : ReceiveActor, IWithTimers
{
    private sealed record BatchWritten(long Offset, int Events, int Rows, long LastEventTimestamp);
    private sealed record Resumed(long Offset);
    private sealed record Failed(Exception Error);
    private sealed record StreamEnded(Exception? Error);
    private sealed record LagMeasured(JournalLag Lag, DateTimeOffset StartedAt, int Epoch);
    private sealed record MeasureLag
    {
        public static readonly MeasureLag Instance = new();
    }
    private sealed record StopTimeout(DateTime GiveUpAt, bool SawNone = false);

    /// <summary>Sink writes begun and not yet finished. A write is a Task the stream cannot take back: a projection
    /// stopped (or torn down) while one runs must not say it has stopped, or the write lands after whatever comes next
    /// (the folders swapped by a rebuild, the projection started again on another member) and can record an offset past
    /// rows nobody wrote.</summary>
    private sealed class WritesInFlight
    {
        public int Count;
    }

    private readonly string _name;
    private readonly string _tag;
    private readonly IBillingSink _sink;
    private readonly BillingRowMapper _mapper;
    private readonly JournalLagProbe? _lagProbe;
    private readonly ProjectionSettings _settings;
    private readonly bool _isRebuild;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly SharedKillSwitch _stop;
    private readonly WritesInFlight _writing = new();

    private ProjectionState _state = ProjectionState.Starting;
    private long _offset;
    private long _head;
    private long _lagEvents = -1;
    private double _lagSeconds;
    private long _events, _rows, _batches, _failures, _restarts;
    private string? _lastError;
    private DateTimeOffset? _lastWriteAt, _lagMeasuredAt;
    private bool _measuring;
    // The lag is measured from the offset the sink stored: not before it is read, and a measurement begun before the
    // latest read is dropped. (A projection that had just moved measured from offset 0 and reported the age of the
    // journal's oldest events, 200-830 s, as its lag: the fleet soak's "max lag" samples.)
    private int _offsetEpoch; // offset reads so far: 0 until the first
    private DateTime _lastLog = DateTime.MinValue;
    private IActorRef? _stopRequester;

    public ProjectionActor(string name, string tag, IBillingSink sink, BillingRowMapper mapper, JournalLagProbe? lagProbe,
        ProjectionSettings settings, bool isRebuild)
    {
        _name = name;
        _tag = tag;
        _sink = sink;
        _mapper = mapper;
        _lagProbe = lagProbe;
        _settings = settings;
        _isRebuild = isRebuild;
        _stop = KillSwitches.Shared("stop-" + name);

        Receive<BatchWritten>(w =>
        {
            var wasBehind = _lagEvents != 0;
            _offset = Math.Max(_offset, w.Offset);
            _events += w.Events;
            _rows += w.Rows;
            _batches++;
            _lastWriteAt = DateTimeOffset.UtcNow;
            _state = ProjectionState.Running;
            if (wasBehind && _lastError is not null)
            {
                _log.Info("projection {0}: writing again at offset {1} after {2} failure(s)", _name, _offset, _failures);
                _lastError = null;
            }
        });
        Receive<Resumed>(r =>
        {
            if (_state != ProjectionState.Starting) _restarts++;
            _offset = r.Offset;
            _offsetEpoch++;
            if (_state != ProjectionState.Stopping) _state = ProjectionState.Running;
            _log.Info("projection {0}: reading tag '{1}' after offset {2} into {3}", _name, _tag, r.Offset, _sink.Tables);
        });
        Receive<Failed>(f =>
        {
            _failures++;
            _lastError = f.Error.GetBaseException().Message;
            if (_state != ProjectionState.Stopping) _state = ProjectionState.BackingOff;
            _log.Warning("projection {0}: sink failed, backing off (failure {1}): {2}", _name, _failures, _lastError);
        });
        Receive<MeasureLag>(_ =>
        {
            if (_lagProbe is null || _measuring || _offsetEpoch == 0) return;
            _measuring = true;
            var startedAt = DateTimeOffset.UtcNow;
            var epoch = _offsetEpoch;
            _lagProbe.MeasureAsync(_tag, _offset).PipeTo(Self, success: lag => new LagMeasured(lag, startedAt, epoch), failure: ex => new Status.Failure(ex));
        });
        Receive<LagMeasured>(m =>
        {
            var lag = m.Lag;
            _measuring = false;
            if (m.Epoch != _offsetEpoch) return;
            _head = lag.Head;
            var caughtUpNow = lag.Events == 0 && _lagEvents != 0;
            _lagEvents = lag.Events;
            _lagSeconds = lag.OldestCreatedUtc is { } oldest ? Math.Max(0, (DateTime.UtcNow - oldest).TotalSeconds) : 0;
            // When the measurement began: events journaled after that are not in it.
            _lagMeasuredAt = m.StartedAt;
            if (caughtUpNow || DateTime.UtcNow - _lastLog >= _settings.LagLogInterval)
            {
                _lastLog = DateTime.UtcNow;
                _log.Info("projection {0}: offset {1}, journal head {2}, lag {3} events / {4:F1} s, {5} rows written",
                    _name, _offset, _head, _lagEvents, _lagSeconds, _rows);
            }
        });
        Receive<Status.Failure>(f =>
        {
            _measuring = false;
            _log.Debug("projection {0}: lag not measured: {1}", _name, f.Cause.Message);
        });
        Receive<GetProjectionStatus>(_ => Sender.Tell(Status()));
        Receive<StopProjection>(_ =>
        {
            _state = ProjectionState.Stopping;
            _stopRequester = Sender;
            // Cancels the whole pipeline (outside its restarts, so nothing restarts): batches read and not yet being
            // written are dropped (the offset is the sink's, so whoever runs next reads them again) and no write
            // starts. The write in flight cannot be taken back: wait for it. (Stopping is on the hand-over path,
            // bounded by cluster-exiting's 3 s.)
            _stop.Shutdown();
            Self.Tell(new StopTimeout(DateTime.UtcNow.AddSeconds(60)));
        });
        Receive<StopTimeout>(t =>
        {
            // Bounded: a sink hung for a minute is not coming back. Zero is read twice, 50 ms apart: the stream's stages
            // see the cancellation a moment after this actor, and a write could begin in between.
            if (DateTime.UtcNow < t.GiveUpAt && (Volatile.Read(ref _writing.Count) > 0 || !t.SawNone))
            {
                Timers.StartSingleTimer("stop-timeout", t with { SawNone = Volatile.Read(ref _writing.Count) == 0 }, TimeSpan.FromMilliseconds(50));
                return;
            }
            _stopRequester?.Tell(new ProjectionStopped(_name));
            _stopRequester = null;
            Context.Stop(Self);
        });
        Receive<StreamEnded>(e =>
        {
            // Stopping: the pipeline ended because it was told to; the stop-timeout loop above finishes.
            if (_state == ProjectionState.Stopping) return;
            if (e.Error is not null) _log.Error(e.Error, "projection {0}: stream ended", _name);
            Context.Stop(Self);
        });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(string name, string tag, IBillingSink sink, BillingRowMapper mapper, JournalLagProbe? lagProbe,
        ProjectionSettings settings, bool isRebuild = false) =>
        Akka.Actor.Props.Create(() => new ProjectionActor(name, tag, sink, mapper, lagProbe, settings, isRebuild));

    protected override void PreStart()
    {
        var self = Self;
        var journal = PersistenceQuery.Get(Context.System).ReadJournalFor<SqlReadJournal>(SqlReadJournal.Identifier);
        var name = _name;
        var tag = _tag;
        var sink = _sink;
        var mapper = _mapper;
        var writing = _writing;
        var restart = RestartSettings.Create(_settings.MinBackoff, _settings.MaxBackoff, 0.2);

        var completion = RestartSource.OnFailuresWithBackoff(() =>
                Source.FromTask(ReadOffsetAsync(sink, name, self))
                    .ConcatMany(offset => journal.EventsByTag(tag, Offset.Sequence(offset))
                        // The plugin reads after the offset; the filter makes that a guarantee whatever the plugin does.
                        .Where(e => e.Offset is not Sequence s || s.Value > offset))
                    .GroupedWithin(_settings.BatchSize, _settings.BatchWindow)
                    .Select(envelopes => mapper.Map(name, tag, envelopes.ToList()))
                    // The next batch is read and mapped while this one is written; one write at a time keeps offsets in order.
                    .Buffer(1, OverflowStrategy.Backpressure)
                    .SelectAsync(1, batch => WriteAsync(sink, batch, self, writing)),
                restart)
            .Via(_stop.Flow<BatchWritten>())
            .RunWith(Sink.ForEach<BatchWritten>(w => self.Tell(w)), Context.Materializer());
        completion.ContinueWith(t => new StreamEnded(t.Exception?.GetBaseException()), TaskScheduler.Default).PipeTo(Self);

        if (_lagProbe is not null)
            Timers.StartPeriodicTimer("lag", MeasureLag.Instance, TimeSpan.FromMilliseconds(50), _settings.LagInterval);
    }

    protected override void PostStop() => _stop.Shutdown();

    private static async Task<long> ReadOffsetAsync(IBillingSink sink, string name, IActorRef self)
    {
        try
        {
            var offset = await sink.ReadOffsetAsync(name, CancellationToken.None).ConfigureAwait(false);
            self.Tell(new Resumed(offset));
            return offset;
        }
        catch (Exception ex)
        {
            self.Tell(new Failed(ex));
            throw;
        }
    }

    private static async Task<BatchWritten> WriteAsync(IBillingSink sink, ProjectionBatch batch, IActorRef self, WritesInFlight writing)
    {
        Interlocked.Increment(ref writing.Count);
        try
        {
            await sink.WriteAsync(batch, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            self.Tell(new Failed(ex));
            throw;
        }
        finally
        {
            Interlocked.Decrement(ref writing.Count);
        }
        return new BatchWritten(batch.Offset, batch.EventCount, batch.RowCount, batch.LastEventTimestamp);
    }

    private ProjectionStatus Status()
    {
        var separator = _name.IndexOf(':');
        return new ProjectionStatus(_name, separator > 0 ? _name[..separator] : _name, _tag, _sink.Tables, _isRebuild, _state,
            _offset, _head, _lagEvents, _lagSeconds, _events, _rows, _batches, _failures, _restarts, _lastError,
            _lastWriteAt, _lagMeasuredAt, _countingSince);
    }

    private readonly DateTimeOffset _countingSince = DateTimeOffset.UtcNow;
}
