using Telephony.Billing.Rows;

namespace Telephony.Billing.Sinks.Beanstalkd;

/// <summary>A CDR whose <see cref="Field"/> (a cdr_beanstalkd key: AccountCode, Disposition, DestinationContext...)
/// is one of <see cref="Values"/> is put at <see cref="Priority"/> (0 is the most urgent).</summary>
public sealed record BeanstalkdPriorityRule
{
    public required string Field { get; init; }
    public required IReadOnlyList<string> Values { get; init; }
    public required uint Priority { get; init; }
}

/// <summary>How a beanstalkd sink puts CDRs (the server is the sink's connection string: <c>host[:port]</c>). Defaults
/// are cdr_beanstalkd's: tube <c>asterisk-cdr</c>, priority 99, TTR 60 s, no delay.</summary>
public sealed record BeanstalkdSinkOptions
{
    public string Tube { get; init; } = "asterisk-cdr";

    /// <summary>Priority of a CDR no rule matches.</summary>
    public uint DefaultPriority { get; init; } = 99;

    /// <summary>Tried in order; the first that matches gives the priority. Example: billable account codes at 1.</summary>
    public IReadOnlyList<BeanstalkdPriorityRule> PriorityRules { get; init; } = [];

    /// <summary>Time to run a consumer gets once it reserved a job (whole seconds, at least 1).</summary>
    public TimeSpan TimeToRun { get; init; } = TimeSpan.FromSeconds(60);

    public TimeSpan Delay { get; init; } = TimeSpan.Zero;

    /// <summary>Which <c>cdr</c> rows are put: Asterisk's own Cdr (as cdr_beanstalkd does), and/or the records derived
    /// from CEL (<see cref="CdrOrigin"/>). Putting both would bill a call twice.</summary>
    public IReadOnlyList<string> Origins { get; init; } = [CdrOrigin.AsteriskCdr];

    /// <summary>Folder of the projection offsets and of <c>quarantine.jsonl</c> (jobs the server refused as too big);
    /// null: <c>data/billing/&lt;sink name&gt;</c> under the working folder.</summary>
    public string? StateFolder { get; init; }

    /// <summary>How long a batch keeps retrying jobs the server answered DRAINING / OUT_OF_MEMORY / INTERNAL_ERROR to (or
    /// an unreachable server) before the batch fails and the projection backs off.</summary>
    public TimeSpan RetryFor { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>First wait between those retries, doubling up to <see cref="MaxRetryBackoff"/>.</summary>
    public TimeSpan RetryBackoff { get; init; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan MaxRetryBackoff { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Longest connect, or wait for the replies to one window of puts.</summary>
    public TimeSpan IoTimeout { get; init; } = TimeSpan.FromSeconds(10);

    internal void Validate(string sink)
    {
        if (BeanstalkdProtocol.CheckTubeName(Tube) is { } why)
            throw new ArgumentException($"billing sink '{sink}': Beanstalkd:Tube '{Tube}' is not a beanstalkd tube name: {why}");
        if (TimeToRun < TimeSpan.FromSeconds(1))
            throw new ArgumentException($"billing sink '{sink}': Beanstalkd:TimeToRun must be at least 1 second (was {TimeToRun})");
        if (Delay < TimeSpan.Zero)
            throw new ArgumentException($"billing sink '{sink}': Beanstalkd:Delay must not be negative (was {Delay})");
        if (Origins.Count == 0 || Origins.Any(o => o is not (CdrOrigin.AsteriskCdr or CdrOrigin.CelDerived)))
            throw new ArgumentException(
                $"billing sink '{sink}': Beanstalkd:Origins must name {CdrOrigin.AsteriskCdr} and/or {CdrOrigin.CelDerived} (was {string.Join(", ", Origins)})");
        foreach (var rule in PriorityRules)
        {
            if (BeanstalkdCdrJob.Field(Probe, rule.Field) is null)
                throw new ArgumentException(
                    $"billing sink '{sink}': Beanstalkd:PriorityRules field '{rule.Field}' is not a cdr_beanstalkd key " +
                    $"({string.Join(", ", BeanstalkdCdrJob.AsteriskFields)}, LinkedID, PeerAccount, Node, Origin)");
        }
    }

    /// <summary>The priority of <paramref name="row"/>: the first matching rule's, else <see cref="DefaultPriority"/>.</summary>
    public uint PriorityOf(CdrRow row)
    {
        foreach (var rule in PriorityRules)
        {
            var value = BeanstalkdCdrJob.Field(row, rule.Field);
            if (value is not null && rule.Values.Contains(value, StringComparer.Ordinal)) return rule.Priority;
        }
        return DefaultPriority;
    }

    private static readonly CdrRow Probe = new()
    {
        CallDate = DateTime.UnixEpoch, Node = "", Origin = "", RecordId = "", StartUtc = DateTime.UnixEpoch, EndUtc = DateTime.UnixEpoch,
    };
}
