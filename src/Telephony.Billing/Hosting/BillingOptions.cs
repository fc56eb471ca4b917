using Telephony.Actors.Actions;
using Telephony.Actors.Calls;
using Telephony.Actors.Persistence;
using Telephony.Actors.Queues;
using Telephony.Billing.Sinks;
using Telephony.Billing.Sinks.Beanstalkd;
using Telephony.Billing.Sinks.Jsonl;

namespace Telephony.Billing.Hosting;

public enum BillingSinkKind
{
    Sqlite,
    MySql,

    /// <summary>JSON lines in a folder (the connection string), rotated by size or time: <see cref="JsonlFileSink"/>.</summary>
    Jsonl,

    /// <summary>CDRs as cdr_beanstalkd JSON into a tube; the connection string is <c>host[:port]</c>: <see cref="BeanstalkdSink"/>.</summary>
    Beanstalkd,
}

/// <summary>One billing database. Each of its <see cref="Tags"/> is one projection (<c>name:tag</c>) with its own stream
/// and offset, so a slow tag (or sink) holds back only itself.</summary>
public sealed record BillingSinkOptions
{
    /// <summary>Names the projections (<c>mysql:cdr</c>) and the sink in status and rebuild commands.</summary>
    public required string Name { get; init; }

    public required BillingSinkKind Kind { get; init; }

    /// <summary>MySqlConnector or Microsoft.Data.Sqlite connection string (from the environment, never a committed file);
    /// for <see cref="BillingSinkKind.Jsonl"/> the folder, for <see cref="BillingSinkKind.Beanstalkd"/> <c>host[:port]</c>.</summary>
    public required string ConnectionString { get; init; }

    /// <summary>Journal tags projected: <c>cdr</c> (Asterisk's Cdr into cdr), <c>cel</c> (into cel), <c>billing</c>
    /// (CEL-derived billing records into call and cdr), and, when listed, <c>actions</c> (the AMI action queues'
    /// events into ami_action; SQL and JSONL sinks only), <c>queues</c> (the call queues' and agents' events into
    /// queue_call, queue_agent, agent_session and queue_log; SQL and JSONL sinks only). Each tag is its own projection and
    /// offset row (<c>name:tag</c>).</summary>
    public IReadOnlyList<string> Tags { get; init; } = [CallTags.Cdr, CallTags.Cel, CallTags.Billing];

    /// <summary>Prefix of every table name (two sinks sharing a database).</summary>
    public string TablePrefix { get; init; } = "";

    /// <summary>File rotation of a <see cref="BillingSinkKind.Jsonl"/> sink.</summary>
    public JsonlSinkOptions Jsonl { get; init; } = new();

    /// <summary>Tube, priorities, TTR and retries of a <see cref="BillingSinkKind.Beanstalkd"/> sink.</summary>
    public BeanstalkdSinkOptions Beanstalkd { get; init; } = new();

    /// <summary>A decorator around the sink (throttling, fault injection, metrics); null for none.</summary>
    public Func<IBillingSink, IBillingSink>? Wrap { get; init; }

    /// <summary>Throws an <see cref="ArgumentException"/> naming the key when the options of this kind cannot work.</summary>
    public void Validate()
    {
        if (Kind == BillingSinkKind.Beanstalkd && Tags.Contains(ActionTags.Actions))
            throw new ArgumentException($"billing sink '{Name}' (beanstalkd) puts only CDRs: tag '{ActionTags.Actions}' needs a sqlite, mysql or jsonl sink");
        if (Kind == BillingSinkKind.Beanstalkd && Tags.Contains(QueueTags.Queues))
            throw new ArgumentException($"billing sink '{Name}' (beanstalkd) puts only CDRs: tag '{QueueTags.Queues}' needs a sqlite, mysql or jsonl sink");
        if (Kind == BillingSinkKind.Jsonl) Jsonl.Validate(Name);
        if (Kind != BillingSinkKind.Beanstalkd) return;
        Beanstalkd.Validate(Name);
        BeanstalkdSink.ParseServer(Name, ConnectionString);
    }

    public IBillingSink CreateSink()
    {
        IBillingSink sink = Kind switch
        {
            BillingSinkKind.MySql => SqlBillingSink.MySql(Name, ConnectionString, TablePrefix),
            BillingSinkKind.Jsonl => new JsonlFileSink(Name, ConnectionString, Jsonl),
            BillingSinkKind.Beanstalkd => new BeanstalkdSink(Name, ConnectionString, Beanstalkd),
            _ => SqlBillingSink.Sqlite(Name, ConnectionString, TablePrefix),
        };
        return Wrap is null ? sink : Wrap(sink);
    }
}

/// <summary>Everything the billing projections need from a host.</summary>
public sealed record BillingOptions
{
    public IReadOnlyList<BillingSinkOptions> Sinks { get; init; } = [];

    /// <summary>Most journal events per batch (one transaction).</summary>
    public int BatchSize { get; init; } = 1000;

    /// <summary>Longest wait to fill a batch: a quiet journal still reaches the database within this.</summary>
    public TimeSpan BatchWindow { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Backoff of a projection whose sink fails: from <see cref="MinBackoff"/> doubling to <see cref="MaxBackoff"/>.</summary>
    public TimeSpan MinBackoff { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How often each projection measures its lag against the journal.</summary>
    public TimeSpan LagInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How often each projection logs its offset and lag (also logged when it catches up or fails).</summary>
    public TimeSpan LagLogInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The journal's database, read directly for the lag (head ordering and the tagged events past the
    /// offset). Null: lag is not measured (status shows -1).</summary>
    public JournalProvider JournalProvider { get; init; } = JournalProvider.Sqlite;

    public string? JournalConnectionString { get; init; }

    /// <summary>Each node's zone: calldate and eventtime are written in it, as Asterisk's own backends do.</summary>
    public Func<string, TimeZoneInfo> TimeZoneOf { get; init; } = _ => TimeZoneInfo.Utc;

    /// <summary>Cluster role the projections singleton runs on (null: any member).</summary>
    public string? Role { get; init; }

    /// <summary>This member's roles, when known: a member without <see cref="Role"/> starts only a proxy to the
    /// projections (Akka refuses, with an error, a singleton manager on a member that may not host it).</summary>
    public IReadOnlyList<string>? MemberRoles { get; init; }
}
