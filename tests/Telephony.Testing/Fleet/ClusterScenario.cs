using MySqlConnector;
using Telephony.Actors.Persistence;
using Telephony.Simulator;
using Telephony.Simulator.Queue;

namespace Telephony.Testing.Fleet;

/// <summary>
/// The shared set-up of the multi-process cluster scenarios (tests and the soak benchmark): a simulator with Asterisk
/// nodes <c>pbx-1..N</c> (real TCP, four by default), a fresh MariaDB journal and billing database (on the test server,
/// or on a server of the caller's that it may stop), and the environment every member gets — exactly the keys the
/// README documents. Ends with the exactness check of the billing rows against the calls the scenario made.
/// </summary>
public sealed class ClusterScenario : IAsyncDisposable
{
    public const string User = "admin";
    private readonly Action<string> _output;

    private ClusterScenario(AsteriskSimulator simulator, string journal, string billing, Action<string> output)
    {
        Simulator = simulator;
        Journal = journal;
        Billing = billing;
        _output = output;
    }

    public AsteriskSimulator Simulator { get; }
    public string Journal { get; }
    public string Billing { get; }

    /// <param name="output">Where progress and diagnostics go (a test's output, the console).</param>
    /// <param name="virtualQueue">Callers and agents of a virtual queue the simulator plays beside the calls.</param>
    /// <param name="nodes">How many Asterisk nodes the simulator plays.</param>
    /// <param name="timeScale">Wall-clock seconds per simulated second.</param>
    /// <param name="mariaDbServer">The MariaDB server to create the databases on (a root connection string): default
    /// the test server (TELEPHONY_TEST_MARIADB).</param>
    /// <param name="timestampEvents">Every AMI event carries <c>Timestamp</c> (manager.conf <c>timestampevents = yes</c>,
    /// which the README recommends): billing from precise times, repeats told apart by it.</param>
    public static async Task<ClusterScenario> StartAsync(Action<string> output, VirtualQueueOptions? virtualQueue = null,
        int nodes = 4, double timeScale = 0.05, string? mariaDbServer = null, bool timestampEvents = false)
    {
        var simulator = await AsteriskSimulator.StartAsync(new SimulatorOptions
        {
            Port = 0, Nodes = nodes, NodeNamePrefix = "pbx", TimeScale = timeScale, TimeZone = TimeZoneInfo.Utc,
            CdrLinkedIdAndSequence = true,
            TimestampEvents = timestampEvents,
            // One scaled clock per node for queue calls, so that the ledger's times are comparable (QueueCrashTests).
            SubSecondTimes = virtualQueue is not null,
            VirtualQueue = virtualQueue ?? new VirtualQueueOptions(),
        });
        var journal = await TestDatabases.CreateMariaDbAsync("journal_", mariaDbServer);
        // Created once here, not by three members racing at start.
        await JournalSchema.EnsureAsync(JournalProvider.MySql, journal);
        var billing = await TestDatabases.CreateMariaDbAsync("billing_", mariaDbServer);
        return new ClusterScenario(simulator, journal, billing, output);
    }

