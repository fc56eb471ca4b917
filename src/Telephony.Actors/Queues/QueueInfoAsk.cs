using Akka.Actor;

namespace Telephony.Actors.Queues;

/// <summary>A queue's whole view, wherever in the cluster the queue runs (see <see cref="QueueInfoParts"/>).</summary>
public static class QueueInfoAsk
{
    /// <summary>Throws <see cref="AskTimeoutException"/> when the view is not whole within <paramref name="timeout"/>.</summary>
    public static async Task<QueueInfo> AskAsync(ActorSystem system, IActorRef region, string queue, TimeSpan timeout,
        CancellationToken cancel = default)
    {
        var answer = new TaskCompletionSource<QueueInfo>(TaskCreationOptions.RunContinuationsAsynchronously);
        var collector = system.ActorOf(QueueInfoCollector.Props(region, queue, timeout, answer));
        await using var _ = cancel.Register(() =>
        {
            if (answer.TrySetCanceled(cancel)) collector.Tell(PoisonPill.Instance);
        });
        return await answer.Task;
    }
}
