using Akka.Actor;
using Akka.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Telephony.Billing.Hosting;
using Telephony.Billing.Projections;

namespace Telephony.Host.Management;

/// <summary><c>pbm projection list|rebuild</c>: the billing projections' offsets and lag, and a rebuild of one sink
/// from offset zero into fresh tables while the other sinks keep running.</summary>
public static class ProjectionRoutes
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(10);

    public static void MapProjectionRoutes(this IEndpointRouteBuilder app)
    {
        app.MapGet("/projections", async (IRequiredActor<BillingProjections> billing, CancellationToken cancel) =>
            Results.Ok(await (await billing.GetAsync(cancel)).Ask<BillingStatus>(GetProjectionStatus.Instance, AskTimeout, cancel)));
        app.MapPost("/projections/{name}/rebuild", async (string name, IRequiredActor<BillingProjections> billing, CancellationToken cancel) =>
        {
            var answer = await (await billing.GetAsync(cancel)).Ask<object>(new RebuildSink(name), AskTimeout, cancel);
            return answer switch
            {
                RebuildAccepted a => Results.Accepted(value: new { sink = a.Sink, status = "rebuilding: pbm projection list shows its progress" }),
                RebuildRejected r => ManagementResults.BadRequest($"cannot rebuild '{r.Sink}': {r.Reason}"),
                _ => ManagementResults.Error(StatusCodes.Status500InternalServerError, $"unexpected answer {answer.GetType().Name}"),
            };
        });
    }
}
