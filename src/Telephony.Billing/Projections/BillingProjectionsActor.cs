using Akka.Actor;
using Telephony.Billing.Hosting;
using Telephony.Billing.Rows;

namespace Telephony.Billing.Projections;

/// <summary>
/// The cluster singleton that runs every billing projection exactly once in the cluster: a
/// <see cref="BillingSinkActor"/> per configured sink, each with a projection per tag. One singleton rather than one
/// per projection because a rebuild stops and swaps every projection of a sink together; each projection is still its
/// own stream, so a slow sink (or tag) holds back only itself.
/// </summary>
public sealed class BillingProjectionsActor : ReceiveActor
{
    private readonly Dictionary<string, IActorRef> _sinks = new(StringComparer.Ordinal);
    private int _stopping; // sinks still stopping their projections after StopAllProjections

    public BillingProjectionsActor(BillingOptions options)
    {
        var settings = new ProjectionSettings(options.BatchSize, options.BatchWindow, options.MinBackoff, options.MaxBackoff,
            options.LagInterval, options.LagLogInterval);
        var mapper = new BillingRowMapper(options.TimeZoneOf);
        var probe = options.JournalConnectionString is { Length: > 0 } cs ? new JournalLagProbe(options.JournalProvider, cs) : null;
        foreach (var sinkOptions in options.Sinks)
        {
            var sink = sinkOptions.CreateSink();
            _sinks[sinkOptions.Name] = Context.ActorOf(
                BillingSinkActor.Props(sink, sinkOptions.Tags, mapper, probe, settings), "sink-" + Uri.EscapeDataString(sinkOptions.Name));
        }

        Receive<GetProjectionStatus>(_ =>
        {
            var asks = _sinks.Values.Select(s => s.Ask<BillingStatus>(GetProjectionStatus.Instance, TimeSpan.FromSeconds(10))).ToList();
            Task.WhenAll(asks)
                .ContinueWith(t => new BillingStatus(
                    t.IsCompletedSuccessfully ? t.Result.SelectMany(s => s.Projections).ToList() : [],
                    t.IsCompletedSuccessfully ? t.Result.SelectMany(s => s.Rebuilds).ToList() : []), TaskScheduler.Default)
                .PipeTo(Sender);
        });
        Receive<StopAllProjections>(_ =>
        {
            _stopping = _sinks.Count;
            if (_stopping == 0)
            {
                Context.Stop(Self);
                return;
            }
            foreach (var sink in _sinks.Values) sink.Tell(StopAllProjections.Instance);
            Become(Stopping);
        });
        Receive<RebuildSink>(r =>
        {
            if (_sinks.TryGetValue(r.Sink, out var sink)) sink.Forward(r);
            else Sender.Tell(new RebuildRejected(r.Sink, $"no billing sink named '{r.Sink}' (configured: {string.Join(", ", _sinks.Keys)})"));
        });
    }

    private void Stopping()
    {
        Receive<AllProjectionsStopped>(_ =>
        {
            if (--_stopping == 0) Context.Stop(Self);
        });
        Receive<GetProjectionStatus>(_ => Sender.Tell(new BillingStatus([], [])));
        Receive<RebuildSink>(r => Sender.Tell(new RebuildRejected(r.Sink, "the billing projections are stopping")));
    }

    public static Props Props(BillingOptions options) => Akka.Actor.Props.Create(() => new BillingProjectionsActor(options));
}
