using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Telephony.Actors.Calls;
using Telephony.Actors.Hosting;
using Telephony.Actors.Nodes;
using Telephony.Billing.Hosting;
using Telephony.Billing.Projections;

namespace Telephony.Host;

/// <summary>Prints a progress line every few seconds: calls completed, events journaled, per node AMI state.</summary>
public sealed class ProgressReporter(
    ActorSystem system,
    IRequiredActor<NodeRegion> nodes,
    IRequiredActor<BillingProjections> billing,
    HostSettings settings,
    ILogger<ProgressReporter> log) : BackgroundService
{
    private long _callsCompleted;
    private long _amendments;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var counter = system.ActorOf(Props.Create(() => new CompletionCounter(this)), "progress-counter");
        system.EventStream.Subscribe(counter, typeof(CallCompleted));
        var region = await nodes.GetAsync(stoppingToken);
        var projections = await billing.GetAsync(stoppingToken);
        using var timer = new PeriodicTimer(settings.ProgressInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            if (MemberShutdown.HasStarted(system)) return;
            var parts = new List<string>();
            long journaled = 0, quarantined = 0, gaps = 0;
            foreach (var node in settings.Telephony.Nodes)
            {
                try
                {
                    var s = await region.Ask<NodeStatus>(new NodeCommand(node.Name, NodeCommandKind.GetStatus), TimeSpan.FromSeconds(2), stoppingToken);
                    journaled += s.EventsJournaled;
                    quarantined += s.Quarantined;
                    gaps += s.Gaps;
                    parts.Add($"{s.Node} {s.AmiState} {s.EventsPerSecond:F0} ev/s buffer {s.BufferUsed}");
                }
                catch (Exception e) when (e is AskTimeoutException or TaskCanceledException)
                {
                    parts.Add($"{node.Name} (no answer)");
                }
            }
            var sinks = "billing: no answer";
            try
            {
                var status = await projections.Ask<BillingStatus>(GetProjectionStatus.Instance, TimeSpan.FromSeconds(2), stoppingToken);
                sinks = "billing rows " + status.Projections.Sum(p => p.RowsWritten) + ", lag " + string.Join(" ",
                    status.Projections.Select(p => $"{p.Name}={p.LagEvents}"));
            }
            catch (Exception e) when (e is AskTimeoutException or TaskCanceledException)
            {
            }
            log.LogInformation("calls completed {Calls} (amended {Amended}), events journaled {Journaled}, quarantined {Quarantined}, gaps {Gaps} | {Billing} | {Nodes}",
                Interlocked.Read(ref _callsCompleted), Interlocked.Read(ref _amendments), journaled, quarantined, gaps, sinks, string.Join("; ", parts));
        }
    }

    private sealed class CompletionCounter : ReceiveActor
    {
        public CompletionCounter(ProgressReporter owner) => Receive<CallCompleted>(c =>
        {
            if (c.Revision == 1) Interlocked.Increment(ref owner._callsCompleted);
            else Interlocked.Increment(ref owner._amendments);
        });
    }
}
