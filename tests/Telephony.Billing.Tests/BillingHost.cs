using Akka.Actor;
using Akka.Hosting;
using Akka.Persistence.Query;
using Telephony.Actors.Nodes;
using Telephony.Billing.Hosting;
using Telephony.Billing.Projections;
using Telephony.Simulator;

namespace Telephony.Billing.Tests;

/// <summary>The shared in-process host (<see cref="TelephonyHost"/>) with the billing projections wired as the service
/// wires them: AddTelephony, then AddTelephonyBilling.</summary>
public sealed class BillingHost : IAsyncDisposable
{
    private readonly TelephonyHost _host;

    private BillingHost(TelephonyHost host) => _host = host;

    public ActorSystem System => _host.System;
    public IActorRegistry Registry => _host.Registry;
    public IActorRef Billing => Registry.Get<BillingProjections>();

    public static async Task<BillingHost> StartAsync(TestJournal journal, BillingOptions billing, params AsteriskNodeSettings[] nodes)
    {
        billing = billing with { JournalProvider = journal.Provider, JournalConnectionString = journal.ConnectionString };
        return new BillingHost(await TelephonyHost.StartAsync(TelephonyHost.OptionsFor(journal, nodes), akka => akka.AddTelephonyBilling(billing)));
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

    public static AsteriskNodeSettings NodeFor(SimulatedNode sim, string name = "pbx1") => TelephonyHost.NodeFor(sim, name);

    public async Task<BillingStatus> StatusAsync() =>
        await Billing.Ask<BillingStatus>(GetProjectionStatus.Instance, TimeSpan.FromSeconds(15));

    public async Task<ProjectionStatus> StatusAsync(string projection) =>
        (await StatusAsync()).Projections.Single(p => p.Name == projection && !p.IsRebuild);

    /// <summary>Every event journaled under <paramref name="tag"/> so far, in journal order.</summary>
    public Task<IReadOnlyList<EventEnvelope>> ReadTagAsync(string tag) => _host.ReadTagAsync(tag);

    public ValueTask DisposeAsync() => _host.DisposeAsync();
}
