using System.Data.Common;
using Akka.Actor;
using Akka.Event;
using Telephony.Actors.Actions;
using Telephony.Domain.Actions;

namespace Telephony.Host.Vicidial;

/// <summary>
/// Follows one taken row's action and writes each change back to the row (<see cref="ManagerRowOutcomes"/>), until
/// the action is final; then marks the claim finished and stops (the queue forgets a stopped subscriber). A child of
/// the adapter; one per row.
/// </summary>
internal sealed class ManagerRowFollower : ReceiveActor, IWithTimers
{
    /// <summary>Subscribing again now and then costs one message; it heals a subscription lost with a queue that moved
    /// (its Terminated is watched too) or a first SubscribeAction the node never delivered.</summary>
    private static readonly TimeSpan ResubscribeEvery = TimeSpan.FromSeconds(30);

    private readonly FollowedRow _row;
    private readonly IActorRef _nodes;
    private readonly ManagerTable _table;
    private readonly TimeSpan _retryInterval;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private IActorRef? _queue;
    private ManagerRowUpdate? _written;
    private ActionRecord? _pending;

    public ManagerRowFollower(FollowedRow row, IActorRef nodes, ManagerTable table, TimeSpan retryInterval)
    {
        _row = row;
        _nodes = nodes;
        _table = table;
        _retryInterval = retryInterval;
        ReceiveAsync<ActionChanged>(async changed =>
        {
            WatchQueue(Sender);
            await WriteAsync(changed.Action);
        });
        ReceiveAsync<RetryWrite>(async _ =>
        {
            if (_pending is { } pending) await WriteAsync(pending);
        });
        ReceiveAsync<ActionRefused>(async refused =>
        {
            // NotFound: the queue no longer knows the action (forgotten, or its journal was reset). Nothing more will
            // come for it; VICIdial's reading of "we cannot tell" is DEAD.
            _log.Warning("vicidial_manager {0}: the queue no longer knows {1} ({2}); marking the row DEAD", _row.Row.ManId, _row.Action.Id, refused);
            await WriteAsync(_row.Action with { Status = ActionStatus.Unknown, Reason = refused.ToString() });
        });
        Receive<Terminated>(t =>
        {
            if (!t.ActorRef.Equals(_queue)) return;
            _queue = null;
            Timers.StartSingleTimer("resubscribe-now", Resubscribe.Instance, _retryInterval);
        });
        Receive<Resubscribe>(_ => Subscribe());
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(FollowedRow row, IActorRef nodes, ManagerTable table, TimeSpan retryInterval) =>
        Akka.Actor.Props.Create(() => new ManagerRowFollower(row, nodes, table, retryInterval));

    protected override void PreStart()
    {
        Subscribe();
        Timers.StartPeriodicTimer("resubscribe", Resubscribe.Instance, ResubscribeEvery);
    }

    private void Subscribe() => _nodes.Tell(new SubscribeAction(_row.Action.Node, _row.Action.Id, Self));

    private void WatchQueue(IActorRef queue)
    {
        if (queue.IsNobody() || queue.Equals(_queue)) return;
        if (_queue is not null) Context.Unwatch(_queue);
        _queue = queue;
        Context.Watch(queue);
    }

    private async Task WriteAsync(ActionRecord action)
    {
        var update = ManagerRowOutcomes.For(action);
        if (update == _written) return;
        try
        {
            // Handed to Asterisk before this follower saw it (the queue journals Queued and Sent in one write when
            // nothing waits): the row still goes through SENT, as VICIdial's sender would have written it.
            if (action.SentAt is not null && update.Status is ManagerRowStatus.Updated or ManagerRowStatus.Dead &&
                _written is null or { Status: ManagerRowStatus.Queue })
                await _table.WriteAsync(_row.Row.ManId, new ManagerRowUpdate(ManagerRowStatus.Sent, null, null, false), CancellationToken.None);
            if (update.Status != ManagerRowStatus.Queue) await _table.WriteAsync(_row.Row.ManId, update, CancellationToken.None);
            if (update.Final) await _table.FinishAsync(_row.Key, action.Id, CancellationToken.None);
            _written = update;
            _pending = null;
        }
        catch (Exception e) when (e is DbException or TimeoutException or InvalidOperationException)
        {
            // Latest wins: a newer change replaces the one waiting, and carries the channel and uniqueid too.
            _pending = action;
            Context.Parent.Tell(VicidialAdapterActor.DatabaseError.Instance);
            _log.Warning("vicidial_manager {0}: cannot write {1} ({2}); retrying in {3}", _row.Row.ManId, update.Status.ToColumn(), e.Message, _retryInterval);
            Timers.StartSingleTimer("retry", RetryWrite.Instance, _retryInterval);
            return;
        }
        if (update.Final) Context.Stop(Self);
    }

    private sealed record RetryWrite
    {
        public static RetryWrite Instance { get; } = new();
    }

    private sealed record Resubscribe
    {
        public static Resubscribe Instance { get; } = new();
    }
}
