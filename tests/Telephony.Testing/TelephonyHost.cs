using Akka.Actor;
using Akka.Hosting;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using Akka.Streams;
using Akka.Streams.Dsl;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Telephony.Actors.Hosting;
using Telephony.Actors.Nodes;
using Telephony.Actors.Persistence;
using Telephony.Ami.Client;
using Telephony.Simulator;

namespace Telephony.Testing;

/// <summary>A real host (Microsoft.Extensions.Hosting + Akka.Hosting, single-node cluster) with the journal on a real
/// SQLite file or MariaDB, as the service runs it.</summary>
public sealed class TelephonyHost : IAsyncDisposable
{
    private readonly IHost _host;

    private TelephonyHost(IHost host, TelephonyOptions options)
    {
        _host = host;
        Options = options;
        System = host.Services.GetRequiredService<ActorSystem>();
        Registry = host.Services.GetRequiredService<IActorRegistry>();
    }

    public TelephonyOptions Options { get; }
    public ActorSystem System { get; }
    public IActorRegistry Registry { get; }

    /// <param name="wire">More of the host's Akka.Hosting chain after AddTelephony (e.g. AddTelephonyBilling).</param>
    public static async Task<TelephonyHost> StartAsync(TelephonyOptions options, Func<AkkaConfigurationBuilder, AkkaConfigurationBuilder>? wire = null)
    {
        await JournalSchema.EnsureAsync(options.JournalProvider, options.JournalConnectionString);
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddAkka(TelephonyOptions.ActorSystemName, (akka, _) =>
        {
            akka.AddTelephony(options);
            wire?.Invoke(akka);
        });
        var host = builder.Build();
        await host.StartAsync();
        return new TelephonyHost(host, options);
    }

    public static TelephonyOptions OptionsFor(TestJournal journal, params AsteriskNodeSettings[] nodes) => new()
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

    /// <summary>A node entity's settings for a simulated Asterisk (the simulator's default admin/secret, UTC).</summary>
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

    /// <summary>Every event journaled under <paramref name="tag"/> so far, in journal order.</summary>
    public async Task<IReadOnlyList<EventEnvelope>> ReadTagAsync(string tag)
    {
        var journal = PersistenceQuery.Get(System).ReadJournalFor<SqlReadJournal>(SqlReadJournal.Identifier);
        return await journal.CurrentEventsByTag(tag, Offset.Sequence(0))
            .RunWith(Sink.Seq<EventEnvelope>(), System.Materializer());
    }

    public async ValueTask DisposeAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await _host.StopAsync(cts.Token);
        _host.Dispose();
    }
}
