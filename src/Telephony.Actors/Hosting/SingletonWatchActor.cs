using Akka.Actor;
using Akka.Cluster;
using Akka.Event;

namespace Telephony.Actors.Hosting;

/// <summary>
/// Warns when a cluster singleton has not been found for a while after this member is up: what
/// ClusterSingletonProxy's own identification check was meant to do. That check is off (see
/// <see cref="SingletonWatch"/>): in Akka.Cluster.Tools 1.5.73 its first tick fires at once, so every proxy start,
/// every oldest-member change and every shutdown logged "failed to find an associated singleton ... after 30 seconds"
/// within the same second, while the singleton was being found.
/// </summary>
/// <remarks>The singleton lives on the oldest member with the role; this asks there with <see cref="Identify"/>
/// until it answers, then watches it and starts over when it stops (hand-over, crash).</remarks>
public sealed class SingletonWatchActor : ReceiveActor, IWithTimers
{
    private sealed class Tick
    {
        public static readonly Tick Instance = new();
    }

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Cluster _cluster = Cluster.Get(Context.System);
    private readonly string[] _singletonPath;
    private readonly SingletonWatchSettings _settings;
    private SortedSet<Member> _byAge = new(Member.AgeOrdering);
    private IActorRef? _singleton;
    private TimeSpan? _missingSince; // null until this member is up, and while the singleton is known

    public SingletonWatchActor(SingletonWatchSettings settings)
    {
        _settings = settings;
        _singletonPath = $"{settings.ManagerPath}/{settings.SingletonName}".Split('/', StringSplitOptions.RemoveEmptyEntries);

        Receive<ClusterEvent.CurrentClusterState>(state =>
        {
            _byAge = new SortedSet<Member>(state.Members.Where(m => m.Status == MemberStatus.Up && HasRole(m)), Member.AgeOrdering);
            if (state.Members.Any(m => m.UniqueAddress.Equals(_cluster.SelfUniqueAddress) && m.Status == MemberStatus.Up)) StartCounting();
        });
        Receive<ClusterEvent.MemberUp>(up =>
        {
            if (HasRole(up.Member)) _byAge.Add(up.Member);
            if (up.Member.UniqueAddress.Equals(_cluster.SelfUniqueAddress)) StartCounting();
        });
        // This member leaving: the singleton goes away on purpose, there is nothing left to warn about.
        Receive<ClusterEvent.MemberLeft>(left => left.Member.UniqueAddress.Equals(_cluster.SelfUniqueAddress), _ => Context.Stop(Self));
        Receive<ClusterEvent.MemberExited>(exited => Forget(exited.Member));
        Receive<ClusterEvent.MemberRemoved>(removed => Forget(removed.Member));
        Receive<ClusterEvent.IMemberEvent>(_ => { });
        Receive<Tick>(_ => OnTick());
        Receive<ActorIdentity>(identity =>
        {
            if (identity.Subject is null || _singleton is not null) return;
            _singleton = identity.Subject;
            _missingSince = null;
            Context.Watch(_singleton);
        });
        Receive<Terminated>(terminated =>
        {
            if (!terminated.ActorRef.Equals(_singleton)) return;
            _singleton = null;
            StartCounting();
        });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(SingletonWatchSettings settings) => Akka.Actor.Props.Create(() => new SingletonWatchActor(settings));

    protected override void PreStart()
    {
        _cluster.Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsSnapshot, typeof(ClusterEvent.IMemberEvent));
        Timers.StartPeriodicTimer("identify", Tick.Instance, _settings.IdentificationInterval);
    }

    protected override void PostStop() => _cluster.Unsubscribe(Self);

    private bool HasRole(Member member) => _settings.Role is null || member.HasRole(_settings.Role);

    private void StartCounting()
    {
        if (_singleton is null) _missingSince ??= Now;
    }

    private void Forget(Member member)
    {
        if (member.UniqueAddress.Equals(_cluster.SelfUniqueAddress)) Context.Stop(Self);
        else _byAge.Remove(member);
    }

    private void OnTick()
    {
        if (_singleton is not null) return;
        var oldest = _byAge.Min;
        if (oldest is not null)
            Context.ActorSelection(new RootActorPath(oldest.Address) / _singletonPath).Tell(new Identify(null));
        if (_missingSince is not { } since || Now - since < _settings.FailurePeriod) return;
        var where = oldest is null
            ? (_settings.Role is null ? "no member is up" : $"no member with role '{_settings.Role}' is up")
            : $"its oldest eligible member {oldest.Address} does not answer for it";
        _log.Warning("cluster singleton {0} not found for {1:0} s: {2} ({3})",
            _settings.SingletonName, (Now - since).TotalSeconds, where, _settings.ConfigurationHint);
        _missingSince = Now; // again after another period, not on every tick
    }

    private static TimeSpan Now => TimeSpan.FromMilliseconds(Environment.TickCount64);
}
