using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Hosting;
using Akka.Cluster.Sharding;
using Akka.Configuration;
using Akka.Hosting;
using Akka.Remote.Hosting;
using Telephony.Actors.Actions;
using Telephony.Actors.Calls;
using Telephony.Actors.Nodes;
using Telephony.Actors.Queues;
using Telephony.Actors.Persistence;

namespace Telephony.Actors.Hosting;

/// <summary>Registry keys of the actors a host wires.</summary>
public sealed class CallRegion;
public sealed class NodeRegion;
public sealed class NodeDirectory;
public sealed class QueueRegion;
public sealed class AgentRegion;
public sealed class QueueKeeper;

/// <summary>The one call a host makes: HOCON from hocon/, remoting, clustering, persistence, the call and node shard
/// regions and the node directory singleton.</summary>
public static class TelephonyHosting
{
    public static AkkaConfigurationBuilder AddTelephony(this AkkaConfigurationBuilder builder, TelephonyOptions options)
    {
        var config = LoadConfig(options);
        builder.AddHocon(config, HoconAddMode.Prepend);
        // The SQL plugin's own defaults (Akka.Persistence.Sql.Hosting, which would add them, is not available here).
        builder.AddHocon(Akka.Persistence.Sql.SqlPersistence.DefaultConfiguration, HoconAddMode.Append);
        builder.WithRemoting(options.Hostname, options.Port);
        // With the formation lease the seeds go to ClusterLeaseActor, which hands them to Akka as the lease says.
        var lease = options.SeedNodes.Count > 0 && options.JournalProvider != JournalProvider.Sqlite
                    && config.GetBoolean("telephony.cluster.lease.enabled", true);
        builder.WithClustering(new ClusterOptions
        {
            SeedNodes = lease ? [] : options.SeedNodes.ToArray(),
            Roles = options.Roles.ToArray(),
        });
        if (lease)
        {
            var store = new LeaseStore(options.JournalProvider, options.JournalConnectionString, "telephony");
            var leaseSettings = LeaseSettings.From(config);
            builder.WithActors((system, _) => system.ActorOf(ClusterLeaseActor.Props(store, options.SeedNodes, leaseSettings), "cluster-lease"));
        }

        var shards = config.GetInt("telephony.shards", 50);
        var callSettings = CallSettings.From(config);
        var directory = new AsteriskNodeDirectory(options.Nodes);
        var batchSize = config.GetInt("telephony.nodes.delivery-batch-size", 100_000);
        var deliveryTimeout = config.GetTimeSpan("telephony.nodes.delivery-timeout", TimeSpan.FromSeconds(10));
        var inFlightLimit = config.GetInt("telephony.nodes.in-flight-limit", 4_000);
        var tick = config.GetTimeSpan("telephony.nodes.directory-tick", TimeSpan.FromSeconds(2));
        var actionSettings = ActionQueueSettings.From(config);
        var queueDirectory = options.QueueDirectory;
        var queueRuntime = QueueRuntimeSettings.From(config);

        builder.WithShardRegion<CallRegion>("call",
            entityId => CallEntity.Props(entityId, callSettings, directory.TimeZoneOf),
            new CallMessageExtractor(shards),
            new ShardOptions { StateStoreMode = StateStoreMode.DData, RememberEntities = false, HandOffStopMessage = StopCall.Instance });

        // One shard region per Asterisk region: hosted where this member has the region's role, a proxy elsewhere;
        // NodeRegion is the router in front of them all (see NodeRegions).
        // Synchronous on purpose: the node directory singleton below reads NodeRegion from the registry.
        builder.WithActors((system, registry) =>
        {
            var sharding = ClusterSharding.Get(system);
            var calls = registry.Get<CallRegion>();
            // Queue, agent and node entities talk to each other: the regions are started before any entity exists and
            // the factories read them when an entity starts.
            IActorRef queues = ActorRefs.Nobody, agents = ActorRefs.Nobody, nodeRouter = ActorRefs.Nobody;
            var shardSettings = ClusterShardingSettings.Create(system).WithRememberEntities(false);
            queues = sharding.Start("queue",
                name => QueueEntity.Props(name, queueDirectory, queueRuntime, agents, nodeRouter, queues),
                shardSettings, new QueueMessageExtractor(shards));
            agents = sharding.Start("agent",
                id => AgentEntity.Props(id, queueDirectory, queueRuntime, queues),
                shardSettings, new AgentMessageExtractor(shards));
            registry.Register<QueueRegion>(queues);
            registry.Register<AgentRegion>(agents);
            var queueLinks = new NodeQueueLinks(queues, agents, queueDirectory);
            var extractor = new NodeMessageExtractor(shards);
            var regionOfNode = new Dictionary<string, IActorRef>(StringComparer.Ordinal);
            foreach (var region in directory.All.GroupBy(NodeRegions.Of))
            {
                var typeName = NodeRegions.TypeName(region.Key);
                var role = NodeRegions.Role(region.Key, options.AmiRole);
                IActorRef shardRegion;
                if (role is null || options.Roles.Contains(role))
                {
                    shardRegion = sharding.Start(typeName,
                        entityId => AsteriskNodeActor.Props(
                            directory.Find(entityId) ?? throw new InvalidOperationException($"node '{entityId}' is not configured"),
                            calls, batchSize, deliveryTimeout, inFlightLimit, actionSettings, queueLinks),
                        ClusterShardingSettings.Create(system).WithRole(role).WithRememberEntities(false),
                        extractor);
                }
                else
                {
                    shardRegion = sharding.StartProxy(typeName, role, extractor);
                }
                foreach (var node in region) regionOfNode[node.Name] = shardRegion;
            }
            nodeRouter = system.ActorOf(NodeRouterActor.Props(regionOfNode), "asterisk-nodes");
            registry.Register<NodeRegion>(nodeRouter);
        });

        builder.WithSingleton<NodeDirectory>("node-directory",
            (_, registry, _) => NodeDirectoryActor.Props(directory.All.Select(n => n.Name).ToArray(), registry.Get<NodeRegion>(), tick),
            new ClusterSingletonOptions(), createProxyToo: false);

        if (queueDirectory.Queues.Count > 0 || queueDirectory.Agents.Count > 0)
            builder.WithSingleton<QueueKeeper>("queue-keeper",
                (_, registry, _) => QueueKeeperActor.Props(queueDirectory.Queues.Select(q => q.Name).ToList(),
                    queueDirectory.Agents.Select(a => a.Id).ToList(), registry.Get<QueueRegion>(), registry.Get<AgentRegion>(),
                    queueRuntime.KeeperInterval),
                new ClusterSingletonOptions(), createProxyToo: false);

        if (options.SeedNodes.Count == 0)
        {
            builder.WithActors((system, _) =>
            {
                var cluster = Cluster.Get(system);
                cluster.Join(cluster.SelfAddress);
            });
        }
        return builder;
    }

    /// <summary>The effective configuration: overrides, then the provider's persistence file, then telephony.conf.</summary>
    public static Config LoadConfig(TelephonyOptions options)
    {
        var baseConfig = ConfigurationFactory.ParseString(File.ReadAllText(Path.Combine(options.HoconDirectory, "telephony.conf")));
        var persistence = ConfigurationFactory.ParseString(
            File.ReadAllText(Path.Combine(options.HoconDirectory, options.JournalProvider.HoconFile())));
        var cs = Quote(options.JournalConnectionString);
        var overrides = ConfigurationFactory.ParseString($"""
            akka.persistence.journal.sql.connection-string = {cs}
            akka.persistence.snapshot-store.sql.connection-string = {cs}
            akka.persistence.query.journal.sql.connection-string = {cs}
            """);
        var extra = string.IsNullOrWhiteSpace(options.ExtraHocon) ? Config.Empty : ConfigurationFactory.ParseString(options.ExtraHocon);
        return extra.WithFallback(overrides).WithFallback(persistence).WithFallback(baseConfig);
    }

    private static string Quote(string s) => "\"" + s.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
}