    /// <summary>What every member is given. <paramref name="regions"/> maps node names to their region.</summary>
    public Dictionary<string, string> Environment(IReadOnlyDictionary<string, string>? regions = null)
    {
        var environment = new Dictionary<string, string>
        {
            ["TELEPHONY__JOURNAL__PROVIDER"] = "mysql",
            ["TELEPHONY__JOURNAL__CONNECTIONSTRING"] = Journal,
            ["TELEPHONY__BILLING__SINKS__0__KIND"] = "mysql",
            ["TELEPHONY__BILLING__SINKS__0__CONNECTIONSTRING"] = Billing,
            // Down a dead member 5 s after the cluster view settles (production: 10 s, hocon/telephony.conf). Not
            // min-nr-of-members = 3: a shard coordinator that moves after a crash would then wait for a third member
            // before it allocates anything.
            ["TELEPHONY__HOCON"] = "akka.cluster.split-brain-resolver.stable-after = 5s",
        };
        for (var i = 0; i < Simulator.Nodes.Count; i++)
        {
            var node = Simulator.Nodes[i];
            environment[$"TELEPHONY__NODES__{i}__NAME"] = node.Name;
            environment[$"TELEPHONY__NODES__{i}__HOST"] = "127.0.0.1";
            environment[$"TELEPHONY__NODES__{i}__PORT"] = node.Port.ToString();
            environment[$"TELEPHONY__NODES__{i}__USERNAME"] = User;
            environment[$"TELEPHONY__NODES__{i}__SECRET"] = "secret";
            environment[$"TELEPHONY__NODES__{i}__TIMEZONE"] = "UTC";
            if (regions?.GetValueOrDefault(node.Name) is { } region) environment[$"TELEPHONY__NODES__{i}__REGION"] = region;
        }
        return environment;
    }

    /// <summary>Waits until each configured node is Connected on a member that <paramref name="allowed"/> accepts
    /// (as <paramref name="asker"/> finds them), and returns node → member address.</summary>
    public static async Task<Dictionary<string, string>> WaitForNodesAsync(HostCluster cluster, ClusterMember asker,
        Func<string, string, bool> allowed, string what, Func<IReadOnlyDictionary<string, string>, bool>? settled = null, int count = 4,
        int pollMilliseconds = 1000)
    {
        Dictionary<string, (string State, string? Member)> nodes = [];
        await cluster.WaitUntilAsync(async () =>
        {
            nodes = await HostCluster.NodesAsync(asker);
            return nodes.Count == count && nodes.All(n => n.Value.State == "Connected" && n.Value.Member is { } m && allowed(n.Key, m)) &&
                   (settled is null || settled(nodes.ToDictionary(n => n.Key, n => n.Value.Member!)));
        }, what, TimeSpan.FromMinutes(3), pollMilliseconds);
        return nodes.ToDictionary(n => n.Key, n => n.Value.Member!);
    }

    /// <summary>The gaps every node's journal records so far (who missed what, as the members account for it).</summary>
    public async Task<List<Telephony.Actors.Nodes.GapRecorded>> JournaledGapsAsync()
    {
        var serializer = new Telephony.Actors.Serialization.TelephonySerializer(null!);
        await using var connection = new MySqlConnection(Journal);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT manifest, message FROM journal WHERE persistence_id LIKE 'node/%' AND identifier = @id";
        command.Parameters.AddWithValue("@id", Telephony.Actors.Serialization.TelephonySerializer.SerializerId);
        await using var reader = await command.ExecuteReaderAsync();
        var gaps = new List<Telephony.Actors.Nodes.GapRecorded>();
        while (await reader.ReadAsync())
            if (serializer.FromBinary((byte[])reader["message"], reader.GetString(0)) is Telephony.Actors.Nodes.GapRecorded g) gaps.Add(g);
        return gaps;
    }

    private async Task<long> JournalRowsAsync(string persistenceId)
    {
        await using var connection = new MySqlConnection(Journal);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM journal WHERE persistence_id = @p";
        command.Parameters.AddWithValue("@p", persistenceId);
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }

    public async Task<long> CountAsync(string sql)
    {
        await using var connection = new MySqlConnection(Billing);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }

    private async Task<HashSet<(string Node, string Linkedid)>> PairsAsync(string sql)
    {
        await using var connection = new MySqlConnection(Billing);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync();
        var pairs = new HashSet<(string, string)>();
        while (await reader.ReadAsync()) pairs.Add((reader.GetString(0), reader.GetString(1)));
        return pairs;
    }

    /// <summary>Calls billed so far (rows of the <c>call</c> table; 0 before the projection created it).</summary>
    public async Task<long> BilledCallsAsync()
    {
        try
        {
            return await CountAsync("SELECT COUNT(DISTINCT node, linkedid) FROM `call`");
        }
        catch (MySqlException e) when (e.ErrorCode == MySqlErrorCode.NoSuchTable)
        {
            return 0;
        }
    }

