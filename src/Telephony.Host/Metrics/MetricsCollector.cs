using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Telephony.Actors.Actions;
using Telephony.Actors.Hosting;
using Telephony.Actors.Nodes;
using Telephony.Actors.Queues;
using Telephony.Billing.Hosting;
using Telephony.Billing.Projections;
using Telephony.Domain.Actions;

namespace Telephony.Host.Metrics;

/// <summary>
/// Every few seconds asks the actors what <c>/metrics</c> shows and hands it to <see cref="TelephonyMetrics"/>: the
/// node entities running on this member (and their action queues); on the oldest member also the queues and the
/// billing projections (entities of the whole cluster, reported once). Whatever does not answer in time is left out of
/// that snapshot rather than holding the scrape.
/// </summary>
public sealed class MetricsCollector(
    TelephonyMetrics metrics, HostSettings settings, ActorSystem system, IActorRegistry registry,
    ILogger<MetricsCollector> log) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(3);

    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(Interval);
        do
        {
            try
            {
                metrics.Update(await TakeAsync(stop));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogDebug(e, "metrics snapshot failed");
            }
        } while (await timer.WaitForNextTickAsync(stop));
    }

    private async Task<MetricsSnapshot> TakeAsync(CancellationToken cancel)
    {
        var cluster = Akka.Cluster.Cluster.Get(system);
        if (cluster.SelfMember.Status != Akka.Cluster.MemberStatus.Up) return MetricsSnapshot.Empty;
        var self = cluster.SelfAddress.ToString();
        if (!registry.TryGet<NodeRegion>(out var region)) return MetricsSnapshot.Empty;
        var statuses = (await Task.WhenAll(settings.Telephony.Nodes.Select(n => TryAsk<NodeStatus>(region, new NodeCommand(n.Name, NodeCommandKind.GetStatus), cancel))))
            .OfType<NodeStatus>().Where(s => s.Member == self).ToList();
        var actions = new Dictionary<string, IReadOnlyDictionary<ActionStatus, int>>();
        foreach (var s in statuses)
            if (await TryAsk<ActionList>(region, new ListActions(s.Node, null, 0), cancel) is { } list)
                actions[s.Node] = list.Counts.ToDictionary();
        var snapshot = new MetricsSnapshot { Nodes = statuses, ActionsByNode = actions };
        if (!IsOldest(cluster)) return snapshot;
        var queueInfos = registry.TryGet<QueueRegion>(out var queueRegion)
            ? (await Task.WhenAll(settings.Telephony.QueueDirectory.Queues.Select(q => TryAskQueue(queueRegion, q.Name, cancel))))
                .OfType<QueueInfo>().ToList()
            : [];
        var projections = registry.TryGet<BillingProjections>(out var billing)
                          && await TryAsk<BillingStatus>(billing, GetProjectionStatus.Instance, cancel) is { } status
            ? status.Projections : [];
        return snapshot with { Queues = queueInfos, Projections = projections };
    }

    private static bool IsOldest(Akka.Cluster.Cluster cluster)
    {
        var up = cluster.State.Members.Where(m => m.Status == Akka.Cluster.MemberStatus.Up).ToList();
        return up.Count > 0 && up.Aggregate((a, b) => a.IsOlderThan(b) ? a : b).Address == cluster.SelfAddress;
    }

    private async Task<QueueInfo?> TryAskQueue(IActorRef region, string queue, CancellationToken cancel)
    {
        try
        {
            return await QueueInfoAsk.AskAsync(system, region, queue, AskTimeout, cancel);
        }
        catch (AskTimeoutException)
        {
            return null;
        }
    }

    private static async Task<T?> TryAsk<T>(IActorRef target, object message, CancellationToken cancel) where T : class
    {
        try
        {
            return await target.Ask<object>(message, AskTimeout, cancel) as T;
        }
        catch (AskTimeoutException)
        {
            return null;
        }
    }
}
