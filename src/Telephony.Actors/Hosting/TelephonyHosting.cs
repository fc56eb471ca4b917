using Akka.Event;
using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Hosting;
using Akka.Cluster.Sharding;
using Akka.Configuration;
using Akka.Hosting;
using Akka.Remote.Hosting;
using Telephony.Actors.Actions;
using Telephony.Actors.Calls;
using Telephony.Actors.Hosting.Kubernetes;
using Telephony.Actors.Nodes;
using Telephony.Actors.Nodes.HandOver;
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
        if (options.Tls is { } tls)
        {
            builder.AddHocon("akka.remote.dot-netty.tcp.enable-ssl = true", HoconAddMode.Prepend);
            builder.AddSetup(ClusterTls.Setup(tls));
        }
        // With the formation lease the seeds go to ClusterLeaseActor, which hands them to Akka as the lease says.
        // Under Kubernetes, cluster bootstrap joins instead of any seed list, and forms a new cluster only through the
        // same lease (LeaseGuardedJoinDecider reads and claims it); ClusterLeaseActor then holds it as for seeds.
        var bootstrap = options.Kubernetes;
        if (bootstrap is not null && options.SeedNodes.Count > 0)
            throw new ArgumentException("seed nodes and Kubernetes cluster bootstrap exclude each other", nameof(options));
        var lease = (options.SeedNodes.Count > 0 || bootstrap is not null) && options.JournalProvider != JournalProvider.Sqlite
                    && config.GetBoolean("telephony.cluster.lease.enabled", true);
        builder.WithClustering(new ClusterOptions
        {
            SeedNodes = lease ? [] : ClusterTls.Seeds(options).ToArray(),
            Roles = options.Roles.ToArray(),
        });
        if (lease)
        {
            var store = new LeaseStore(options.JournalProvider, options.JournalConnectionString, "telephony");
            var leaseSettings = LeaseSettings.From(config);
            if (bootstrap is not null) builder.AddSetup(new FormationGuardSetup(new FormationGuard(store, leaseSettings)));
            var leaseProps = bootstrap is null
                ? ClusterLeaseActor.Props(store, ClusterTls.Seeds(options), leaseSettings)
                : ClusterLeaseActor.ForBootstrap(store, leaseSettings);
            builder.WithActors((system, _) => system.ActorOf(leaseProps, "cluster-lease"));
        }
        if (bootstrap is not null) builder.WithKubernetesBootstrap(options.Hostname, bootstrap);

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
        var upClock = new MemberUpClock();
        builder.WithActors((system, registry) =>
        {
            Cluster.Get(system).RegisterOnMemberUp(upClock.MarkUp);
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
            IActorRef desk = ActorRefs.Nobody; // started below, after the node router it pokes; read when a node starts
            var extractor = new NodeMessageExtractor(shards);
            var regionOfNode = new Dictionary<string, IActorRef>(StringComparer.Ordinal);
            foreach (var region in directory.All.GroupBy(NodeRegions.Of))
            {
                var typeName = NodeRegions.TypeName(region.Key);
                var role = NodeRegions.Role(region.Key, options.AmiRole);
                IActorRef shardRegion;
                if (role is null || options.Roles.Contains(role))
                {
                    var nodeSettings = ClusterShardingSettings.Create(system).WithRole(role).WithRememberEntities(false);
                    var nodeRole = role;
                    shardRegion = sharding.Start(typeName,
                        entityId => AsteriskNodeActor.Props(
                            directory.Find(entityId) ?? throw new InvalidOperationException($"node '{entityId}' is not configured"),
                            calls, batchSize, deliveryTimeout, inFlightLimit, actionSettings, queueLinks, new NodeHandOverLinks(desk, nodeRole)),
                        nodeSettings, extractor, sharding.DefaultShardAllocationStrategy(nodeSettings), NodeHandOff.Instance);
                }
                else
                {
                    shardRegion = sharding.StartProxy(typeName, role, extractor);
                }
                foreach (var node in region) regionOfNode[node.Name] = shardRegion;
            }
            nodeRouter = system.ActorOf(NodeRouterActor.Props(regionOfNode), "asterisk-nodes");
            // Planned hand-overs keep a node's session reading here until its next owner is logged in; a member that
            // shuts down waits for them (bounded) while it leaves the cluster.
            desk = system.ActorOf(NodeHandOverDesk.Props(calls, queues, agents, nodeRouter), NodeHandOverDesk.Name);
            var nodeRegions = regionOfNode.Values.Distinct().ToList();
            CoordinatedShutdown.Get(system).AddTask(CoordinatedShutdown.PhaseClusterShardingShutdownRegion, "node-hand-overs", async () =>
            {
                // Beside the regions' own shutdown in this phase: once the node regions have handed their nodes off,
                // wait for the sessions still reading here (later phases do not hold the member: it is removed and
                // its remoting stops as soon as it has left).
                var deadline = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(14);
                await Task.WhenAny(Task.WhenAll(nodeRegions.Select(r => r.WatchAsync())), Task.Delay(TimeSpan.FromSeconds(8)));
                try
                {
                    var left = deadline - DateTimeOffset.UtcNow;
                    await desk.Ask<NodeHandOverDesk.AllDrained>(new NodeHandOverDesk.WhenAllDrained(),
                        left > TimeSpan.FromSeconds(1) ? left : TimeSpan.FromSeconds(1));
                }
                catch (Exception e) when (e is AskTimeoutException or TaskCanceledException)
                {
                    system.Log.Warning("node hand-overs still reading after 14 s; the member leaves anyway");
                }
                return Akka.Done.Instance;
            });
            registry.Register<NodeRegion>(nodeRouter);
        });

        builder.WithSingleton<NodeDirectory>("node-directory",
            (_, registry, _) => NodeDirectoryActor.Props(directory.All.Select(n => n.Name).ToArray(), registry.Get<NodeRegion>(), tick),
            new ClusterSingletonOptions(), createProxyToo: false);

        if (queueDirectory.Queues.Count > 0 || queueDirectory.Agents.Count > 0)
            builder.WithSingleton<QueueKeeper>("queue-keeper",
                (_, registry, _) => QueueKeeperActor.Props(queueDirectory.Queues.Select(q => q.Name).ToList(),
                    queueDirectory.Agents.Select(a => a.Id).ToList(), registry.Get<QueueRegion>(), registry.Get<AgentRegion>(),
                    queueRuntime.KeeperInterval, queueRuntime.KeeperFormation(options.SeedNodes.Count), upClock),
                new ClusterSingletonOptions(), createProxyToo: false);

        if (options.SeedNodes.Count == 0 && bootstrap is null)
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