    /// <summary>
    /// Stops the load, waits until every call the test made has ended and the billing projections have caught up
    /// with the journal, then checks the billing rows against the calls: every call that ran while its node had a
    /// logged-in session is billed (a <c>call</c> row and its Asterisk <c>cdr</c> rows), no row names a call the test
    /// did not make, and no Asterisk Cdr is written twice.
    /// </summary>
    /// <param name="nodes">Only these nodes' rows are checked (the nodes the load called on; calls the test did not
    /// drive, e.g. a virtual queue's, run on the others). Default: every node.</param>
    /// <param name="byJournaledGaps">Instead of the simulator's observed periods with margins, the issue's rule: a call
    /// may be missing only if it ran (in part) inside a gap its node's journal records (a window no member observed,
    /// as the members themselves account for it); every other call must be billed.</param>
    /// <param name="throwIfNotExact">Throw <see cref="BillingNotExactException"/> naming what is wrong (tests), or
    /// return the figures whatever they are (the soak's accounting).</param>
    public async Task<BillingCheck> StopLoadAndCheckBillingAsync(ClusterLoad load, HostCluster cluster, IReadOnlySet<string>? nodes = null,
        bool byJournaledGaps = false, bool throwIfNotExact = true, TimeSpan? wait = null)
    {
        await load.StopAsync();
        var now = DateTimeOffset.UtcNow;
        var calls = load.Calls;
        var observed = Simulator.Nodes.ToDictionary(n => n.Name, n => AmiSessions.Observed(n.Sessions, User, now));
        // 8 s: what a member may have read but not yet journaled when it dies or hands a node over, on a busy 2-core box.
        var exact = calls.Where(c => AmiSessions.FullyObserved(c, observed[c.Node], TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(8)))
            .Select(c => (c.Node, c.Linkedid)).ToHashSet();
        var made = calls.Select(c => (c.Node, c.Linkedid)).ToHashSet();
        foreach (var (node, periods) in observed)
            _output($"{node}: observed {string.Join(", ", periods.Select(p => $"{p.From:HH:mm:ss.fff}-{p.To:HH:mm:ss.fff}"))}");

        HashSet<(string, string)> Only(HashSet<(string Node, string Linkedid)> pairs) =>
            nodes is null ? pairs : pairs.Where(p => nodes.Contains(p.Node)).ToHashSet();
        var asker = cluster.Running.First();
        HashSet<(string, string)> billed = [];
        try
        {
            await cluster.WaitUntilAsync(async () =>
            {
                if (byJournaledGaps)
                {
                    var gaps = await JournaledGapsAsync();
                    var slack = TimeSpan.FromSeconds(1);
                    bool InGap(DrivenCall c) => gaps.Any(g => g.Node == c.Node && c.StartedAt < g.To + slack && (c.EndedAt ?? now) > g.From - slack);
                    exact = calls.Where(c => !InGap(c)).Select(c => (c.Node, c.Linkedid)).ToHashSet();
                }
                billed = Only(await PairsAsync("SELECT DISTINCT node, linkedid FROM `call`"));
                if (!exact.IsSubsetOf(billed)) return false;
                var projections = (await HostCluster.GetAsync(asker, "/projections")).GetProperty("projections").EnumerateArray().ToList();
                return projections.Count > 0 && projections.All(p => p.GetProperty("lagEvents").GetInt64() == 0);
            }, $"the {exact.Count} calls made while observed are billed and the projections have no lag", wait ?? TimeSpan.FromMinutes(4), 2000);
        }
        catch (TimeoutException) when (!throwIfNotExact)
        {
            _output("billing did not become exact in time; accounting what there is");
            await ReportNotBilledAsync(calls, exact, billed);
        }
        catch (TimeoutException)
        {
            await ReportNotBilledAsync(calls, exact, billed);
            throw;
        }

        var withCdr = Only(await PairsAsync("SELECT DISTINCT node, linkedid FROM cdr WHERE origin = 'asterisk-cdr'"));
        // Nothing twice, on every node (a queue's calls too).
        var duplicateCdrs = await CountAsync(
            "SELECT COUNT(*) FROM (SELECT node, uniqueid, sequence FROM cdr WHERE origin = 'asterisk-cdr' GROUP BY node, uniqueid, sequence HAVING COUNT(*) > 1) d");
        _output($"calls made {made.Count}, {(byJournaledGaps ? "outside journaled gaps" : "made while observed")} {exact.Count}, billed {billed.Count} " +
                          $"(of the {made.Count - exact.Count} {(byJournaledGaps ? "in journaled gaps" : "made across a session change")}, " +
                          $"{billed.Count(b => !exact.Contains(b))} billed), " +
                          $"asterisk-cdr rows {await CountAsync("SELECT COUNT(*) FROM cdr WHERE origin = 'asterisk-cdr'")}");

        var problems = new List<string>();
        if (made.Count <= 100) problems.Add($"too few calls to say anything: {made.Count}");
        if (exact.Except(billed).Count() is var lost and > 0) problems.Add($"{lost} calls made while observed are not billed");
        if (exact.Except(withCdr).Count() is var noCdr and > 0) problems.Add($"{noCdr} calls made while observed have no Asterisk Cdr rows");
        if (billed.Except(made).Count() is var invented and > 0) problems.Add($"{invented} billed calls were never made");
        if (duplicateCdrs > 0) problems.Add($"{duplicateCdrs} Asterisk Cdrs written more than once");
        // One first record per billed call. Read in one statement: calls made across a session change may still be
        // completing (by idle timeout) after `billed` was read, and two reads at different moments disagreed by one.
        var extraFirstRecords = await CountAsync(
            "SELECT (SELECT COUNT(*) FROM `call` WHERE record_index = 0) - (SELECT COUNT(*) FROM (SELECT DISTINCT node, linkedid FROM `call`) b)");
        if (extraFirstRecords != 0) problems.Add($"{extraFirstRecords} calls billed more than once");
        var check = new BillingCheck(made.Count, exact.Count, billed.Count, billed.Count(b => !exact.Contains(b)),
            exact.Except(billed).Count(), (int)duplicateCdrs + (int)extraFirstRecords, problems);
        if (throwIfNotExact && problems.Count > 0) throw new BillingNotExactException(string.Join("; ", problems));
        return check;
    }

