using Akka.Actor;
using Akka.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;
using Telephony.Host.Management.Dashboard;
using Telephony.Host.Metrics;

namespace Telephony.Host.Management;

/// <summary>The host's management endpoint (what <c>pbm</c> talks to): Kestrel serving JSON on
/// <see cref="ManagementSettings.Url"/>, bearer token checked before any route when one is configured.</summary>
public static class ManagementEndpoint
{
    public static WebApplicationBuilder AddManagementEndpoint(this WebApplicationBuilder builder, ManagementSettings settings)
    {
        builder.WebHost.UseUrls(settings.Url);
        builder.Services.AddSingleton(settings);
        // States by name ("Running"), not by number: pbm and scripts read them.
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter()));
        // /metrics: our instruments (a snapshot the collector refreshes, the journal's write times), in Prometheus'
        // text format through OpenTelemetry's exporter.
        builder.Services.AddSingleton<TelephonyMetrics>();
        builder.Services.AddHostedService<MetricsCollector>();
        builder.Services.AddOpenTelemetry().WithMetrics(m => m
            .AddMeter(TelephonyMetrics.MeterName, Telephony.Actors.Persistence.JournalInstruments.MeterName,
                Telephony.Actors.Queues.QueueInstruments.MeterName)
            .AddPrometheusExporter());
        return builder;
    }

    /// <summary>The actors the endpoint reads from (the cluster event ring of <c>cluster tail</c>).</summary>
    public static AkkaConfigurationBuilder AddManagementActors(this AkkaConfigurationBuilder akka) =>
        akka.WithActors((system, registry) =>
            registry.Register<ClusterEventLog>(system.ActorOf(ClusterEventLog.Props(), "management-cluster-events")));

    public static WebApplication MapManagementEndpoint(this WebApplication app)
    {
        var settings = app.Services.GetRequiredService<ManagementSettings>();
        app.Use(AnswerFailuresAsJson);
        if (settings.Token is { } token)
        {
            var bearer = new BearerToken(token, settings.ReadOnlyToken);
            app.Use((context, next) => HealthRoutes.IsProbe(context.Request.Path) || DashboardRoutes.IsPublic(context.Request.Path)
                ? next(context) : bearer.InvokeAsync(context, next));
        }
        app.MapDashboardRoutes();
        app.MapHealthRoutes();
        app.MapClusterRoutes();
        app.MapShardingRoutes();
        app.MapActorRoutes();
        app.MapNodeRoutes();
        app.MapCallRoutes();
        app.MapActionRoutes();
        app.MapQueueRoutes();
        app.MapAgentRoutes();
        app.MapProjectionRoutes();
        app.MapPrometheusScrapingEndpoint("/metrics");
        app.MapFallback(() => ManagementResults.NotFound("no such management route (pbm --help lists the commands; the dashboard is at /)"));

        // Tests and operators read the bound address (port 0 picks a free one) from this line.
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Telephony.Host");
            var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
            foreach (var address in addresses)
                log.LogInformation("management endpoint listening on {Url}{Token}", address,
                    settings.Token is null ? "" : " (bearer token required)");
        });
        return app;
    }

    /// <summary>An actor that does not answer is a 504, anything else unexpected a 500 — always one JSON line.</summary>
    private static async Task AnswerFailuresAsJson(HttpContext context, RequestDelegate next)
    {
        try
        {
            await next(context);
        }
        catch (AskTimeoutException e) when (!context.Response.HasStarted)
        {
            await ManagementResults.Error(StatusCodes.Status504GatewayTimeout, $"no answer in time: {e.Message}").ExecuteAsync(context);
        }
        catch (Exception e) when (!context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested)
        {
            context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Telephony.Host.Management")
                .LogWarning(e, "management request {Path} failed", context.Request.Path);
            await ManagementResults.Error(StatusCodes.Status500InternalServerError, $"{e.GetType().Name}: {e.Message}").ExecuteAsync(context);
        }
    }
}
