using Akka.Configuration;
using Akka.Hosting;

namespace Telephony.Actors.Hosting;

/// <summary>Which singleton a <see cref="SingletonWatchActor"/> looks for, how often, and what to tell the user.</summary>
public sealed record SingletonWatchSettings
{
    /// <summary>The manager's path, e.g. <c>/user/billing-projections</c> (Akka.Hosting names it after the singleton).</summary>
    public required string ManagerPath { get; init; }

    public required string SingletonName { get; init; }

    /// <summary>The role the singleton runs on; null for any member.</summary>
    public string? Role { get; init; }

    /// <summary>The setting a user checks when it is missing, e.g. <c>Telephony:Cluster:BillingRole</c>.</summary>
    public required string ConfigurationHint { get; init; }

    public TimeSpan IdentificationInterval { get; init; } = TimeSpan.FromSeconds(1);
    public TimeSpan FailurePeriod { get; init; } = TimeSpan.FromSeconds(30);
}

public static class SingletonWatch
{
    /// <summary>
    /// Turns off ClusterSingletonProxy's own "failed to find an associated singleton" check, for every proxy, and
    /// watches the singleton <paramref name="name"/> (started with Akka.Hosting's <c>WithSingleton</c>) instead.
    /// The proxy's check fires its first tick with no delay (akka.net#8568, open; Akka.Cluster.Tools 1.5.73), so it
    /// warned on every healthy start and stop; a warning that means nothing teaches people to ignore warnings. The
    /// watch keeps the proxy settings' interval and period (<c>akka.cluster.singleton-proxy</c>).
    /// </summary>
    public static AkkaConfigurationBuilder WithSingletonWatch(this AkkaConfigurationBuilder builder, string name, string? role, string configurationHint)
    {
        builder.AddHocon("akka.cluster.singleton-proxy.log-singleton-identification-failure = off", HoconAddMode.Prepend);
        return builder.WithActors((system, _) =>
        {
            var proxy = system.Settings.Config.GetConfig("akka.cluster.singleton-proxy") ?? Config.Empty;
            var settings = new SingletonWatchSettings
            {
                ManagerPath = "/user/" + name,
                SingletonName = name,
                Role = role,
                ConfigurationHint = configurationHint,
                IdentificationInterval = proxy.GetTimeSpan("singleton-identification-interval", TimeSpan.FromSeconds(1)),
                FailurePeriod = proxy.GetTimeSpan("singleton-identification-failure-period", TimeSpan.FromSeconds(30)),
            };
            system.ActorOf(SingletonWatchActor.Props(settings), name + "-watch");
        });
    }
}