    /// <summary>Which calls, when, and what the journal holds of each: lost before the journal, or after it.</summary>
    private async Task ReportNotBilledAsync(IReadOnlyList<DrivenCall> calls, HashSet<(string Node, string Linkedid)> exact,
        HashSet<(string, string)> billed)
    {
        foreach (var c in calls.Where(c => exact.Contains((c.Node, c.Linkedid)) && !billed.Contains((c.Node, c.Linkedid))).Take(20))
        {
            var rows = await JournalRowsAsync("call/" + c.Node + "/" + c.Linkedid);
            _output($"NOT BILLED {c.Node}/{c.Linkedid} {c.StartedAt:HH:mm:ss.fff}-{c.EndedAt:HH:mm:ss.fff}: {rows} journal row(s)");
        }
    }

    public async ValueTask DisposeAsync() => await Simulator.DisposeAsync();
}

/// <summary>The billing rows checked against the calls a scenario made.</summary>
/// <param name="Exact">Calls that must be billed (made while observed, or outside every journaled gap).</param>
/// <param name="BilledInGaps">Calls billed although made (in part) while their node was not observed.</param>
public sealed record BillingCheck(int Made, int Exact, int Billed, int BilledInGaps, int Missing, int Duplicated,
    IReadOnlyList<string> Problems);

public sealed class BillingNotExactException(string message) : Exception(message);
