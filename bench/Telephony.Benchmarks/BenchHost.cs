using System.Data.Common;
using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MySqlConnector;
using Telephony.Actors.Calls;
using Telephony.Actors.Hosting;
using Telephony.Actors.Nodes;
using Telephony.Actors.Persistence;
using Telephony.Actors.Serialization;

namespace Telephony.Benchmarks;

/// <summary>A fresh journal for one benchmark run: a new SQLite file under the temp folder, or a new database on the
/// MariaDB named by TELEPHONY_TEST_MARIADB (scripts/services.sh).</summary>
internal sealed record BenchJournal(JournalProvider Provider, string ConnectionString, string Description, string? Folder)
{
    public static BenchJournal Sqlite(string name = "journal.db")
    {
        var folder = Path.Combine(Path.GetTempPath(), "telephony-bench", Guid.NewGuid().ToString("N"));
        var path = Path.Combine(folder, name);
        return new BenchJournal(JournalProvider.Sqlite, JournalSchema.SqliteConnectionString(path), "SQLite " + path, folder);
    }

    public static async Task<BenchJournal> MariaDbAsync()
    {
        var baseConnection = Environment.GetEnvironmentVariable("TELEPHONY_TEST_MARIADB");
        if (string.IsNullOrEmpty(baseConnection))
            throw new InvalidOperationException(
                "TELEPHONY_TEST_MARIADB is not set: run scripts/services.sh and `source .local/services.env` first");
        var database = "bench_" + Guid.NewGuid().ToString("N")[..12];
        var builder = new MySqlConnectionStringBuilder(baseConnection);
        await using (var connection = new MySqlConnection(builder.ConnectionString))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = $"CREATE DATABASE `{database}`";
            await command.ExecuteNonQueryAsync();
        }
        builder.Database = database;
        builder.AllowUserVariables = true;
        return new BenchJournal(JournalProvider.MySql, builder.ConnectionString, "MariaDB database " + database, null);
    }

    public DbConnection Open() => JournalSchema.Open(Provider, ConnectionString);

    /// <summary>The value of a benchmark's <c>--journal</c> option: true for mariadb, false for sqlite.</summary>
    public static bool IsMariaDbOption(string value) => value switch
    {
        "sqlite" => false,
        "mariadb" => true,
        _ => throw new ArgumentException($"--journal: sqlite or mariadb, not {value}"),
    };

    /// <summary>Removes the SQLite folder (MariaDB databases are dropped).</summary>
    public async Task CleanUpAsync()
    {
        if (Folder is not null)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(Folder, recursive: true); } catch (IOException) { }
            return;
        }
        var builder = new MySqlConnectionStringBuilder(ConnectionString);
        var database = builder.Database;
        builder.Database = "";
        await using var connection = new MySqlConnection(builder.ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"DROP DATABASE IF EXISTS `{database}`";
        await command.ExecuteNonQueryAsync();
    }
}

/// <summary>A real host (Microsoft.Extensions.Hosting + Akka.Hosting, single-node cluster), as the service runs it.</summary>
internal sealed class BenchHost : IAsyncDisposable
{
    private readonly IHost _host;

    private BenchHost(IHost host)
    {
        _host = host;
        System = host.Services.GetRequiredService<ActorSystem>();
        Registry = host.Services.GetRequiredService<IActorRegistry>();
    }

    public ActorSystem System { get; }
    public IActorRegistry Registry { get; }

    /// <summary>The HOCON every benchmark host gets (quiet logs), then the caller's tuning overrides on top.</summary>
    public const string BaseHocon = """
        akka.loglevel = WARNING
        akka.log-dead-letters = 0
        """;

