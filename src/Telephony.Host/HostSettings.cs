using Microsoft.Extensions.Configuration;
using Telephony.Actors.Hosting;
using Telephony.Actors.Nodes;
using Telephony.Actors.Persistence;
using Telephony.Ami.Client;
using Telephony.Billing.Hosting;
using Telephony.Host.Management;
using Telephony.Host.Vicidial;

namespace Telephony.Host;

/// <summary>A configuration value that cannot be used; <see cref="Key"/> is what the user must fix.</summary>
public sealed class ConfigurationError(string key, string message) : Exception($"{key}: {message}")
{
    public string Key { get; } = key;
}

/// <summary>
/// Reads the <c>Telephony</c> section (appsettings.json, then environment variables such as
/// <c>TELEPHONY__JOURNAL__PROVIDER</c>, then <c>--Telephony:...</c> arguments) into the options the actors take.
/// </summary>
public sealed record HostSettings
{
    public required TelephonyOptions Telephony { get; init; }
    public required BillingOptions Billing { get; init; }
    public bool Demo { get; init; }
    public double DemoCallsPerSecond { get; init; }
    public int DemoMaxConcurrentCalls { get; init; }
    public double DemoTimeScale { get; init; }
    public double DemoOriginatesPerMinute { get; init; }
    public double DemoQueueCallersPerSecond { get; init; }
    public TimeSpan ProgressInterval { get; init; }
    public required ManagementSettings Management { get; init; }

    /// <summary>The vicidial_manager adapter (<c>Telephony:Vicidial</c>); null when not configured.</summary>
    public VicidialSettings? Vicidial { get; init; }

    public static HostSettings From(IConfiguration configuration, string contentRoot)
    {
        var section = configuration.GetSection("Telephony");
        var providerName = section["Journal:Provider"];
        JournalProvider provider;
        try
        {
            provider = JournalProviders.Parse(providerName);
        }
        catch (ArgumentException e)
        {
            throw new ConfigurationError("Telephony:Journal:Provider", e.Message);
        }
        var connectionString = section["Journal:ConnectionString"];
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            if (provider != JournalProvider.Sqlite)
                throw new ConfigurationError("Telephony:Journal:ConnectionString",
                    $"required for the {provider} journal (set TELEPHONY__JOURNAL__CONNECTIONSTRING)");
            connectionString = JournalSchema.SqliteConnectionString(Path.Combine(Environment.CurrentDirectory, "data", "telephony.db"));
        }
        else if (provider == JournalProvider.Sqlite)
        {
            connectionString = SqliteFileOrConnectionString(connectionString);
        }

