using Akka.Actor;
using Akka.Hosting;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using Akka.Streams;
using Akka.Streams.Dsl;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Telephony.Actors.Hosting;
using Telephony.Actors.Nodes;
using Telephony.Actors.Persistence;
using Telephony.Ami.Client;
using Telephony.Billing.Hosting;
using Telephony.Billing.Projections;
using Telephony.Simulator;

namespace Telephony.Billing.Tests;

/// <summary>A real host (Microsoft.Extensions.Hosting + Akka.Hosting, single-node cluster) with the journal on a real
/// SQLite file or MariaDB and the billing projections wired as the service wires them: AddTelephony, then
/// AddTelephonyBilling.</summary>
public sealed class BillingHost : IAsyncDisposable
{
    private readonly IHost _host;

    private BillingHost(IHost host)
    {
        _host = host;
        System = host.Services.GetRequiredService<ActorSystem>();
        Registry = host.Services.GetRequiredService<IActorRegistry>();
    }

    public ActorSystem System { get; }
    public IActorRegistry Registry { get; }
    public IActorRef Billing => Registry.Get<BillingProjections>();

    public static async Task<BillingHost> StartAsync(TestJournal journal, BillingOptions billing, params AsteriskNodeSettings[] nodes)
    {
        await JournalSchema.EnsureAsync(journal.Provider, journal.ConnectionString);
        var options = new TelephonyOptions
        {
            JournalProvider = journal.Provider,
            JournalConnectionString = journal.ConnectionString,
            HoconDirectory = Path.Combine(AppContext.BaseDirectory, "hocon"),
            Nodes = nodes,
            ExtraHocon = """
                akka.loglevel = WARNING
                telephony.calls.idle-completion-timeout = 2s
                telephony.nodes.delivery-timeout = 2s
                telephony.nodes.directory-tick = 500ms
                """,
        };
        billing = billing with { JournalProvider = journal.Provider, JournalConnectionString = journal.ConnectionString };
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddAkka(TelephonyOptions.ActorSystemName, (akka, _) => akka.AddTelephony(options).AddTelephonyBilling(billing));
        var host = builder.Build();
        await host.StartAsync();
        return new BillingHost(host);
    }

    public static BillingOptions Options(params BillingSinkOptions[] sinks) => new()
    {
        Sinks = sinks,
        BatchSize = 200,
        BatchWindow = TimeSpan.FromMilliseconds(100),
        MinBackoff = TimeSpan.FromMilliseconds(200),
        MaxBackoff = TimeSpan.FromSeconds(1),
        LagInterval = TimeSpan.FromMilliseconds(200),
    };

    public static AsteriskNodeSettings NodeFor(SimulatedNode sim, string name = "pbx1") => new()
    {
        Name = name,
        Host = "127.0.0.1",
        Port = sim.Port,
        Username = "admin",
        Secret = "secret",
        AuthType = AmiAuthType.Md5,
        TimeZone = TimeZoneInfo.Utc,
    };

    public async Task<BillingStatus> StatusAsync() =>
        await Billing.Ask<BillingStatus>(GetProjectionStatus.Instance, TimeSpan.FromSeconds(15));

    public async Task<ProjectionStatus> StatusAsync(string projection) =>
        (await StatusAsync()).Projections.Single(p => p.Name == projection && !p.IsRebuild);

    /// <summary>Every event journaled under <paramref name="tag"/> so far, in journal order.</summary>
    public async Task<IReadOnlyList<EventEnvelope>> ReadTagAsync(string tag)
    {
        var journal = PersistenceQuery.Get(System).ReadJournalFor<SqlReadJournal>(SqlReadJournal.Identifier);
        return await journal.CurrentEventsByTag(tag, Offset.Sequence(0)).RunWith(Sink.Seq<EventEnvelope>(), System.Materializer());
    }

    public async ValueTask DisposeAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await _host.StopAsync(cts.Token);
        _host.Dispose();
    }
}
