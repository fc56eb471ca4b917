using Akka.Actor;

namespace Telephony.Actors.Queues;

/// <summary>
/// Asks a queue for its view once and gathers the parts it answers with (<see cref="QueueInfoParts"/>): one short-lived
/// actor per question, because an Akka ask completes on the first reply. Gives up at the timeout, or when the asker no
/// longer wants the answer.
/// </summary>
public sealed class QueueInfoCollector : ReceiveActor, IWithTimers
{
    private sealed record GiveUp;

    public QueueInfoCollector(IActorRef region, string queue, TimeSpan timeout, TaskCompletionSource<QueueInfo> answer)
    {
        var parts = new List<QueueInfoPart>();
        Receive<QueueInfoPart>(p =>
        {
            // Parts of one answer come in order from one sender; a part of another count would be a second answer.
            if (parts.Count > 0 && p.Parts != parts[0].Parts) return;
            parts.Add(p);
            if (parts.Count < p.Parts) return;
            try
            {
                answer.TrySetResult(QueueInfoParts.Join(parts));
            }
            catch (ArgumentException e)
            {
                answer.TrySetException(e);
            }
            Context.Stop(Self);
        });
        Receive<GiveUp>(_ =>
        {
            answer.TrySetException(new AskTimeoutException(
                $"queue {queue}: {parts.Count} part(s) of its view within {timeout.TotalSeconds:0.#} s, not all of them"));
            Context.Stop(Self);
        });
        Timers!.StartSingleTimer("give-up", new GiveUp(), timeout);
        region.Tell(new GetQueue(queue), Self);
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(IActorRef region, string queue, TimeSpan timeout, TaskCompletionSource<QueueInfo> answer) =>
        Akka.Actor.Props.Create(() => new QueueInfoCollector(region, queue, timeout, answer));
}