        var nodes = section.GetSection("Nodes").GetChildren().Select((n, i) => ReadNode(n, i)).ToList();
        var duplicate = nodes.GroupBy(n => n.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new ConfigurationError("Telephony:Nodes", $"node name '{duplicate.Key}' is configured twice");

        var sinks = new List<BillingSinkOptions>();
        string? defaultSqliteKey = null;
        foreach (var (n, i) in section.GetSection("Billing:Sinks").GetChildren().Select((n, i) => (n, i)))
            sinks.Add(ReadSink(n, i, ref defaultSqliteKey));
        if (sinks.Count == 0)
        {
            // The billing tags every sink has, and the ami_action and queue reports as a configured sink gets by default.
            var sqlite = new BillingSinkOptions { Name = "sqlite", Kind = BillingSinkKind.Sqlite, ConnectionString = DefaultBillingDatabase() };
            sinks.Add(sqlite with
            {
                Tags = [.. sqlite.Tags, global::Telephony.Actors.Actions.ActionTags.Actions, global::Telephony.Actors.Queues.QueueTags.Queues],
            });
        }
        var duplicateSink = sinks.GroupBy(s => s.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicateSink is not null)
            throw new ConfigurationError("Telephony:Billing:Sinks", $"sink name '{duplicateSink.Key}' is configured twice");
        var directory = new AsteriskNodeDirectory(nodes);
        var queueDirectory = Queues.QueueConfiguration.Read(section, nodes.Count == 0 ? [] : nodes.Select(n => n.Name).ToList());

        var cluster = section.GetSection("Cluster");
        var hostname = cluster["Hostname"] ?? "127.0.0.1";
        var tls = ClusterTlsFrom(cluster, hostname);
        var seeds = cluster.GetSection("Seeds").GetChildren().Select(c => c.Value!).Where(v => !string.IsNullOrEmpty(v)).ToList();
        return new HostSettings
        {
            Telephony = new TelephonyOptions
            {
                JournalProvider = provider,
                JournalConnectionString = connectionString,
                HoconDirectory = Path.Combine(AppContext.BaseDirectory, "hocon"),
                Nodes = nodes,
                Hostname = hostname,
                Tls = tls,
                Port = ParseInt(cluster, "Port", "Telephony:Cluster:Port", 0),
                SeedNodes = seeds,
                Kubernetes = ClusterDiscoveryConfiguration.Read(cluster, seeds, hostname),
                Roles = cluster.GetSection("Roles").GetChildren().Select(c => c.Value!).Where(v => !string.IsNullOrEmpty(v)).ToList(),
                AmiRole = cluster["AmiRole"] is { Length: > 0 } amiRole ? amiRole : null,
                ExtraHocon = section["Hocon"],
                QueueDirectory = queueDirectory,
            },
            Billing = new BillingOptions
            {
                Sinks = sinks,
                BatchSize = ParseInt(section, "Billing:BatchSize", "Telephony:Billing:BatchSize", 1000),
                BatchWindow = TimeSpan.TryParse(section["Billing:BatchWindow"], out var w) && w > TimeSpan.Zero ? w : TimeSpan.FromMilliseconds(100),
                JournalProvider = provider,
                JournalConnectionString = connectionString,
                TimeZoneOf = directory.TimeZoneOf,
                Role = cluster["BillingRole"] is { Length: > 0 } billingRole ? billingRole : null,
                MemberRoles = cluster.GetSection("Roles").GetChildren().Select(c => c.Value!).Where(v => !string.IsNullOrEmpty(v)).ToList(),
            },
            Demo = nodes.Count == 0,
            DemoCallsPerSecond = ParseDouble(section, "Demo:CallsPerSecond", 5),
            DemoMaxConcurrentCalls = ParseInt(section, "Demo:MaxConcurrentCalls", "Telephony:Demo:MaxConcurrentCalls", 50),
            DemoTimeScale = ParseDouble(section, "Demo:TimeScale", 0.1),
            DemoOriginatesPerMinute = ParseDouble(section, "Demo:OriginatesPerMinute", 6),
            DemoQueueCallersPerSecond = ParseDouble(section, "Demo:QueueCallersPerSecond", 0.3),
            ProgressInterval = TimeSpan.TryParse(section["ProgressInterval"], out var p) && p > TimeSpan.Zero ? p : TimeSpan.FromSeconds(5),
            Management = ManagementSettings.From(section.GetSection("Management")),
            Vicidial = VicidialSettings.From(section.GetSection("Vicidial"), nodes.Select(n => n.Name).ToList()),
        };
    }

    /// <summary>
    /// Cluster TLS from <c>Telephony:Cluster:Tls:Certificate</c> (PKCS#12), <c>:Password</c> and <c>:CaCertificate</c>.
    /// Without it remoting is plain TCP, which a member bound beyond loopback accepts only when
    /// <c>Telephony:Cluster:AllowPlainText</c> is true: cluster traffic carries every call's events in clear.
    /// </summary>
    private static Telephony.Actors.Hosting.ClusterTlsOptions? ClusterTlsFrom(IConfigurationSection cluster, string hostname)
    {
        var tls = cluster.GetSection("Tls");
        if (tls["Certificate"] is { Length: > 0 } certificate)
        {
            if (!File.Exists(certificate))
                throw new ConfigurationError("Telephony:Cluster:Tls:Certificate", $"no such file: {certificate}");
            if (tls["CaCertificate"] is not { Length: > 0 } ca)
                throw new ConfigurationError("Telephony:Cluster:Tls:CaCertificate", "required with a certificate: the CA members' certificates must chain to");
            if (!File.Exists(ca))
                throw new ConfigurationError("Telephony:Cluster:Tls:CaCertificate", $"no such file: {ca}");
            return new Telephony.Actors.Hosting.ClusterTlsOptions(certificate, tls["Password"], ca);
        }
        var loopback = hostname is "localhost" || (System.Net.IPAddress.TryParse(hostname, out var ip) && System.Net.IPAddress.IsLoopback(ip));
        if (!loopback && !string.Equals(cluster["AllowPlainText"], "true", StringComparison.OrdinalIgnoreCase))
            throw new ConfigurationError("Telephony:Cluster:Tls:Certificate",
                $"remoting on {hostname} (beyond loopback) needs TLS (scripts/dev-certs.sh makes a development CA and member certificates), " +
                "or Telephony:Cluster:AllowPlainText=true to send cluster traffic in clear");
        return null;
    }

