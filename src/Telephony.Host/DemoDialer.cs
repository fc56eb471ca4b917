using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Telephony.Actors.Actions;
using Telephony.Actors.Hosting;
using Telephony.Domain.Actions;

namespace Telephony.Host;

/// <summary>The demo's dialer: a few Originates a minute through the action queue (answered, busy, no answer), so
/// <c>pbm action list</c> has something to show. Runs only in demo mode (<c>Telephony:Demo:OriginatesPerMinute</c>).</summary>
public sealed class DemoDialer(HostSettings settings, IRequiredActor<NodeRegion> nodes, ActorSystem system, ILogger<DemoDialer> log) : BackgroundService
{
    private static readonly string[] Targets = ["Local/answer@test", "Local/answer@test", "Local/busy@test", "Local/noanswer@test"];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!settings.Demo || settings.DemoOriginatesPerMinute <= 0 || settings.Telephony.Nodes.Count == 0) return;
        var node = settings.Telephony.Nodes[0].Name;
        var every = TimeSpan.FromMinutes(1) / settings.DemoOriginatesPerMinute;
        var region = await nodes.GetAsync(stoppingToken);
        for (var n = 1; !stoppingToken.IsCancellationRequested; n++)
        {
            try
            {
                await Task.Delay(every, stoppingToken);
                if (MemberShutdown.HasStarted(system)) return;
                var request = new ActionRequest(node, "Originate",
                [
                    new("Channel", Targets[n % Targets.Length]), new("Context", "hold"), new("Exten", "s"), new("Priority", "1"),
                    new("CallerID", $"\"Demo dialer\" <55501{n % 100:00}>"), new("Timeout", "30000"),
                ], IdempotencyKey: $"demo-{Environment.ProcessId}-{n}");
                var answer = await region.Ask<object>(new SubmitAction(request), TimeSpan.FromSeconds(10), stoppingToken);
                if (answer is ActionRefused refused) log.LogWarning("demo dialer: originate refused: {Refusal}", refused);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (AskTimeoutException)
            {
                log.LogWarning("demo dialer: the action queue of {Node} did not answer within 10 s", node);
            }
        }
    }
}
