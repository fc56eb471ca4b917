using Akka.Cluster.Hosting;
using Akka.Hosting;
using Telephony.Billing.Projections;

namespace Telephony.Billing.Hosting;

/// <summary>Registry key of the billing projections singleton proxy: ask it <see cref="GetProjectionStatus"/>
/// (reply <see cref="BillingStatus"/>) or tell it <see cref="RebuildSink"/>.</summary>
public sealed class BillingProjections;

public static class BillingHosting
{
    /// <summary>Runs the billing projections of every configured sink as one cluster singleton
    /// (<c>billing-projections</c>) and registers its proxy under <see cref="BillingProjections"/>. Call after
    /// <c>AddTelephony</c> (it needs the SQL read journal configured there).</summary>
    public static AkkaConfigurationBuilder AddTelephonyBilling(this AkkaConfigurationBuilder builder, BillingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        foreach (var sink in options.Sinks)
        {
            if (string.IsNullOrWhiteSpace(sink.Name)) throw new ArgumentException("a billing sink needs a name", nameof(options));
            if (string.IsNullOrWhiteSpace(sink.ConnectionString))
                throw new ArgumentException($"billing sink '{sink.Name}' has no connection string", nameof(options));
            sink.Validate();
        }
        var duplicate = options.Sinks.GroupBy(s => s.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new ArgumentException($"two billing sinks are named '{duplicate.Key}'", nameof(options));

        builder.AddHocon(Akka.Configuration.ConfigurationFactory.ParseString(Serialization.BillingSerializer.Hocon), HoconAddMode.Prepend);
        if (options.Role is { } role && options.MemberRoles is { } roles && !roles.Contains(role))
            return builder.WithSingletonProxy<BillingProjections>("billing-projections", new ClusterSingletonOptions { Role = role });
        return builder.WithSingleton<BillingProjections>("billing-projections",
            BillingProjectionsActor.Props(options),
            // Drained, not killed: see StopAllProjections.
            new ClusterSingletonOptions { Role = options.Role, TerminationMessage = StopAllProjections.Instance },
            createProxyToo: true);
    }
}
