using System.Data.Common;
using Akka.Actor;
using Akka.Event;
using Telephony.Actors.Actions;

namespace Telephony.Host.Vicidial;

/// <summary>
/// The adapter, one per cluster (a singleton): at start it resumes the rows it had taken (same idempotency key, so the
/// queue answers with the action it already has: nothing is sent twice), then every poll interval it takes the NEW
/// rows of the mapped servers, submits each to its node's action queue and starts a <see cref="ManagerRowFollower"/>
/// that writes the row's status back. Bad rows are marked DEAD, counted and logged; a database or queue that does not
/// answer is retried, never fatal.
/// </summary>
public sealed class VicidialAdapterActor : ReceiveActor, IWithTimers
{
    private readonly VicidialSettings _settings;
    private readonly IActorRef _nodes;
    private readonly ManagerTable _table;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly string[] _servers;

    /// <summary>Rows taken whose submission got no answer (or a full queue): submitted again, same key, next poll.</summary>
    private readonly Dictionary<long, (ManagerRow Row, string Key)> _unsubmitted = new();

    private long _claimed, _submitted, _resumed, _malformed, _refused, _deadCall, _databaseErrors;

    public VicidialAdapterActor(VicidialSettings settings, IActorRef nodes, ManagerTable table)
    {
        _settings = settings;
        _nodes = nodes;
        _table = table;
        _servers = settings.Servers.Keys.ToArray();
        ReceiveAsync<Start>(_ => StartAsync());
        ReceiveAsync<Poll>(_ => PollAsync());
        Receive<DatabaseError>(_ => _databaseErrors++);
        Receive<GetVicidialStatus>(_ => Sender.Tell(new VicidialStatus(
            _claimed, _submitted, _resumed, _malformed, _refused, _deadCall, Context.GetChildren().Count(), _databaseErrors)));
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(VicidialSettings settings, IActorRef nodes) =>
        Akka.Actor.Props.Create(() => new VicidialAdapterActor(settings, nodes, new ManagerTable(settings.ConnectionString)));

    protected override void PreStart() => Self.Tell(Start.Instance);

    private async Task StartAsync()
    {
        try
        {
            await _table.PrepareAsync(CancellationToken.None);
            var claimed = await _table.ClaimedRowsAsync(_servers, CancellationToken.None);
            foreach (var (row, key) in claimed) await ResumeAsync(row, key);
        }
        catch (Exception e) when (IsDatabaseError(e))
        {
            _databaseErrors++;
            var again = TimeSpan.FromTicks(Math.Max(_settings.PollInterval.Ticks, TimeSpan.FromSeconds(5).Ticks));
            _log.Error("vicidial_manager: cannot start ({0}); trying again in {1}. The adapter needs SELECT/UPDATE on " +
                       "vicidial_manager and its own table, created if missing:\n{2}", e.Message, again, ManagerTable.ClaimsDdl);
            Timers.StartSingleTimer("start", Start.Instance, again);
            return;
        }
        _log.Info("vicidial_manager: polling every {0} for servers {1}; {2} rows resumed", _settings.PollInterval,
            string.Join(", ", _settings.Servers.Select(s => $"{s.Key} -> {s.Value}")), _resumed);
        Timers.StartPeriodicTimer("poll", Poll.Instance, _settings.PollInterval);
    }

    /// <summary>A row taken before a restart or failover: followed again, or re-submitted under the same key.</summary>
    private async Task ResumeAsync(ManagerRow row, string key)
    {
        if (key != ManagerRowRequests.IdempotencyKey(row) || row.Status is null or ManagerRowStatus.Dead ||
            (row.Status == ManagerRowStatus.New && !await _table.TakeAsync(row.ManId, CancellationToken.None)))
        {
            // Not ours any more (replaced, finished, or taken by someone else): nothing to follow.
            await _table.FinishAsync(key, null, CancellationToken.None);
            return;
        }
        _resumed++;
        await TakenAsync(row, key, fresh: false);
    }

    private async Task PollAsync()
    {
        try
        {
            foreach (var (row, key) in _unsubmitted.Values.ToList()) await TakenAsync(row, key, fresh: false);
            var rows = await _table.NewRowsAsync(_servers, _settings.BatchSize, CancellationToken.None);
            foreach (var row in rows)
            {
                if (!await _table.ClaimAsync(row, CancellationToken.None)) continue;
                _claimed++;
                await TakenAsync(row with { Status = ManagerRowStatus.Queue }, ManagerRowRequests.IdempotencyKey(row), fresh: true);
            }
        }
        catch (Exception e) when (IsDatabaseError(e))
        {
            _databaseErrors++;
            _log.Warning("vicidial_manager: poll failed ({0}); trying again at the next poll", e.Message);
        }
    }

    private async Task TakenAsync(ManagerRow row, string key, bool fresh)
    {
        var node = _settings.Servers[row.ServerIp];
        var mapping = ManagerRowRequests.Map(row, node, DateTimeOffset.UtcNow);
        if (mapping.Request is not { } request)
        {
            _malformed++;
            _log.Warning("vicidial_manager {0} ({1} for {2}): bad row, marked DEAD: {3}", row.ManId, row.Action, row.ServerIp, mapping.Error);
            await MarkDeadAsync(row, key);
            return;
        }
        if (fresh && ManagerRowRequests.ChecksForDeadCall(row) &&
            await _table.HasDeadCallAsync(row.ServerIp, row.CallerId!, CancellationToken.None))
        {
            _deadCall++;
            _log.Info("vicidial_manager {0}: {1} not sent, the call {2} is already DEAD", row.ManId, row.Action, row.CallerId);
            await MarkDeadAsync(row, key);
            return;
        }
        object answer;
        try
        {
            answer = await _nodes.Ask<object>(new SubmitAction(request), _settings.SubmitTimeout);
        }
        catch (AskTimeoutException)
        {
            _unsubmitted[row.ManId] = (row, key);
            _log.Warning("vicidial_manager {0}: node {1} did not accept it within {2}; trying again (same key)", row.ManId, node, _settings.SubmitTimeout);
            return;
        }
        switch (answer)
        {
            case ActionSubmitted submitted:
                _unsubmitted.Remove(row.ManId);
                _submitted++;
                await _table.NoteActionAsync(key, submitted.Action.Id, CancellationToken.None);
                Follow(new FollowedRow(row, key, submitted.Action));
                break;
            case ActionRefused { Kind: ActionRefusalKind.QueueFull } full:
                _unsubmitted[row.ManId] = (row, key);
                _log.Warning("vicidial_manager {0}: {1}; trying again", row.ManId, full);
                break;
            case ActionRefused refused:
                _unsubmitted.Remove(row.ManId);
                _refused++;
                _log.Warning("vicidial_manager {0} ({1} for {2}): refused by the queue, marked DEAD: {3}", row.ManId, row.Action, node, refused);
                await MarkDeadAsync(row, key);
                break;
            default:
                _log.Warning("vicidial_manager {0}: unexpected answer {1}; trying again", row.ManId, answer);
                _unsubmitted[row.ManId] = (row, key);
                break;
        }
    }

    private async Task MarkDeadAsync(ManagerRow row, string key)
    {
        _unsubmitted.Remove(row.ManId);
        await _table.WriteAsync(row.ManId, new ManagerRowUpdate(ManagerRowStatus.Dead, null, null, true), CancellationToken.None);
        await _table.FinishAsync(key, null, CancellationToken.None);
    }

    private void Follow(FollowedRow row)
    {
        var name = "row-" + row.Row.ManId;
        if (!Context.Child(name).IsNobody()) return;
        Context.ActorOf(ManagerRowFollower.Props(row, _nodes, _table, _settings.RetryInterval), name);
    }

    private static bool IsDatabaseError(Exception e) => e is DbException or TimeoutException or InvalidOperationException;

    private sealed record Start
    {
        public static Start Instance { get; } = new();
    }

    private sealed record Poll
    {
        public static Poll Instance { get; } = new();
    }

    /// <summary>A follower's write failed (it retries it); counted here.</summary>
    internal sealed record DatabaseError
    {
        public static DatabaseError Instance { get; } = new();
    }
}
