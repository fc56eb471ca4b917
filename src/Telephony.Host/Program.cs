using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Akka.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Telephony.Actors.Hosting;
using Telephony.Actors.Persistence;
using Telephony.Billing.Hosting;
using Telephony.Host;
using Telephony.Host.Management;
using Telephony.Host.Vicidial;

// The service: one cluster member. With no Asterisk configured it runs the demo: a built-in simulated Asterisk
// making calls, journaled into SQLite under ./data. See README.md for every key.
// appsettings.json sits next to the binary; ./data (the SQLite journal) is relative to where it is started.
InterruptSignal.StopIgnoring(); // first: SIGINT stops a service started in the background too
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; });

HostSettings settings;
Demo? demo = null;
try
{
    settings = HostSettings.From(builder.Configuration, builder.Environment.ContentRootPath);
    if (settings.Demo)
    {
        demo = await Demo.StartAsync(settings);
        var queues = settings.Telephony.QueueDirectory.Queues.Count > 0 ? settings.Telephony.QueueDirectory : Demo.Queues(demo.Node.Name);
        settings = settings with { Telephony = settings.Telephony with { Nodes = [demo.Node], QueueDirectory = queues } };
    }
    await JournalSchema.EnsureAsync(settings.Telephony.JournalProvider, settings.Telephony.JournalConnectionString);
    await SinkPreflight.CheckAsync(settings.Billing);
    if (builder.Configuration.GetValue("Telephony:PreflightLogin", true))
        foreach (var warning in await NodePreflight.CheckAsync(settings, TimeSpan.FromSeconds(5)))
            Console.Error.WriteLine($"telephony: warning: {warning}");
}
catch (ConfigurationError e)
{
    Console.Error.WriteLine($"telephony: configuration error: {e.Message}");
    return 2;
}
catch (Exception e) when (e is System.Data.Common.DbException or InvalidOperationException or ArgumentException)
{
    Console.Error.WriteLine($"telephony: cannot open the journal database (Telephony:Journal:ConnectionString): {e.Message}");
    return 2;
}

builder.Services.AddSingleton(settings);
builder.Services.AddAkka(TelephonyOptions.ActorSystemName, (akka, _) => akka
    .ConfigureLoggers(loggers =>
    {
        // Akka logs through Microsoft.Extensions.Logging, one format and one level switch (Logging:LogLevel:Akka).
        loggers.LogLevel = Akka.Event.LogLevel.InfoLevel;
        loggers.ClearLoggers();
        loggers.AddLoggerFactory();
    })
    .AddTelephony(settings.Telephony)
    .AddTelephonyBilling(settings.Billing)
    .WithSingletonWatch("billing-projections", settings.Billing.Role, "Telephony:Cluster:BillingRole")
    .AddVicidialAdapter(settings.Vicidial)
    .AddManagementActors());
builder.Services.AddHostedService<ProgressReporter>();
builder.Services.AddHostedService<DemoDialer>();
builder.AddManagementEndpoint(settings.Management);

var app = builder.Build();
app.MapManagementEndpoint();
var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Telephony.Host");
if (demo is not null)
{
    log.LogInformation(
        "demo mode: no Asterisk configured, so a simulated Asterisk on 127.0.0.1:{Port} makes {Rate} calls/s; journal: {Journal}",
        demo.Node.Port, settings.DemoCallsPerSecond, RedactedConnectionString.Of(settings.Telephony.JournalConnectionString));
    log.LogInformation(
        "to use a real Asterisk set Telephony:Nodes:0:Name/Host/Port/Username/Secret (e.g. TELEPHONY__NODES__0__HOST); " +
        "for MySQL set TELEPHONY__JOURNAL__PROVIDER=mysql and TELEPHONY__JOURNAL__CONNECTIONSTRING (README.md)");
}
try
{
    await app.RunAsync();
}
catch (IOException e) when (e.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException)
{
    Console.Error.WriteLine($"telephony: configuration error: Telephony:Management:Url: {e.Message}");
    return 2;
}
if (demo is not null) await demo.DisposeAsync();
return 0;