    /// <summary>./data/billing.db under the working directory, as the README documents.</summary>
    private static string DefaultBillingDatabase() =>
        JournalSchema.SqliteConnectionString(Path.Combine(Environment.CurrentDirectory, "data", "billing.db"));

    /// <summary>A SQLite value is a file path (<c>./data/billing.db</c>, as the README's defaults read) or, when it has an
    /// <c>=</c>, a whole Microsoft.Data.Sqlite connection string.</summary>
    private static string SqliteFileOrConnectionString(string value) =>
        value.Contains('=') ? value : JournalSchema.SqliteConnectionString(value);

    /// <param name="defaultSqliteKey">The key of the sqlite sink that took ./data/billing.db, once one has.</param>
    private static BillingSinkOptions ReadSink(IConfigurationSection n, int index, ref string? defaultSqliteKey)
    {
        var key = $"Telephony:Billing:Sinks:{index}";
        var kind = (n["Kind"] ?? "").ToLowerInvariant() switch
        {
            "sqlite" => BillingSinkKind.Sqlite,
            "mysql" or "mariadb" => BillingSinkKind.MySql,
            "jsonl" => BillingSinkKind.Jsonl,
            "beanstalkd" => BillingSinkKind.Beanstalkd,
            var other => throw new ConfigurationError($"{key}:Kind", $"unknown sink kind '{other}': use sqlite, mysql, jsonl or beanstalkd"),
        };
        var connection = n["ConnectionString"];
        if (string.IsNullOrWhiteSpace(connection))
        {
            // One sqlite sink may omit its file and gets ./data/billing.db, as documented. A second one is refused
            // rather than given a file name nobody documented: the user names it.
            if (kind == BillingSinkKind.Sqlite && defaultSqliteKey is not null)
                throw new ConfigurationError($"{key}:ConnectionString",
                    $"required: {defaultSqliteKey} already writes the default ./data/billing.db; give this sqlite sink its own file " +
                    $"(e.g. TELEPHONY__BILLING__SINKS__{index}__CONNECTIONSTRING=./data/billing-{index}.db)");
            if (kind == BillingSinkKind.Sqlite) defaultSqliteKey = key;
            connection = kind switch
            {
                BillingSinkKind.Sqlite => DefaultBillingDatabase(),
                BillingSinkKind.Jsonl => Path.Combine(Environment.CurrentDirectory, "data", "billing-jsonl"),
                _ => throw new ConfigurationError($"{key}:ConnectionString",
                    $"required (environment: TELEPHONY__BILLING__SINKS__{index}__CONNECTIONSTRING)"),
            };
        }
        else if (kind == BillingSinkKind.Sqlite)
        {
            connection = SqliteFileOrConnectionString(connection);
        }
        var name = n["Name"] is { Length: > 0 } given ? given : kind.ToString().ToLowerInvariant() + (index == 0 ? "" : $"-{index}");
        var sink = new BillingSinkOptions
        {
            Name = name,
            Kind = kind,
            ConnectionString = connection,
            TablePrefix = n["TablePrefix"] ?? "",
        };
        if (kind == BillingSinkKind.Beanstalkd) sink = sink with { Tags = [global::Telephony.Actors.Calls.CallTags.Cdr] };
        // The ami_action report beside the billing tables, unless the sink says Actions = false.
        else
        {
            if (ParseBool(n, "Actions", $"{key}:Actions", true))
                sink = sink with { Tags = [.. sink.Tags, global::Telephony.Actors.Actions.ActionTags.Actions] };
            // The queue reports (queue_call, agent_session, queue_log...) likewise, unless the sink says Queues = false.
            if (ParseBool(n, "Queues", $"{key}:Queues", true))
                sink = sink with { Tags = [.. sink.Tags, global::Telephony.Actors.Queues.QueueTags.Queues] };
        }
        var jsonl = n.GetSection("Jsonl");
        if (jsonl.Exists())
            sink = sink with
            {
                Jsonl = new()
                {
                    MaxFileBytes = ParseInt(jsonl, "MaxFileBytes", $"{key}:Jsonl:MaxFileBytes", 64 * 1024 * 1024),
                    RotateEvery = TimeSpan.TryParse(jsonl["RotateEvery"], out var every) ? every : null,
                },
            };
        var beanstalkd = n.GetSection("Beanstalkd");
        if (beanstalkd.Exists())
            sink = sink with
            {
                Beanstalkd = new()
                {
                    Tube = beanstalkd["Tube"] ?? "asterisk-cdr",
                    DefaultPriority = (uint)ParseInt(beanstalkd, "DefaultPriority", $"{key}:Beanstalkd:DefaultPriority", 99),
                    TimeToRun = TimeSpan.FromSeconds(ParseInt(beanstalkd, "TimeToRunSeconds", $"{key}:Beanstalkd:TimeToRunSeconds", 60)),
                    PriorityRules = beanstalkd.GetSection("PriorityRules").GetChildren().Select((r, i) => new global::Telephony.Billing.Sinks.Beanstalkd.BeanstalkdPriorityRule
                    {
                        Field = r["Field"] ?? throw new ConfigurationError($"{key}:Beanstalkd:PriorityRules:{i}:Field", "required (e.g. AccountCode)"),
                        Values = r.GetSection("Values").GetChildren().Select(v => v.Value ?? "").ToList(),
                        Priority = (uint)ParseInt(r, "Priority", $"{key}:Beanstalkd:PriorityRules:{i}:Priority", 1),
                    }).ToList(),
                },
            };
        try
        {
            sink.Validate();
        }
        catch (ArgumentException e)
        {
            throw new ConfigurationError(key, e.Message);
        }
        return sink;
    }

