using Telephony.Actors.Hosting.Kubernetes;
using Telephony.Actors.Nodes;
using Telephony.Actors.Persistence;

namespace Telephony.Actors.Hosting;

/// <summary>Everything a host decides about this member. Secrets and connection strings come from the environment
/// (see the README); Akka itself is configured by the HOCON files in <see cref="HoconDirectory"/>.</summary>
public sealed record TelephonyOptions
{
    public JournalProvider JournalProvider { get; init; } = JournalProvider.Sqlite;

    /// <summary>Journal and snapshot store connection string (default: SQLite file <c>./data/telephony.db</c>).</summary>
    public required string JournalConnectionString { get; init; }

    /// <summary>Folder holding telephony.conf and persistence-*.conf.</summary>
    public required string HoconDirectory { get; init; }

    public IReadOnlyList<AsteriskNodeSettings> Nodes { get; init; } = [];

    public string Hostname { get; init; } = "127.0.0.1";
    public int Port { get; init; }

    /// <summary>Cluster traffic over mutual TLS when set (<see cref="ClusterTls"/>); plain TCP otherwise.</summary>
    public ClusterTlsOptions? Tls { get; init; }

    /// <summary>Seed node addresses (<c>akka.tcp://telephony@host:port</c>). Empty: this member forms a cluster alone
    /// (unless <see cref="Kubernetes"/> is set).</summary>
    public IReadOnlyList<string> SeedNodes { get; init; } = [];

    /// <summary>Find the other members through the Kubernetes API and Akka.Management's cluster bootstrap instead of
    /// <see cref="SeedNodes"/> (which must then be empty). Null: static seeds.</summary>
    public KubernetesBootstrap? Kubernetes { get; init; }

    /// <summary>This member's roles. <c>region-R</c> lets it own the AMI connections of the nodes configured with
    /// region R (see <see cref="NodeRegions"/>).</summary>
    public IReadOnlyList<string> Roles { get; init; } = [];

    /// <summary>The role a member needs to own the AMI connections of nodes without a region (null: any member). Every
    /// member must agree on it.</summary>
    public string? AmiRole { get; init; }

    /// <summary>The call queues and agents (the same on every member).</summary>
    public Queues.QueueDirectory QueueDirectory { get; init; } = Queues.QueueDirectory.Empty;

    /// <summary>Extra HOCON laid over the files (tests, tuning).</summary>
    public string? ExtraHocon { get; init; }

    public const string ActorSystemName = "telephony";
}