    public static async Task<BenchHost> StartAsync(BenchJournal journal, IReadOnlyList<AsteriskNodeSettings> nodes, string? extraHocon,
        Telephony.Actors.Queues.QueueDirectory? queues = null)
    {
        await JournalSchema.EnsureAsync(journal.Provider, journal.ConnectionString);
        var options = new TelephonyOptions
        {
            JournalProvider = journal.Provider,
            JournalConnectionString = journal.ConnectionString,
            HoconDirectory = Path.Combine(AppContext.BaseDirectory, "hocon"),
            Nodes = nodes,
            QueueDirectory = queues ?? Telephony.Actors.Queues.QueueDirectory.Empty,
            ExtraHocon = (extraHocon ?? "") + "\n" + BaseHocon,
        };
        // No file watching: the default builder watches its content root (the current directory, recursively) for
        // appsettings changes, and a busy working tree (builds next door) cost the profiled run several % of its CPU.
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            ContentRootPath = AppContext.BaseDirectory,
            Configuration = new Microsoft.Extensions.Configuration.ConfigurationManager
            {
                ["hostBuilder:reloadConfigOnChange"] = "false",
            },
        });
        builder.Logging.ClearProviders();
        builder.Services.AddAkka(TelephonyOptions.ActorSystemName, (akka, _) => akka.AddTelephony(options));
        var host = builder.Build();
        await host.StartAsync();
        return new BenchHost(host);
    }

    public Task<NodeStatus> NodeStatusAsync(string node) =>
        Registry.Get<NodeRegion>().Ask<NodeStatus>(new NodeCommand(node, NodeCommandKind.GetStatus), TimeSpan.FromSeconds(10));

    public TelephonySerializer Serializer => new((ExtendedActorSystem)System);

    public async ValueTask DisposeAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        try
        {
            await _host.StopAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
        }
        _host.Dispose();
    }
}

/// <summary>What a journal holds, read back row by row with the real serializer.</summary>
internal sealed record JournalCount(long Rows, long EventRows, long Events, long DistinctIdentities, long PayloadBytes, long BillingRows,
    long OtherRows, DateTime FirstEventWrite, DateTime LastEventWrite)
{
    /// <summary>Events journaled per <paramref name="bucket"/> from the first event row, by the journal's clock.</summary>
    public IReadOnlyList<long> Timeline(TimeSpan bucket)
    {
        var counts = new List<long>();
        foreach (var (at, n) in _eventRows)
        {
            var i = (int)((at - FirstEventWrite) / bucket);
            while (counts.Count <= i) counts.Add(0);
            counts[i] += n;
        }
        return counts;
    }

    private List<(DateTime At, int Events)> _eventRows = [];

    /// <summary>From the first event row's write to the last one's, by the journal's own <c>created</c> column.</summary>
    public TimeSpan EventWriteSpan => LastEventWrite - FirstEventWrite;

    public static async Task<JournalCount> ReadAsync(BenchJournal journal, TelephonySerializer serializer)
    {
        await using var connection = journal.Open();
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT persistence_id, manifest, message, created FROM journal ORDER BY ordering";
        await using var reader = await command.ExecuteReaderAsync();
        long rows = 0, eventRows = 0, events = 0, bytes = 0, billing = 0, other = 0;
        long firstWrite = long.MaxValue, lastWrite = long.MinValue;
        var eventRowTimes = new List<(DateTime, int)>();
        var identities = new HashSet<(string, string)>();
        while (await reader.ReadAsync())
        {
            rows++;
            var pid = reader.GetString(0);
            var manifest = reader.IsDBNull(1) ? "" : reader.GetString(1);
            var message = (byte[])reader.GetValue(2);
            switch (serializer.FromBinary(message, manifest))
            {
                case CallEventsRecorded r:
                    eventRows++;
                    events += r.Events.Count;
                    var created = reader.GetInt64(3);
                    firstWrite = Math.Min(firstWrite, created);
                    lastWrite = Math.Max(lastWrite, created);
                    eventRowTimes.Add((At(created), r.Events.Count));
                    bytes += message.Length;
                    foreach (var e in r.Events) identities.Add((pid, e.Identity));
                    break;
                case CallCompleted:
                    billing++;
                    break;
                default:
                    other++;
                    break;
            }
        }
        // Akka.Persistence.Sql writes DateTime ticks (UTC); milliseconds since the epoch are read as such too.
        static DateTime At(long created) => created > 100_000_000_000_000_000L
            ? new DateTime(created, DateTimeKind.Utc)
            : DateTime.UnixEpoch.AddMilliseconds(created);
        return eventRows == 0
            ? new JournalCount(rows, 0, 0, 0, 0, billing, other, default, default)
            : new JournalCount(rows, eventRows, events, identities.Count, bytes, billing, other, At(firstWrite), At(lastWrite))
            {
                _eventRows = eventRowTimes,
            };
    }
}
