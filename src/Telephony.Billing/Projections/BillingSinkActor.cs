using Akka.Actor;
using Akka.Event;
using Telephony.Billing.Rows;
using Telephony.Billing.Sinks;

namespace Telephony.Billing.Projections;

/// <summary>
/// One billing database: a <see cref="ProjectionActor"/> per journal tag, each its own stream with its own offset.
/// A rebuild runs a second set of projections from offset zero into fresh tables beside the live ones; once they have
/// caught up with the live projections (or the journal), both sets are stopped (each after its write in flight), the tables
/// (offsets included) are swapped in one step, and live projections start again from the rebuilt offsets.
/// </summary>
public sealed class BillingSinkActor : ReceiveActor, IWithTimers
{
    private sealed record RebuildTablesReady(IBillingSink Sink);
    private sealed record RebuildCheck
    {
        public static readonly RebuildCheck Instance = new();
    }
    private sealed record RebuildProgress(IReadOnlyList<ProjectionStatus> Live, IReadOnlyList<ProjectionStatus> Rebuild);
    private sealed record StoppedForSwap;
    private sealed record Swapped;
    private sealed record RebuildError(Exception Error);

    private readonly IBillingSink _sink;
    private readonly IReadOnlyList<string> _tags;
    private readonly BillingRowMapper _mapper;
    private readonly JournalLagProbe? _lagProbe;
    private readonly ProjectionSettings _settings;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Dictionary<string, IActorRef> _live = new();
    private readonly Dictionary<string, IActorRef> _rebuild = new();
    private int _generation;
    private RebuildStatus? _rebuildStatus;
    private bool _checking;