    private static AsteriskNodeSettings ReadNode(IConfigurationSection n, int index)
    {
        var key = $"Telephony:Nodes:{index}";
        string Required(string name) => n[name] is { Length: > 0 } v
            ? v
            : throw new ConfigurationError($"{key}:{name}", $"required (environment: TELEPHONY__NODES__{index}__{name.ToUpperInvariant()})");
        var zoneId = n["TimeZone"] ?? "UTC";
        TimeZoneInfo zone;
        try
        {
            zone = TimeZoneInfo.FindSystemTimeZoneById(zoneId);
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            throw new ConfigurationError($"{key}:TimeZone", $"unknown time zone '{zoneId}' (use an IANA name such as Europe/Paris)");
        }
        var auth = (n["AuthType"] ?? "md5").ToLowerInvariant() switch
        {
            "md5" => AmiAuthType.Md5,
            "plain" => AmiAuthType.Plain,
            var other => throw new ConfigurationError($"{key}:AuthType", $"'{other}' is not md5 or plain"),
        };
        return new AsteriskNodeSettings
        {
            Name = Required("Name"),
            Host = Required("Host"),
            Port = ParseInt(n, "Port", $"{key}:Port", 5038),
            Username = Required("Username"),
            Secret = Required("Secret"),
            AuthType = auth,
            UseTls = bool.TryParse(n["Tls"], out var tls) && tls,
            EventMask = n["EventMask"] ?? "call,cdr,system,agent,user",
            TimeZone = zone,
            EventBufferCapacity = ParseInt(n, "EventBufferCapacity", $"{key}:EventBufferCapacity", 200_000),
            Region = n["Region"] switch
            {
                null or "" => null,
                var r when NodeRegions.IsValidName(r) => r,
                var r => throw new ConfigurationError($"{key}:Region", $"'{r}' is not a region name (letters, digits, '-' and '_'; the members of it carry the role region-{r})"),
            },
        };
    }

    private static int ParseInt(IConfiguration c, string name, string key, int fallback) =>
        c[name] is not { Length: > 0 } v ? fallback
        : int.TryParse(v, out var i) && i >= 0 ? i
        : throw new ConfigurationError(key, $"'{v}' is not a non-negative whole number");

    private static bool ParseBool(IConfiguration c, string name, string key, bool fallback) =>
        c[name] is not { Length: > 0 } v ? fallback
        : bool.TryParse(v, out var b) ? b
        : throw new ConfigurationError(key, $"'{v}' is not true or false");

    private static double ParseDouble(IConfiguration c, string name, double fallback) =>
        c[name] is not { Length: > 0 } v ? fallback
        : double.TryParse(v, System.Globalization.CultureInfo.InvariantCulture, out var d) && d > 0 ? d
        : throw new ConfigurationError("Telephony:" + name, $"'{v}' is not a positive number");
}