    public BillingSinkActor(IBillingSink sink, IReadOnlyList<string> tags, BillingRowMapper mapper, JournalLagProbe? lagProbe,
        ProjectionSettings settings)
    {
        _sink = sink;
        _tags = tags;
        _mapper = mapper;
        _lagProbe = lagProbe;
        _settings = settings;

        Receive<GetProjectionStatus>(_ =>
        {
            var status = _rebuildStatus;
            AskAll(_live.Values.Concat(_rebuild.Values))
                .ContinueWith(t => new BillingStatus(t.IsCompletedSuccessfully ? t.Result : [], status is null ? [] : [status]),
                    TaskScheduler.Default)
                .PipeTo(Sender);
        });
        Receive<RebuildSink>(r =>
        {
            if (_rebuildStatus is { Phase: not (RebuildPhase.Completed or RebuildPhase.Failed) })
            {
                Sender.Tell(new RebuildRejected(r.Sink, $"a rebuild of '{r.Sink}' is already {_rebuildStatus.Phase}"));
                return;
            }
            _rebuildStatus = new RebuildStatus(_sink.Name, RebuildPhase.CreatingTables, DateTimeOffset.UtcNow, null, null);
            _log.Info("billing sink {0}: rebuild from offset 0 into fresh tables", _sink.Name);
            _sink.BeginRebuildAsync(CancellationToken.None)
                .PipeTo(Self, success: s => new RebuildTablesReady(s), failure: ex => new RebuildError(ex));
            Sender.Tell(new RebuildAccepted(r.Sink));
        });
        Receive<RebuildTablesReady>(ready =>
        {
            _generation++;
            foreach (var tag in _tags)
                _rebuild[tag] = Context.ActorOf(
                    ProjectionActor.Props(ProjectionName(tag), tag, ready.Sink, _mapper, _lagProbe, _settings, isRebuild: true),
                    $"rebuild-{tag}-{_generation}");
            _rebuildStatus = _rebuildStatus! with { Phase = RebuildPhase.CatchingUp };
            Timers.StartPeriodicTimer("rebuild-check", RebuildCheck.Instance, TimeSpan.FromMilliseconds(500));
        });
        Receive<RebuildCheck>(_ =>
        {
            if (_checking) return;
            _checking = true;
            var live = AskAll(_live.Values);
            var rebuild = AskAll(_rebuild.Values);
            Task.WhenAll(live, rebuild)
                .ContinueWith(t => t.IsCompletedSuccessfully ? new RebuildProgress(live.Result, rebuild.Result) : (object)new RebuildProgress([], []),
                    TaskScheduler.Default)
                .PipeTo(Self);
        });
        Receive<RebuildProgress>(p =>
        {
            _checking = false;
            if (_rebuildStatus?.Phase != RebuildPhase.CatchingUp || p.Rebuild.Count != _rebuild.Count || p.Rebuild.Count == 0) return;
            var caughtUp = p.Rebuild.All(r =>
                r.LagEvents == 0 || r.Offset >= (p.Live.FirstOrDefault(l => l.Tag == r.Tag)?.Offset ?? long.MaxValue));
            if (!caughtUp) return;
            Timers.Cancel("rebuild-check");
            _rebuildStatus = _rebuildStatus with { Phase = RebuildPhase.Swapping };
            _log.Info("billing sink {0}: rebuild caught up ({1}), swapping tables", _sink.Name,
                string.Join(", ", p.Rebuild.Select(r => $"{r.Tag} at {r.Offset}")));
            StopEveryProjection().PipeTo(Self, success: () => new StoppedForSwap(), failure: ex => new RebuildError(ex));
        });
        Receive<StopAllProjections>(_ =>
        {
            Timers.Cancel("rebuild-check");
            var name = _sink.Name;
            StopEveryProjection().ContinueWith(_ => new AllProjectionsStopped(name), TaskScheduler.Default).PipeTo(Sender);
            Become(Stopping);
        });
        Receive<StoppedForSwap>(_ =>
        {
            _sink.CompleteRebuildAsync(CancellationToken.None)
                .PipeTo(Self, success: () => new Swapped(), failure: ex => new RebuildError(ex));
        });
        Receive<Swapped>(_ =>
        {
            _rebuildStatus = _rebuildStatus! with { Phase = RebuildPhase.Completed, EndedAt = DateTimeOffset.UtcNow };
            _log.Info("billing sink {0}: rebuild complete, live projections resume from the rebuilt offsets", _sink.Name);
            StartLive();
        });
        Receive<RebuildError>(e =>
        {
            Timers.Cancel("rebuild-check");
            _checking = false;
            _log.Error(e.Error, "billing sink {0}: rebuild failed; live tables untouched", _sink.Name);
            foreach (var a in _rebuild.Values) Context.Stop(a);
            _rebuild.Clear();
            _rebuildStatus = _rebuildStatus! with
            {
                Phase = RebuildPhase.Failed, EndedAt = DateTimeOffset.UtcNow, Error = e.Error.GetBaseException().Message,
            };
            if (_live.Count == 0) StartLive();
        });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>Stops the live and the rebuild projections, each after its write in flight; completes when all have.</summary>
    private Task StopEveryProjection()
    {
        var all = _live.Values.Concat(_rebuild.Values).ToList();
        _live.Clear();
        _rebuild.Clear();
        return Task.WhenAll(all.Select(a => a.Ask<ProjectionStopped>(StopProjection.Instance, TimeSpan.FromSeconds(30))));
    }

    /// <summary>After <see cref="StopAllProjections"/>: status still answers (nothing runs); nothing starts again.</summary>
    private void Stopping()
    {
        Receive<GetProjectionStatus>(_ => Sender.Tell(new BillingStatus([], _rebuildStatus is null ? [] : [_rebuildStatus])));
        Receive<RebuildSink>(r => Sender.Tell(new RebuildRejected(r.Sink, "the billing projections are stopping")));
        ReceiveAny(_ => { });
    }

    /// <summary>A projection that fails to start is restarted, not stopped: its read journal asks the journal with a
    /// 5 s timeout when it is made, which a member starting under load can miss (seen in a cluster test: the
    /// projections stayed dead for minutes). Akka's default stops a child whose creation failed.</summary>
    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(
        e => e is ActorInitializationException ? Directive.Restart : Akka.Actor.SupervisorStrategy.DefaultDecider.Decide(e));

    public static Props Props(IBillingSink sink, IReadOnlyList<string> tags, BillingRowMapper mapper, JournalLagProbe? lagProbe,
        ProjectionSettings settings) =>
        Akka.Actor.Props.Create(() => new BillingSinkActor(sink, tags, mapper, lagProbe, settings));

    protected override void PreStart() => StartLive();

    private void StartLive()
    {
        _generation++;
        foreach (var tag in _tags)
            _live[tag] = Context.ActorOf(
                ProjectionActor.Props(ProjectionName(tag), tag, _sink, _mapper, _lagProbe, _settings),
                $"{tag}-{_generation}");
    }

    private string ProjectionName(string tag) => $"{_sink.Name}:{tag}";

    private static async Task<IReadOnlyList<ProjectionStatus>> AskAll(IEnumerable<IActorRef> projections)
    {
        var statuses = await Task.WhenAll(projections.Select(a =>
            a.Ask<ProjectionStatus>(GetProjectionStatus.Instance, TimeSpan.FromSeconds(5)))).ConfigureAwait(false);
        return statuses;
    }
}
